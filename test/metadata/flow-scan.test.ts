// tools/scan-flows.ts (npm run scan:flows): the real flows scan clean, and the scan fails on what
// it must catch: broken XML (which the scanner alone reports as 0 violations), a hard-coded queue
// id, a missing fault path, and a suppression that no longer matches anything.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METADATA_ROOT } from '../../testkit/metadata/index.ts';
import { SUPPRESSIONS, findFlowFiles, scanFlows } from '../../tools/scan-flows.ts';

const FLOW = 'OpenCX_Route_Handoff';
const realXml = readFileSync(join(METADATA_ROOT, 'flows', `${FLOW}.flow-meta.xml`), 'utf8');
const workDir = mkdtempSync(join(tmpdir(), 'flow-scan-'));
after(() => rmSync(workDir, { recursive: true, force: true }));

let counter = 0;
/** Writes a variant of the routing flow under its own name (so its suppressions apply). */
function variant(xml: string): string {
    const dir = join(workDir, String(++counter));
    mkdirSync(dir);
    const file = join(dir, `${FLOW}.flow-meta.xml`);
    writeFileSync(file, xml);
    return file;
}

function replaceOnce(xml: string, from: string, to: string): string {
    assert.ok(xml.includes(from), `the flow no longer contains ${from}`);
    return xml.replace(from, to);
}

describe('scan:flows', () => {
    test('every flow in force-app scans with no error, no unreadable file, no stale suppression', async () => {
        const files = findFlowFiles([METADATA_ROOT]);
        assert.ok(files.length >= 1);
        const report = await scanFlows(files);
        assert.deepEqual(report.unreadable, []);
        assert.deepEqual(report.ruleErrors, []);
        assert.deepEqual(report.stale, []);
        assert.deepEqual(
            report.violations.filter((row) => row.severity === 'error'),
            []
        );
        assert.ok(report.rulesRun >= 20, `only ${report.rulesRun} rule checks ran`);
    });

    test('every suppression names its reason', () => {
        for (const suppression of SUPPRESSIONS) assert.ok(suppression.reason.length > 40);
    });

    test('truncated XML is reported unreadable (the scanner alone would report nothing)', async () => {
        const report = await scanFlows([variant(realXml.slice(0, Math.floor(realXml.length / 2)))]);
        assert.equal(report.unreadable.length, 1);
        assert.match(report.unreadable[0].problem, /not well-formed XML/);
    });

    test('a flow without a processType is reported unreadable', async () => {
        const report = await scanFlows([
            variant(replaceOnce(realXml, '<processType>RoutingFlow</processType>', ''))
        ]);
        assert.match(report.unreadable[0]?.problem ?? '', /no <processType>/);
    });

    test('a hard-coded queue id is an error', async () => {
        const report = await scanFlows([
            variant(
                replaceOnce(
                    realXml,
                    '<elementReference>targetQueueId</elementReference>',
                    '<stringValue>00G5g000004XyZaEAK</stringValue>'
                )
            )
        ]);
        assert.ok(
            report.violations.some((row) => row.rule === 'HardcodedId' && row.severity === 'error'),
            JSON.stringify(report.violations)
        );
    });

    test('an update without a fault path is an error', async () => {
        const stampFault =
            /(<name>Stamp_Routing_Decision<\/name>[\s\S]*?)<faultConnector>[\s\S]*?<\/faultConnector>/;
        assert.match(realXml, stampFault);
        const report = await scanFlows([variant(realXml.replace(stampFault, '$1'))]);
        assert.deepEqual(
            report.violations
                .filter((row) => row.rule === 'MissingFaultPath')
                .map((row) => [row.element, row.severity]),
            [['Stamp_Routing_Decision', 'error']]
        );
    });

    test('a suppression that matches nothing is reported stale', async () => {
        const report = await scanFlows(
            [variant(realXml)],
            [
                ...SUPPRESSIONS,
                { flow: FLOW, rule: 'HardcodedId', elements: ['Route_To_Queue'], reason: 'test' }
            ]
        );
        assert.deepEqual(
            report.stale.map((suppression) => suppression.rule),
            ['HardcodedId']
        );
    });
});

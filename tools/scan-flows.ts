// `npm run scan:flows [-- <dir-or-file> ...]` (default: force-app): Lightning Flow Scanner over
// every *.flow-meta.xml. Each flow is first checked to be well-formed XML with a <Flow> root and a
// processType, because the scanner reports a truncated or broken flow with 0 violations. Exits
// non-zero on any unreadable flow, any error-severity violation, or a rule that failed to run.
//
// Rule configuration: every rule runs with its default severity. The only exceptions are in
// SUPPRESSIONS below, each limited to one flow (and where possible one element) with the reason.
import * as scanner from '@flow-scanner/lightning-flow-scanner-core';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createXmlParser, XMLValidator } from '../scripts/lib/xml.ts';

const ROOT = resolve(__dirname, '..');

export interface Suppression {
    flow: string;
    rule: string;
    /** Element names, or ['*'] for the whole flow. */
    elements: string[];
    reason: string;
}

export const SUPPRESSIONS: Suppression[] = [
    {
        flow: 'OpenCX_Verdict_On_End',
        rule: 'RecursiveAfterUpdate',
        elements: ['Record_Queue_Failure'],
        reason:
            'runs only when queuing the verdict failed, and writes the two OpenCX verdict fields so ' +
            'that the failure is visible on the record; the flow starts only when Status changes to ' +
            'Ended (doesRequireRecordChangedToMeetCriteria), which this update does not do, so it ' +
            'cannot start itself again.'
    },
    {
        flow: 'OpenCX_Route_Handoff',
        rule: 'AutoLayout',
        elements: ['*'],
        reason:
            'free-form canvas on purpose: the fault paths of the stamping update and the lookups ' +
            're-join the main path (a failed stamp must still route), which auto-layout can only ' +
            'draw as Go To connectors; free-form shows the real graph.'
    }
];

export interface FlowFileProblem {
    file: string;
    problem: string;
}

export interface ViolationRow {
    flow: string;
    rule: string;
    severity: string;
    element: string;
    line: number;
}

export interface ScanReport {
    files: string[];
    unreadable: FlowFileProblem[];
    violations: ViolationRow[];
    ruleErrors: string[];
    rulesRun: number;
    suppressed: Suppression[];
    /** Suppressions that match no violation any more. */
    stale: Suppression[];
}

/** Every *.flow-meta.xml under the given paths, sorted. */
export function findFlowFiles(paths: string[]): string[] {
    const out: string[] = [];
    const walk = (path: string) => {
        if (statSync(path).isDirectory()) {
            for (const entry of readdirSync(path).sort()) {
                if (entry !== 'node_modules' && !entry.startsWith('.')) walk(join(path, entry));
            }
        } else if (path.endsWith('.flow-meta.xml')) {
            out.push(path);
        }
    };
    for (const path of paths) walk(path);
    return out.sort();
}

const xmlParser = createXmlParser();

/** Null when the file is a well-formed <Flow> with a processType; otherwise what is wrong. */
export function flowFileProblem(xml: string): string | null {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) return `not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`;
    const parsed = xmlParser.parse(xml) as Record<string, unknown>;
    const flow = parsed.Flow;
    if (typeof flow !== 'object' || flow === null) return 'root element is not <Flow>';
    const processType = (flow as Record<string, unknown>).processType;
    if (typeof processType !== 'string' || processType.trim() === '') return 'no <processType>';
    return null;
}

function exceptionsConfig(suppressions: Suppression[]) {
    const exceptions: Record<string, Record<string, string[]>> = {};
    for (const { flow, rule, elements } of suppressions) {
        exceptions[flow] ??= {};
        exceptions[flow][rule] = [...(exceptions[flow][rule] ?? []), ...elements];
    }
    return exceptions;
}

/** Checks and scans the flow files; the caller decides what to print and the exit code. */
export async function scanFlows(
    files: string[],
    suppressions: Suppression[] = SUPPRESSIONS
): Promise<ScanReport> {
    const unreadable: FlowFileProblem[] = [];
    const readable: string[] = [];
    for (const file of files) {
        const problem = flowFileProblem(readFileSync(file, 'utf8'));
        if (problem) unreadable.push({ file, problem });
        else readable.push(file);
    }
    const parsed = await scanner.parse(readable);
    for (const item of parsed) {
        if (item.errorMessage || !item.flow) {
            unreadable.push({
                file: item.uri,
                problem: `scanner could not parse it: ${item.errorMessage ?? 'no flow'}`
            });
        }
    }
    const results = scanner.scan(parsed, { exceptions: exceptionsConfig(suppressions) });
    const violations = violationRows(results);
    const ruleErrors = results.flatMap((result) =>
        result.ruleResults.flatMap((rule) => (rule.errorMessage ? [rule.errorMessage] : []))
    );
    const parsedFlows = parsed.filter((item) => !item.errorMessage && item.flow).length;
    if (results.length !== parsedFlows) {
        ruleErrors.push(`scanned ${results.length} of ${parsedFlows} parsed flows`);
    }
    // A suppression that no longer hides anything is stale: it would silently hide the next
    // real finding on that element, so it is an error too.
    const unsuppressed = violationRows(scanner.scan(parsed, {}));
    const flowNames = new Set(results.map((result) => result.flow.name ?? ''));
    const stale = suppressions.filter(
        (suppression) =>
            flowNames.has(suppression.flow) &&
            !unsuppressed.some(
                (row) =>
                    row.flow === suppression.flow &&
                    row.rule === suppression.rule &&
                    (suppression.elements.includes('*') ||
                        suppression.elements.includes(row.element))
            )
    );
    return {
        files,
        unreadable,
        violations,
        ruleErrors,
        rulesRun: results.reduce((sum, result) => sum + result.ruleResults.length, 0),
        suppressed: suppressions.filter((suppression) => flowNames.has(suppression.flow)),
        stale
    };
}

function violationRows(results: ReturnType<typeof scanner.scan>): ViolationRow[] {
    return results.flatMap((result) =>
        result.ruleResults.flatMap((rule) =>
            (rule.occurs ? rule.details : []).map((detail) => ({
                flow: result.flow.name ?? '',
                rule: rule.ruleName,
                severity: rule.severity,
                element: detail.name,
                line: detail.lineNumber
            }))
        )
    );
}

function count(rows: ViolationRow[], severity: string): number {
    return rows.filter((row) => row.severity === severity).length;
}

async function main(): Promise<number> {
    const args = process.argv.slice(2);
    const targets = (args.length > 0 ? args : ['force-app']).map((path) => resolve(ROOT, path));
    const files = findFlowFiles(targets);
    if (files.length === 0) {
        console.error(`scan:flows: no *.flow-meta.xml under ${args.join(' ') || 'force-app'}`);
        return 1;
    }
    const report = await scanFlows(files);
    const show = (file: string) => relative(ROOT, resolve(file));
    for (const { file, problem } of report.unreadable) {
        console.error(`ERROR ${show(file)}: ${problem}`);
    }
    for (const row of report.violations) {
        console.log(
            `${row.severity.toUpperCase()} ${row.flow} ${row.rule}: ${row.element} (line ${row.line})`
        );
    }
    for (const message of report.ruleErrors) console.error(`ERROR scanner: ${message}`);
    for (const suppression of report.suppressed) {
        console.log(
            `suppressed ${suppression.rule} on ${suppression.flow}` +
                ` [${suppression.elements.join(', ')}]: ${suppression.reason}`
        );
    }
    for (const suppression of report.stale) {
        console.error(
            `ERROR stale suppression: ${suppression.rule} on ${suppression.flow} ` +
                `[${suppression.elements.join(', ')}] matches nothing; remove it`
        );
    }
    const errors = count(report.violations, 'error');
    console.log(
        `scan:flows: ${files.length} flow(s), ${report.rulesRun} rule checks, ` +
            `${errors} error(s), ${count(report.violations, 'warning')} warning(s), ` +
            `${count(report.violations, 'note')} note(s), ${report.unreadable.length} unreadable, ` +
            `${report.suppressed.length} suppression(s)`
    );
    const failed =
        errors > 0 ||
        report.unreadable.length > 0 ||
        report.ruleErrors.length > 0 ||
        report.stale.length > 0;
    return failed ? 1 : 0;
}

if (require.main === module) {
    main().then(
        (code) => process.exit(code),
        (error: unknown) => {
            console.error(error);
            process.exit(1);
        }
    );
}

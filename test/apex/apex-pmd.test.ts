// check:apex's PMD half must block on what it promises to block on: a severity 1-2 violation and
// a file PMD cannot parse (reported as an error log event, not a violation). Needs Java.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javaVersion, runPmd, type PmdReport } from '../../tools/apex-pmd.ts';

const sources: Record<string, string> = {
    // SOQL in system mode: ApexCRUDViolation (severity 2) and no sharing model (severity 3).
    'CrudViolation.cls':
        'public class CrudViolation {\n    public static List<Account> load() {\n        return [SELECT Id FROM Account];\n    }\n}\n',
    'Unparseable.cls':
        'public with sharing class Unparseable {\n    void m() { Integer x = 1 }\n}\n',
    'Clean.cls':
        'public with sharing class Clean {\n    public static List<Account> load() {\n        return [SELECT Id FROM Account WITH USER_MODE];\n    }\n}\n'
};

describe('PMD through Code Analyzer', { skip: javaVersion() ? false : 'no Java' }, () => {
    let folder = '';
    let report: PmdReport;

    before(async () => {
        folder = mkdtempSync(join(tmpdir(), 'apex-pmd-test-'));
        for (const [name, source] of Object.entries(sources)) {
            writeFileSync(join(folder, name), source);
        }
        report = await runPmd(
            Object.keys(sources).map((name) => join(folder, name)),
            folder
        );
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    test('runs the Recommended Apex rules', () => {
        assert.ok(report.ruleCount > 20, `rules: ${report.ruleCount}`);
    });

    test('a severity 2 violation blocks', () => {
        const crud = report.findings.find((finding) => finding.rule === 'ApexCRUDViolation');
        assert.ok(crud, JSON.stringify(report.findings));
        assert.equal(crud.severity, 2);
        assert.equal(crud.blocking, true);
        assert.ok(crud.file.endsWith('CrudViolation.cls'));
        assert.equal(crud.line, 3);
    });

    test('a file PMD cannot parse is an error that blocks', () => {
        assert.equal(report.errors.length, 1, report.errors.join('\n'));
        assert.match(report.errors[0], /Unparseable\.cls/);
        assert.equal(
            report.blockingCount,
            report.findings.filter((finding) => finding.blocking).length + 1
        );
    });

    test('user-mode SOQL in a with-sharing class raises nothing blocking', () => {
        const clean = report.findings.filter(
            (finding) => finding.file.endsWith('Clean.cls') && finding.blocking
        );
        assert.deepEqual(clean, []);
    });
});

// check:apex's PMD half must block on what it promises to block on: a severity 1-2 violation and
// a file PMD cannot parse (reported as an error log event, not a violation). Needs Java.
//
// PMD runs once per `npm test`: this test analyses its fixtures and the project's Apex in one run
// (refreshing the per-file cache), and check:apex then reads the project's findings from the cache.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findApexFiles } from '../../tools/apex-syntax.ts';
import { javaVersion, runPmd, type PmdReport } from '../../tools/apex-pmd.ts';

const root = join(import.meta.dirname, '..', '..');

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
    let fixtures: PmdReport;
    let project: PmdReport;
    let projectFiles: string[] = [];

    before(async () => {
        folder = mkdtempSync(join(tmpdir(), 'apex-pmd-test-'));
        for (const [name, source] of Object.entries(sources)) {
            writeFileSync(join(folder, name), source);
        }
        const fixtureFiles = Object.keys(sources).map((name) => join(folder, name));
        projectFiles = findApexFiles(join(root, 'force-app'));
        const both = await runPmd([...fixtureFiles, ...projectFiles], root, { cache: 'refresh' });
        const only = (files: string[]): PmdReport => {
            const findings = both.findings.filter((finding) => files.includes(finding.file));
            const errors = both.errors.filter((error) => files.some((f) => error.includes(f)));
            return {
                ...both,
                findings,
                errors,
                blockingCount: findings.filter((f) => f.blocking).length + errors.length
            };
        };
        fixtures = only(fixtureFiles);
        project = only(projectFiles);
        assert.equal(both.analysed, fixtureFiles.length + projectFiles.length, 'one real run');
    });
    after(() => rmSync(folder, { recursive: true, force: true }));

    test('runs the Recommended Apex rules', () => {
        assert.ok(fixtures.ruleCount > 20, `rules: ${fixtures.ruleCount}`);
    });

    test('a severity 2 violation blocks', () => {
        const crud = fixtures.findings.find((finding) => finding.rule === 'ApexCRUDViolation');
        assert.ok(crud, JSON.stringify(fixtures.findings));
        assert.equal(crud.severity, 2);
        assert.equal(crud.blocking, true);
        assert.ok(crud.file.endsWith('CrudViolation.cls'));
        assert.equal(crud.line, 3);
    });

    test('a file PMD cannot parse is an error that blocks', () => {
        assert.equal(fixtures.errors.length, 1, fixtures.errors.join('\n'));
        assert.match(fixtures.errors[0], /Unparseable\.cls/);
        assert.equal(
            fixtures.blockingCount,
            fixtures.findings.filter((finding) => finding.blocking).length + 1
        );
    });

    test('user-mode SOQL in a with-sharing class raises nothing blocking', () => {
        const clean = fixtures.findings.filter(
            (finding) => finding.file.endsWith('Clean.cls') && finding.blocking
        );
        assert.deepEqual(clean, []);
    });

    test("the project's Apex has no blocking finding", () => {
        assert.ok(projectFiles.length > 0);
        assert.deepEqual(
            project.findings.filter((finding) => finding.blocking),
            [],
            'run npm run check:apex for the list'
        );
        assert.deepEqual(project.errors, []);
    });

    test('check:apex reads the same findings from the cache without running PMD', async () => {
        const again = await runPmd(projectFiles, root);
        assert.equal(again.analysed, 0, 'every project file came from the cache');
        const key = (f: { file: string; line: number; column: number; rule: string }) =>
            `${f.file}:${f.line}:${f.column}:${f.rule}`;
        assert.deepEqual(again.findings.map(key).sort(), project.findings.map(key).sort());
        assert.equal(again.ruleCount, project.ruleCount);
    });
});

// check:apex's semantic half (apex-ls) must fail on Apex that parses but would not compile in an
// org, and the jar lowered for Java 17 must be exactly the shipped jar with class-file versions
// lowered. The analysis runs on Java 17 through the lowered jar when a Java 17-20 is present (the
// path Debian 12 takes), so that npm test exercises it; check:apex uses the newest Java.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import {
    chooseJava,
    findJavaRuntimes,
    lowerClassFileVersions,
    parseApexLinkJson,
    runApexLink,
    type ApexLinkReport
} from '../../tools/apex-link.ts';

/** A class file header: magic, minor 0, the given major version, then a few body bytes. */
function classFile(major: number): Buffer {
    const bytes = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0, 1, 2, 3]);
    bytes.writeUInt16BE(major, 6);
    return bytes;
}

describe('lowering class-file versions', () => {
    test('lowers only class files newer than the target, bytes 6-7, nothing else', async () => {
        const zip = new JSZip();
        zip.file('a/New.class', classFile(65));
        zip.file('a/Old.class', classFile(52));
        zip.file('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\n');
        const source = await zip.generateAsync({ type: 'nodebuffer' });

        const { jar, lowered } = await lowerClassFileVersions(source, 61);

        assert.deepEqual(lowered, ['a/New.class']);
        const out = await JSZip.loadAsync(jar);
        assert.deepEqual(await out.file('a/New.class')!.async('nodebuffer'), classFile(61));
        assert.deepEqual(await out.file('a/Old.class')!.async('nodebuffer'), classFile(52));
        assert.equal(
            await out.file('META-INF/MANIFEST.MF')!.async('string'),
            'Manifest-Version: 1.0\n'
        );
    });
});

describe('apex-ls report', () => {
    test('no output is no issue', () => {
        assert.deepEqual(parseApexLinkJson(''), []);
    });

    test('reads file, line, category and message', () => {
        const output =
            '{ "files": [\n{ "path": "/p/A.cls", "messages": [\n{"start": {"line": 4, "offset": 2 }, ' +
            '"end": {"line": 4, "offset": 9 }, "category": "Missing", "message": "No matching method"}\n]}]}';
        assert.deepEqual(parseApexLinkJson(output), [
            { file: '/p/A.cls', line: 4, category: 'Missing', message: 'No matching method' }
        ]);
    });
});

const runtimes = findJavaRuntimes();
const java = runtimes.find((r) => r.feature >= 17 && r.feature < 21) ?? chooseJava(runtimes);

const CLASS_META =
    '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n' +
    '    <apiVersion>61.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n';
const classes: Record<string, string> = {
    Good: [
        'public with sharing class Good {',
        '    public static HttpRequest request() {',
        '        HttpRequest request = new HttpRequest();',
        "        request.setBody('{}');",
        '        return request;',
        '    }',
        '}'
    ].join('\n'),
    Bad: [
        'public with sharing class Bad {',
        '    public static HttpRequest request() {',
        '        HttpRequest request = new HttpRequest();',
        "        request.setBodyy('{}');",
        '        return request;',
        '    }',
        '}'
    ].join('\n')
};

describe('apex-ls semantic analysis', { skip: java ? false : 'no Java 17+' }, () => {
    let project = '';
    let report: ApexLinkReport;

    before(async () => {
        project = mkdtempSync(join(tmpdir(), 'apex-link-test-'));
        const folder = join(project, 'force-app', 'main', 'default', 'classes');
        mkdirSync(folder, { recursive: true });
        writeFileSync(
            join(project, 'sfdx-project.json'),
            JSON.stringify({
                packageDirectories: [{ path: 'force-app', default: true }],
                sourceApiVersion: '61.0'
            })
        );
        for (const [name, source] of Object.entries(classes)) {
            writeFileSync(join(folder, `${name}.cls`), source);
            writeFileSync(join(folder, `${name}.cls-meta.xml`), CLASS_META);
        }
        report = await runApexLink(project, java!);
    });
    after(() => rmSync(project, { recursive: true, force: true }));

    test('fails on a method name HttpRequest does not have, and only there', () => {
        assert.equal(report.issues.length, 1, JSON.stringify(report.issues));
        const [issue] = report.issues;
        assert.ok(issue.file.endsWith('Bad.cls'), issue.file);
        assert.equal(issue.line, 4);
        assert.match(issue.message, /setBodyy/);
        assert.notEqual(report.exitCode, 0, 'apex-ls exits non-zero too');
    });

    test('runs on the Java found, through the lowered jar below Java 21', () => {
        assert.equal(report.lowered, java!.feature < 21, `Java ${java!.version}`);
    });
});

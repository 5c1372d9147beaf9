// One XML parser set-up for the project (scripts/lib/xml.ts): values stay Salesforce's text, and
// nothing else in scripts/, tools/, testkit/ or test/ builds its own fast-xml-parser.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createXmlParser } from '../../scripts/lib/xml.ts';
import { PROJECT_ROOT } from '../../testkit/metadata/index.ts';

const FLOW =
    '<Flow xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>66.0</apiVersion>' +
    '<variables><name>a</name></variables><label> Route </label>' +
    '<value xsi:nil="true"/><isActive>true</isActive><code>007</code></Flow>';

describe('createXmlParser', () => {
    test('keeps every value as the text written (no number or boolean coercion)', () => {
        const flow = createXmlParser().parse(FLOW).Flow;
        assert.equal(flow.apiVersion, '66.0');
        assert.equal(flow.isActive, 'true');
        assert.equal(flow.code, '007');
        assert.equal(flow.label, 'Route');
    });

    test('drops attributes unless asked, then reads them under @_', () => {
        assert.equal(createXmlParser().parse(FLOW).Flow['@_xmlns'], undefined);
        const flow = createXmlParser({ attributes: true }).parse(FLOW).Flow;
        assert.equal(flow['@_xmlns'], 'http://soap.sforce.com/2006/04/metadata');
        assert.equal(flow.value['@_xsi:nil'], 'true');
    });

    test('makes the named elements arrays even when they occur once', () => {
        assert.deepEqual(createXmlParser().parse(FLOW).Flow.variables, { name: 'a' });
        assert.deepEqual(createXmlParser({ arrays: ['variables'] }).parse(FLOW).Flow.variables, [
            { name: 'a' }
        ]);
    });

    test('keeps text exactly when asked not to trim', () => {
        assert.equal(createXmlParser({ trim: false }).parse(FLOW).Flow.label, ' Route ');
    });

    test('drops namespace prefixes of SOAP envelopes when asked', () => {
        const soap =
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
            '<soapenv:Body><deploy><id>0Af</id></deploy></soapenv:Body></soapenv:Envelope>';
        const parsed = createXmlParser({ removeNamespacePrefix: true }).parse(soap);
        assert.equal(parsed.Envelope.Body.deploy.id, '0Af');
    });
});

function sourceFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
        return /\.(ts|mjs|js)$/.test(entry.name) ? [path] : [];
    });
}

describe('XML parser set-ups', () => {
    test('only scripts/lib/xml.ts constructs an XMLParser', () => {
        const constructing = ['scripts', 'tools', 'testkit', 'test']
            .flatMap((folder) => sourceFiles(join(PROJECT_ROOT, folder)))
            .filter((path) => /new XMLParser\(/.test(readFileSync(path, 'utf8')))
            .map((path) => relative(PROJECT_ROOT, path))
            .filter(
                (path) =>
                    path !== 'scripts/lib/xml.ts' && path !== 'test/metadata/xml-parser.test.ts'
            );
        assert.deepEqual(constructing, [], 'use createXmlParser from scripts/lib/xml.ts');
    });
});

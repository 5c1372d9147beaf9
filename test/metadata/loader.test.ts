// The shared metadata loader (testkit/metadata): other tests build on it, so its parsing
// rules are pinned here against small XML samples and against the real force-app files.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
    children,
    componentName,
    list,
    listChannelParameters,
    listMetadataFiles,
    METADATA_ROOT,
    parseMetadataFile,
    readCustomMetadataRecords,
    text,
    xmlSyntaxError
} from '../../testkit/metadata/index.ts';

function withTempXml(xml: string, check: (path: string) => void): void {
    const dir = mkdtempSync(join(tmpdir(), 'opencx-loader-'));
    try {
        const path = join(dir, 'Sample.queue-meta.xml');
        writeFileSync(path, xml);
        check(path);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

describe('metadata loader', () => {
    test('keeps element values as strings and attributes under @_', () => {
        withTempXml(
            `<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
    <label>Sample</label>
    <values><field>Active__c</field><value xsi:type="xsd:boolean">true</value></values>
    <values><field>Count__c</field><value>007</value></values>
    <values><field>Empty__c</field><value xsi:nil="true"/></values>
</CustomMetadata>`,
            (path) => {
                const document = parseMetadataFile(path);
                assert.equal(document.rootElement, 'CustomMetadata');
                const values = children(document.root, 'values');
                assert.equal(values.length, 3);
                assert.equal(text(values[0], 'value'), 'true');
                assert.equal(text(values[1], 'value'), '007', 'no number coercion');
                assert.deepEqual(values[2]['value'], { '@_xsi:nil': 'true' });
                assert.equal(text(values[2], 'value'), undefined);
            }
        );
    });

    test('list() and children() treat one element and many alike', () => {
        assert.deepEqual(list(undefined), []);
        assert.deepEqual(list('a'), ['a']);
        assert.deepEqual(list(['a', 'b']), ['a', 'b']);
        assert.deepEqual(children({ item: { name: 'x' } }, 'item'), [{ name: 'x' }]);
        assert.deepEqual(children({ item: ['plain', { name: 'y' }] }, 'item'), [{ name: 'y' }]);
        assert.deepEqual(children(undefined, 'item'), []);
    });

    test('reports malformed XML with its line and the file path', () => {
        assert.equal(xmlSyntaxError('<a><b/></a>'), null);
        assert.match(xmlSyntaxError('<a>\n<b></a>') ?? '', /^line 2: /);
        withTempXml('<Queue><name>Broken</Queue>', (path) => {
            assert.throws(
                () => parseMetadataFile(path),
                /Sample\.queue-meta\.xml is not well-formed/
            );
        });
    });

    test('names a component by its file name without the metadata suffix', () => {
        assert.equal(componentName('/x/queues/OpenCX_Fallback.queue-meta.xml'), 'OpenCX_Fallback');
        assert.equal(
            componentName('/x/customMetadata/OpenCX_Routing_Rule.Guest.md-meta.xml'),
            'OpenCX_Routing_Rule.Guest'
        );
    });

    test('finds the project metadata', () => {
        const files = listMetadataFiles();
        assert.ok(files.length > 0, `no metadata under ${METADATA_ROOT}`);
        assert.ok(files.every((file) => file.endsWith('.xml')));
        assert.ok(!files.some((file) => file.includes('__tests__')));
    });

    test('reads custom metadata records and channel parameters from force-app', () => {
        const rules = readCustomMetadataRecords('OpenCX_Routing_Rule__mdt');
        assert.ok(rules.length > 0);
        for (const rule of rules) {
            assert.equal(typeof rule.values['Consumer_Type__c'], 'string', rule.developerName);
        }
        const parameters = listChannelParameters();
        assert.ok(parameters.length > 0);
        assert.throws(() => listChannelParameters('No_Such_Channel'), /does not exist/);
    });
});

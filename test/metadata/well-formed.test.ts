// Checks over every metadata file in force-app: well-formed XML in the Metadata API namespace, no
// org-specific record id, and the Metadata API schema (via the shared validator, when it and
// xmllint are on this machine) with 0 ERROR and every WARN explained in docs/metadata-schema.md.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
    listMetadataFiles,
    parseMetadataFile,
    PROJECT_ROOT,
    projectPath,
    xmlSyntaxError
} from '../../testkit/metadata/index.ts';

const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';
/** The shared validator, found one way only: the shared folder beside the project. */
const VALIDATOR = resolve(PROJECT_ROOT, '..', 'shared', 'tools', 'validate-metadata');
const SCHEMA_NOTES = join(PROJECT_ROOT, 'docs', 'metadata-schema.md');

/** Element names listed under "## Explained warnings" in docs/metadata-schema.md. */
export function explainedWarnings(markdown: string): Set<string> {
    const section =
        /^## Explained warnings\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1] ?? '';
    return new Set([...section.matchAll(/^- `(\w+)`/gm)].map((match) => match[1]));
}

function hasXmllint(): boolean {
    return spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Key prefixes of the records an admin is most likely to paste into metadata by mistake. */
const ID_KEY_PREFIXES = [
    '00D', // Organization
    '005', // User
    '00G', // Group / Queue
    '00E', // UserRole
    '00e', // Profile
    '0PS', // PermissionSet
    '0Hh', // (seen in org-bound setup records)
    '0Mj', // MessagingChannel
    '0N5', // ServicePresenceStatus
    '0N9', // ServiceChannel
    '0Nd', // PresenceUserConfig
    '0Xx', // BotDefinition
    '300', // FlowDefinition
    '301' // Flow
];

/**
 * 15- or 18-character Salesforce record ids in a text. An id is a 3-character key prefix, 2 for
 * the instance, a reserved 0, a 9-character record number (mostly zeros) and, in the 18-character
 * form, a 3-character checksum. Plain words and API names (underscores) do not match.
 */
function findRecordIds(content: string): string[] {
    const tokens = content.match(
        /(?<![A-Za-z0-9])[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?(?![A-Za-z0-9])/g
    );
    return (tokens ?? []).filter((token) => {
        const digits = token.replace(/[^0-9]/g, '').length;
        if (digits === token.length) return false; // a number, not an id
        const knownPrefix = ID_KEY_PREFIXES.some((prefix) => token.startsWith(prefix));
        return (knownPrefix && digits >= 3) || (token[5] === '0' && digits >= 5);
    });
}

describe('metadata files', () => {
    const files = listMetadataFiles();

    test('exist', () => {
        assert.ok(files.length > 0);
    });

    test('are well-formed XML in the Metadata API namespace', () => {
        for (const file of files) {
            const xml = readFileSync(file, 'utf8');
            assert.equal(xmlSyntaxError(xml), null, `${projectPath(file)} is not well-formed`);
            const { root } = parseMetadataFile(file);
            assert.equal(root['@_xmlns'], METADATA_NAMESPACE, `${projectPath(file)}: namespace`);
        }
    });

    test('pass xmllint --noout', (context) => {
        if (!hasXmllint()) {
            context.skip('xmllint not found (apt-get install -y libxml2-utils)');
            return;
        }
        const result = spawnSync('xmllint', ['--noout', ...files], { encoding: 'utf8' });
        assert.equal(result.status, 0, result.stderr);
    });

    test('contain no org-specific record id', () => {
        const found = files.flatMap((file) =>
            findRecordIds(readFileSync(file, 'utf8')).map((id) => `${projectPath(file)}: ${id}`)
        );
        assert.deepEqual(found, []);
    });
});

describe('record id detector', () => {
    test('finds 15- and 18-character ids', () => {
        for (const id of [
            '00D5g000004SDEf',
            '005Hp00000118PqKAI',
            '00GHp000002abcD',
            '0MjHp00000118PqKAI',
            '04IHp0000011V2VMAU',
            '300Hp000000XyzAAAQ'
        ]) {
            assert.deepEqual(findRecordIds(`<queueId>${id}</queueId>`), [id], id);
        }
    });

    test('ignores words, API names and numbers', () => {
        const text = [
            'LightningFlowBuilder CurrentTransaction OpenCX_Session_Id__c sfdc_livemessage',
            'abcdefghijklmno ABCDEFGHIJKLMNOPQR 202611251234567 FREE_FORM_CANVAS',
            'OpenCX_Route_Handoff https://api.open.cx/chat/sessions'
        ].join('\n');
        assert.deepEqual(findRecordIds(text), []);
    });
});

describe('Metadata API schema (validate-metadata)', () => {
    function runValidator(context: { skip: (message: string) => void }) {
        if (!existsSync(VALIDATOR)) {
            context.skip(
                `validate-metadata not found: looked for ../shared/tools/validate-metadata beside the project (${VALIDATOR})`
            );
            return null;
        }
        if (!hasXmllint()) {
            context.skip('validate-metadata needs xmllint (apt-get install -y libxml2-utils)');
            return null;
        }
        const result = spawnSync(VALIDATOR, [join(PROJECT_ROOT, 'force-app')], {
            encoding: 'utf8',
            cwd: PROJECT_ROOT
        });
        assert.match(result.stdout, /files checked/, result.stderr);
        return result.stdout.split('\n');
    }

    test('reports 0 ERROR and explains every WARN in docs/metadata-schema.md', (context) => {
        const lines = runValidator(context);
        if (!lines) return;
        const errors = lines.filter((line) => line.startsWith('ERROR'));
        assert.deepEqual(errors, [], 'schema errors');

        const explained = explainedWarnings(readFileSync(SCHEMA_NOTES, 'utf8'));
        const warned = lines
            .filter((line) => line.startsWith('WARN'))
            .map((line) => /element (\w+):/.exec(line)?.[1] ?? line);
        for (const element of new Set(warned)) {
            assert.ok(
                explained.has(element),
                `validate-metadata warns about <${element}>; explain it under "## Explained warnings" in docs/metadata-schema.md`
            );
        }
    });
});

describe('schema notes', () => {
    test('list the explained elements one per entry, and nothing outside that section', () => {
        const notes =
            '# Notes\n`outside`\n## Explained warnings\n\n- `targetConfigs` (why)\n  more `inside`\n' +
            '- `other`: why\n## Next\n- `later`\n';
        assert.deepEqual([...explainedWarnings(notes)], ['targetConfigs', 'other']);
    });

    test('docs/metadata-schema.md explains at least the LWC targetConfigs WARN', () => {
        assert.ok(explainedWarnings(readFileSync(SCHEMA_NOTES, 'utf8')).has('targetConfigs'));
    });
});

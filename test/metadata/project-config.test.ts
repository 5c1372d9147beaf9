// Project-level configuration that the metadata depends on: the scratch org definition (valid for
// the Salesforce CLI, and with Messaging, Omni-Channel and the Service Console turned on), the
// source API version, and the README's routing-attributes table, which admins read instead of the
// XML and so must match it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import {
    children,
    listChannelParameters,
    listCustomFields,
    PROJECT_ROOT,
    readFlow,
    readMessagingChannel,
    text
} from '../../testkit/metadata/index.ts';

function readJson(path: string): Record<string, unknown> {
    return JSON.parse(readFileSync(join(PROJECT_ROOT, path), 'utf8')) as Record<string, unknown>;
}

const SCRATCH_DEF_SCHEMAS = [
    'node_modules/@salesforce/schemas/project-scratch-def.schema.json',
    'node_modules/@salesforce/core/schemas/project-scratch-def.schema.json'
];

describe('config/project-scratch-def.json', () => {
    const definition = readJson('config/project-scratch-def.json');

    test('is valid for the Salesforce CLI (its own JSON schema)', (context) => {
        const schemaPath = SCRATCH_DEF_SCHEMAS.find((path) => existsSync(join(PROJECT_ROOT, path)));
        if (!schemaPath) {
            context.skip('the CLI scratch definition schema is not installed');
            return;
        }
        const ajv = new Ajv({ strict: false, allErrors: true });
        const validate = ajv.compile(readJson(schemaPath));
        assert.ok(validate(definition), JSON.stringify(validate.errors, null, 2));
    });

    test('turns on Service Cloud, the console, Messaging and Omni-Channel', () => {
        const features = definition['features'] as string[];
        for (const feature of ['ServiceCloud', 'LightningServiceConsole', 'LiveMessage']) {
            assert.ok(features.includes(feature), `features lacks ${feature}`);
        }
        const settings = definition['settings'] as Record<string, Record<string, unknown>>;
        assert.equal(settings['omniChannelSettings']?.['enableOmniChannel'], true);
        assert.equal(settings['liveMessageSettings']?.['enableLiveMessage'], true);
    });
});

describe('source API version', () => {
    const project = readJson('sfdx-project.json');

    test('is 66.0 or newer, and no flow is newer than the project', () => {
        const version = Number(project['sourceApiVersion']);
        assert.ok(version >= 66, `sourceApiVersion ${project['sourceApiVersion']}`);
        const flowVersion = Number(text(readFlow('OpenCX_Route_Handoff'), 'apiVersion'));
        assert.ok(flowVersion <= version, `flow apiVersion ${flowVersion} > ${version}`);
    });

    test('is stated in docs/routing.md', () => {
        const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'routing.md'), 'utf8');
        assert.ok(
            doc.includes(`sourceApiVersion ${String(project['sourceApiVersion'])}`) ||
                doc.includes(`\`sourceApiVersion\` ${String(project['sourceApiVersion'])}`),
            'docs/routing.md does not state the sourceApiVersion'
        );
    });
});

describe('docs/routing.md routing attributes table', () => {
    interface Row {
        attribute: string;
        parameter: string;
        variable: string;
        field: string;
    }

    function readTable(): Row[] {
        const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'routing.md'), 'utf8');
        const section = /## Routing attributes\n([\s\S]*?)(?=\n#{2,3} |$)/.exec(doc)?.[1];
        assert.ok(section, 'docs/routing.md has no "## Routing attributes" section');
        const unquote = (cell: string) => cell.trim().replace(/^`|`$/g, '');
        return section
            .split('\n')
            .filter((line) => line.startsWith('|'))
            .slice(2) // header and separator
            .map((line) => line.split('|').slice(1, -1).map(unquote))
            .map(([attribute, parameter, variable, field]) => ({
                attribute,
                parameter,
                variable,
                field: field.replace(/^MessagingSession\./, '')
            }));
    }

    test('lists exactly the channel parameters, each with its flow variable and field', () => {
        const rows = readTable();
        const parameters = listChannelParameters('OpenCX_Messaging').map((p) => p.name);
        assert.deepEqual(rows.map((row) => row.parameter).sort(), [...parameters].sort());

        const channel = readMessagingChannel('OpenCX_Messaging')!;
        const flow = readFlow(text(channel, 'sessionHandlerFlow') ?? '');
        assert.ok(flow, 'the routing flow is not in force-app yet');
        // The flow stamps the attribute as sent or, for a continued conversation, as inherited,
        // through a variable (effectiveSessionId ← OpencxSessionId): follow that assignment.
        const assignedFrom = new Map<string, string>();
        for (const assignment of children(flow, 'assignments')) {
            for (const item of children(assignment, 'assignmentItems')) {
                const source = text(children(item, 'value')[0], 'elementReference');
                const target = text(item, 'assignToReference');
                if (source && target && !source.includes('.')) assignedFrom.set(target, source);
            }
        }
        const stamps = new Map<string, string>();
        for (const update of children(flow, 'recordUpdates')) {
            if (text(update, 'object') !== 'MessagingSession') continue;
            for (const assignment of children(update, 'inputAssignments')) {
                const source = text(children(assignment, 'value')[0], 'elementReference');
                if (source) {
                    stamps.set(assignedFrom.get(source) ?? source, text(assignment, 'field') ?? '');
                }
            }
        }
        const fields = listCustomFields('MessagingSession');
        for (const row of rows) {
            assert.equal(row.attribute, row.parameter, `${row.parameter}: attribute name`);
            assert.equal(row.variable, row.parameter, `${row.parameter}: flow variable`);
            assert.equal(row.field, stamps.get(row.variable), `${row.parameter}: field`);
            assert.ok(fields.includes(row.field), `${row.field} not in force-app`);
        }
    });
});

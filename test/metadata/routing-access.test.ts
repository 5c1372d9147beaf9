// docs/routing-access.md tells an admin what the routing flow reads and writes, so that they can
// grant it when stamping fails. The table there must say what the flow does: every Get Records and
// Update Records element, object by object, field by field.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    children,
    PROJECT_ROOT,
    readFlow,
    text,
    type XmlNode
} from '../../testkit/metadata/index.ts';

const DOC = join(PROJECT_ROOT, 'docs', 'routing-access.md');
const FLOW = 'OpenCX_Route_Handoff';

type Access = 'read' | 'write';
/** "read Group" → fields, and "read Group" → element names. */
interface AccessTable {
    fields: Map<string, Set<string>>;
    elements: Map<string, Set<string>>;
}

function emptyTable(): AccessTable {
    return { fields: new Map(), elements: new Map() };
}

function add(table: AccessTable, key: string, fields: string[], element: string): void {
    const known = table.fields.get(key) ?? new Set<string>();
    for (const field of fields) known.add(field);
    table.fields.set(key, known);
    table.elements.set(key, (table.elements.get(key) ?? new Set<string>()).add(element));
}

function cellNames(cell: string): string[] {
    return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
}

/** The rows of the "What the flow reads and writes" table. */
export function documentedAccess(markdown: string): AccessTable {
    const table = emptyTable();
    const section = markdown.split(/^## /m).find((part) => part.startsWith('What the flow reads'));
    assert.ok(section, 'docs/routing-access.md has no "What the flow reads and writes" section');
    for (const line of section.split('\n')) {
        const cells = line.split('|').map((cell) => cell.trim());
        const access = cells[1] as Access;
        if (access !== 'read' && access !== 'write') continue;
        const [object] = cellNames(cells[2]);
        for (const element of cellNames(cells[4])) {
            add(table, `${access} ${object}`, cellNames(cells[3]), element);
        }
    }
    return table;
}

function filterFields(element: XmlNode): string[] {
    return children(element, 'filters').map((filter) => text(filter, 'field') ?? '');
}

/** What the flow's record elements touch, in the same shape as the documented table. */
export function flowAccess(flow: XmlNode): AccessTable {
    const table = emptyTable();
    for (const lookup of children(flow, 'recordLookups')) {
        const queried = [lookup.queriedFields ?? []].flat().filter((f) => typeof f === 'string');
        const sort = text(lookup, 'sortField');
        add(
            table,
            `read ${text(lookup, 'object')}`,
            [...queried, ...filterFields(lookup), ...(sort ? [sort] : [])],
            text(lookup, 'name') ?? ''
        );
    }
    for (const update of children(flow, 'recordUpdates')) {
        const object = text(update, 'object');
        const name = text(update, 'name') ?? '';
        if (filterFields(update).length) add(table, `read ${object}`, filterFields(update), name);
        const written = children(update, 'inputAssignments').map((a) => text(a, 'field') ?? '');
        add(table, `write ${object}`, written, name);
    }
    for (const kind of ['recordCreates', 'recordDeletes']) {
        for (const element of children(flow, kind)) {
            add(table, `${kind} ${text(element, 'object')}`, [], text(element, 'name') ?? '');
        }
    }
    return table;
}

function sorted(table: Map<string, Set<string>>): Record<string, string[]> {
    return Object.fromEntries(
        [...table.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, [...v].sort()])
    );
}

describe('docs/routing-access.md', () => {
    const documented = documentedAccess(readFileSync(DOC, 'utf8'));
    const actual = flowAccess(readFlow(FLOW)!);

    test('lists every object and field the routing flow reads and writes', () => {
        assert.deepEqual(
            sorted(documented.fields),
            sorted(actual.fields),
            `update the table in docs/routing-access.md to what ${FLOW} does`
        );
    });

    test('names the flow elements that touch each object', () => {
        assert.deepEqual(sorted(documented.elements), sorted(actual.elements));
    });

    test('states the run mode the flow declares', () => {
        const mode = text(readFlow(FLOW), 'runInMode');
        assert.ok(mode, `${FLOW} declares no runInMode`);
        assert.ok(readFileSync(DOC, 'utf8').includes(`<runInMode>${mode}</runInMode>`), mode);
    });
});

describe('routing access comparison', () => {
    test('notices a field the documentation does not list', () => {
        const documented = documentedAccess(
            '## What the flow reads and writes\n' +
                '| write | `MessagingSession` | `OpenCX_Session_Id__c` | `Stamp` |\n'
        );
        const actual = flowAccess({
            recordUpdates: {
                name: 'Stamp',
                object: 'MessagingSession',
                inputAssignments: [{ field: 'OpenCX_Session_Id__c' }, { field: 'OpenCX_Extra__c' }]
            }
        });
        assert.notDeepEqual(sorted(documented.fields), sorted(actual.fields));
    });
});

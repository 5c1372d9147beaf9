// One contract for the console panel: the Apex class OpenCxConversation (and the classes it
// carries) is the source; types/opencx-apex.d.ts is generated from it, and every answer
// force-app/test/opencx-samples.js builds for jest, the benchmark and the preview must have exactly
// the @AuraEnabled properties Apex declares, each with a value of the JSON type Apex sends.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import {
    classesDir,
    generateApexTypes,
    readApexClass,
    shapeOf,
    typesFile,
    type ApexClass,
    type JsonShape
} from '../../tools/generate-apex-types.ts';

const opencx = createRequire(import.meta.url)('../../force-app/test/opencx-samples.js') as {
    samples: Record<string, unknown>;
    fixtures: Record<string, unknown>;
    busy: (conversation: unknown, retryAfterSeconds?: number | null) => unknown;
    partial: (conversation: unknown, pagesRead: number, reason?: string) => unknown;
    notConfigured: (conversation: unknown, message: string) => unknown;
    withBeyondHandoff: (conversation: unknown, beyond: Record<string, unknown>) => unknown;
};

/** Every way a JSON value can differ from the Apex class: `path: problem`. */
export function contractProblems(value: unknown, shape: JsonShape, path: string): string[] {
    if (value === null) return [];
    if (value === undefined) return [`${path}: undefined (Apex sends null or the value)`];
    switch (shape.kind) {
        case 'string':
            return typeof value === 'string'
                ? []
                : [`${path}: ${typeof value}, Apex sends a string`];
        case 'datetime':
        case 'date':
            return typeof value === 'string' && !Number.isNaN(Date.parse(value))
                ? []
                : [`${path}: ${JSON.stringify(value)}, Apex sends an ISO 8601 ${shape.kind}`];
        case 'integer':
            return Number.isInteger(value)
                ? []
                : [`${path}: ${JSON.stringify(value)}, Apex sends an integer`];
        case 'number':
            return typeof value === 'number' && Number.isFinite(value)
                ? []
                : [`${path}: ${JSON.stringify(value)}, Apex sends a number`];
        case 'boolean':
            return typeof value === 'boolean'
                ? []
                : [`${path}: ${typeof value}, Apex sends a boolean`];
        case 'list':
            return Array.isArray(value)
                ? value.flatMap((item, index) =>
                      contractProblems(item, shape.of, `${path}[${index}]`)
                  )
                : [`${path}: not an array, Apex sends a List`];
        case 'enum':
            return shape.apexClass.enumValues!.includes(String(value))
                ? []
                : [
                      `${path}: ${JSON.stringify(value)} is not a value of ${shape.apexClass.qualifiedName}`
                  ];
        case 'class':
            return objectProblems(value, shape.apexClass, path);
        default:
            return [];
    }
}

function objectProblems(value: unknown, apexClass: ApexClass, path: string): string[] {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return [`${path}: not an object, Apex sends ${apexClass.qualifiedName}`];
    const record = value as Record<string, unknown>;
    const declared = new Set(apexClass.properties.map((property) => property.name));
    const problems = Object.keys(record)
        .filter((key) => !declared.has(key))
        .map((key) => `${path}.${key}: not an @AuraEnabled property of ${apexClass.qualifiedName}`);
    for (const property of apexClass.properties) {
        if (!(property.name in record)) {
            problems.push(
                `${path}.${property.name}: missing (${apexClass.qualifiedName} declares it)`
            );
            continue;
        }
        const shape = shapeOf(property.type, apexClass.qualifiedName, apexClass.folder);
        problems.push(
            ...contractProblems(record[property.name], shape, `${path}.${property.name}`)
        );
    }
    return problems;
}

const conversationClass = readApexClass('OpenCxConversation');
const conversationShape: JsonShape = { kind: 'class', apexClass: conversationClass };

/** Every answer the samples module can build: its ready-made samples and each helper's output. */
function builtAnswers(): Array<[string, unknown]> {
    const { samples } = opencx;
    return [
        ...Object.entries(samples).map(([name, sample]): [string, unknown] => [
            `samples.${name}`,
            sample
        ]),
        ['busy(samples.verified, 30)', opencx.busy(samples.verified, 30)],
        ['busy(samples.noSession)', opencx.busy(samples.noSession)],
        ['partial(samples.long, 3)', opencx.partial(samples.long, 3, 'TIMEOUT')],
        ['notConfigured(samples.verified)', opencx.notConfigured(samples.verified, 'missing')],
        [
            'withBeyondHandoff(samples.anonymous)',
            opencx.withBeyondHandoff(samples.anonymous, { fromId: '0Mw000000000001AAA' })
        ]
    ];
}

describe('the panel contract: Apex OpenCxConversation is the one source', () => {
    test('the Apex parser reads the class the panel receives (with the classes it carries)', () => {
        const names = conversationClass.properties.map((property) => property.name);
        for (const name of [
            'state',
            'turns',
            'transcriptPartial',
            'retryAfterSeconds',
            'routing',
            'verdict'
        ])
            assert.ok(names.includes(name), `OpenCxConversation.${name}`);
        const routing = conversationClass.properties.find(
            (property) => property.name === 'routing'
        )!;
        const routingShape = shapeOf(routing.type, 'OpenCxConversation');
        assert.equal(routingShape.kind, 'class');
        assert.equal(
            routingShape.kind === 'class' && routingShape.apexClass.qualifiedName,
            'OpenCxBeyondHandoff.Routing'
        );
    });

    test('types/opencx-apex.d.ts is what tools/generate-apex-types.ts writes from the Apex', async () => {
        assert.equal(
            readFileSync(typesFile, 'utf8'),
            await generateApexTypes(),
            'run `npm run build:types` and commit types/opencx-apex.d.ts'
        );
    });

    for (const [name, answer] of builtAnswers()) {
        test(`${name} has exactly the fields and JSON types of Apex OpenCxConversation`, () => {
            assert.deepEqual(contractProblems(answer, conversationShape, name), []);
        });
    }

    test('the check fails on a field missing, a field Apex lacks, and a value of another type', () => {
        const verified = opencx.samples.verified as Record<string, unknown>;
        const { sentiment: _dropped, ...missing } = verified;
        void _dropped;
        assert.deepEqual(contractProblems(missing, conversationShape, 'x'), [
            'x.sentiment: missing (OpenCxConversation declares it)'
        ]);
        assert.deepEqual(contractProblems({ ...verified, mood: 'ok' }, conversationShape, 'x'), [
            'x.mood: not an @AuraEnabled property of OpenCxConversation'
        ]);
        assert.deepEqual(
            contractProblems({ ...verified, historyPageCount: '2' }, conversationShape, 'x'),
            ['x.historyPageCount: "2", Apex sends an integer']
        );
        const routing = {
            ...(opencx.samples.continued as { routing: object }).routing,
            routedAt: 'soon'
        };
        assert.deepEqual(contractProblems({ ...verified, routing }, conversationShape, 'x'), [
            'x.routing.routedAt: "soon", Apex sends an ISO 8601 datetime'
        ]);
    });

    test('a field added to the Apex reaches the generated type and fails every sample until added', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'opencx-apex-'));
        try {
            cpSync(classesDir, dir, { recursive: true });
            const file = join(dir, 'OpenCxConversation.cls');
            const source = readFileSync(file, 'utf8');
            const marker = '    @AuraEnabled\n    public String state;';
            assert.ok(source.includes(marker));
            writeFileSync(
                file,
                source.replace(
                    marker,
                    `${marker}\n    @AuraEnabled\n    public Decimal waitMinutes;`
                )
            );
            assert.match(await generateApexTypes(dir), /\n {8}waitMinutes\?: number \| null;\n/);
            const changed: JsonShape = {
                kind: 'class',
                apexClass: readApexClass('OpenCxConversation', dir)
            };
            assert.deepEqual(contractProblems(opencx.samples.verified, changed, 'verified'), [
                'verified.waitMinutes: missing (OpenCxConversation declares it)'
            ]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    test('Apex types map to JSON types: numbers, Date/Datetime, List, Map, inner classes, enums', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'opencx-apex-'));
        try {
            writeFileSync(
                join(dir, 'ShapeController.cls'),
                `public with sharing class ShapeController {
    @AuraEnabled(cacheable=true)
    public static Shape getShape(Id recordId, List<String> names) { return null; }
    @AuraEnabled
    public static void touch(Integer count) {}
    /** Every Apex type the panel's DTOs may use. */
    public class Shape {
        @AuraEnabled public Long big;
        @AuraEnabled public Double ratio;
        @AuraEnabled public Date day;
        @AuraEnabled public Datetime at;
        @AuraEnabled public List<Decimal> amounts;
        @AuraEnabled public Map<String, Boolean> flags;
        @AuraEnabled public Tone tone;
        @AuraEnabled public Part[] parts;
        public String notSent;
    }
    public enum Tone { CALM, ANGRY }
    public class Part { @AuraEnabled public String name; }
}`
            );
            const types = await generateApexTypes(dir, ['ShapeController']);
            for (const line of [
                'big?: number | null;',
                'ratio?: number | null;',
                'day?: string | null;',
                'at?: string | null;',
                'amounts?: number[] | null;',
                'flags?: Record<string, boolean> | null;',
                'tone?: Tone | null;',
                "export type Tone = 'CALM' | 'ANGRY';",
                'parts?: Part[] | null;',
                'recordId?: string | null;',
                'names?: string[] | null;',
                "declare module '@salesforce/apex/ShapeController.touch'",
                'type Touch = (params: TouchParams) => Promise<void>;',
                'type GetShape = WireAdapterConstructor<GetShapeParams, WiredGetShape> &'
            ])
                assert.ok(types.includes(line), `${line}\n---\n${types}`);
            assert.doesNotMatch(types, /notSent/);
            const shape: JsonShape = {
                kind: 'class',
                apexClass: readApexClass('ShapeController.Shape', dir)
            };
            assert.deepEqual(
                contractProblems(
                    {
                        big: 1.5,
                        ratio: 0.5,
                        day: 'x',
                        at: null,
                        amounts: [1],
                        flags: null,
                        tone: 'LOUD',
                        parts: [{}]
                    },
                    shape,
                    's'
                ),
                [
                    's.big: 1.5, Apex sends an integer',
                    's.day: "x", Apex sends an ISO 8601 date',
                    's.tone: "LOUD" is not a value of ShapeController.Tone',
                    's.parts[0].name: missing (ShapeController.Part declares it)'
                ]
            );
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

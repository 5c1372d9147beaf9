// The panel's fixtures are real-shaped OpenCX answers: each one validates against the OpenAPI
// response schema of its endpoint (copied into test/schemas/opencx), and the sample mapping the
// LWC tests and the preview use turns them into the Apex DTO shape.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const root = join(import.meta.dirname, '..', '..');
const dataDir = join(root, 'force-app/main/default/lwc/opencxConversationPanel/__tests__/data');
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validateSession = ajv.compile(
    readJson(join(root, 'test/schemas/opencx/get-chat-session-output.schema.json')) as object
);
const validateHistory = ajv.compile(
    readJson(join(root, 'test/schemas/opencx/list-chat-history-output.schema.json')) as object
);

type HistoryPage = {
    items: Array<{ created_at: string | null; event: Record<string, unknown> }>;
    next: string | null;
};
interface Turn {
    position: number;
    kind: string;
    author: string | null;
    eventType: string | null;
}
interface Samples {
    fixtures: Record<string, unknown>;
    generateHistoryPages(options: { turns: number; pageSize?: number }): HistoryPage[];
    samples: Record<string, { state: string; turns: Turn[]; transcriptTruncated: boolean }>;
}
const { fixtures, generateHistoryPages, samples } = createRequire(import.meta.url)(
    '../../force-app/test/opencx-samples.js'
) as Samples;

function errors(validate: typeof validateSession): string {
    return ajv.errorsText(validate.errors, { separator: '\n' });
}

describe('OpenCX fixtures match the OpenAPI response schemas', () => {
    const files = readdirSync(dataDir).filter((file) => file.endsWith('.json'));

    test('every fixture is a session or a history page', () => {
        assert.ok(files.length >= 7, `fixtures found: ${files.join(', ')}`);
        for (const file of files) {
            assert.match(file, /^(session|history)-[a-z0-9-]+\.json$/, file);
        }
    });

    for (const file of files) {
        test(file, () => {
            const validate = file.startsWith('session-') ? validateSession : validateHistory;
            assert.ok(validate(readJson(join(dataDir, file))), `${file}:\n${errors(validate)}`);
        });
    }

    test('the generated long history pages are valid and chained by cursors', () => {
        const pages = generateHistoryPages({ turns: 2000, pageSize: 100 });
        assert.equal(pages.length, 20);
        assert.equal(
            pages.reduce((sum, page) => sum + page.items.length, 0),
            2000
        );
        for (const [index, page] of pages.entries()) {
            assert.ok(validateHistory(page), `page ${index}:\n${errors(validateHistory)}`);
            assert.equal(page.next === null, index === pages.length - 1, `next of page ${index}`);
        }
    });

    test('the schemas reject answers that break the contract', () => {
        const session = structuredClone(fixtures.sessionVerified) as Record<string, unknown>;
        delete session.channel;
        assert.equal(validateSession(session), false, 'session without channel');
        assert.equal(
            validateSession({ ...(fixtures.sessionVerified as object), status: 'pending' }),
            false,
            'unknown status'
        );
        const page = structuredClone(fixtures.historyVerifiedPage1) as HistoryPage;
        assert.equal(validateHistory({ items: page.items }), false, 'history without next');
        page.items[0].event = {
            type: 'message',
            sender: { type: 'robot' },
            content: { type: 'text', text: 'x' }
        };
        assert.equal(validateHistory(page), false, 'unknown sender type');
    });
});

describe('sample mapping (OpenCX answers → getConversation DTO)', () => {
    test('a READY conversation per session sample, turns numbered in order', () => {
        for (const name of ['verified', 'anonymous', 'xss', 'long']) {
            const conversation = samples[name];
            assert.equal(conversation.state, 'READY', name);
            assert.deepEqual(
                conversation.turns.map((turn) => turn.position),
                conversation.turns.map((_turn, index) => index),
                name
            );
        }
        assert.equal(samples.verified.turns.length, 12);
        assert.equal(samples.long.turns.length, 2000);
        assert.equal(samples.long.transcriptTruncated, false);
    });

    test('OpenCX "contact" is the visitor; comments are notes; the rest are events', () => {
        const kinds = samples.verified.turns.map(
            (turn) => `${turn.kind}:${turn.author ?? turn.eventType}`
        );
        assert.deepEqual(kinds.slice(0, 7), [
            'message:visitor',
            'message:ai',
            'message:ai',
            'message:visitor',
            'message:ai',
            'event:handoff',
            'event:human_agent_joined'
        ]);
        assert.ok(kinds.includes('note:human_agent'));
    });

    test('states without a session', () => {
        assert.equal(samples.noSession.state, 'NO_SESSION');
        assert.equal(samples.notConfigured.state, 'NOT_CONFIGURED');
    });
});

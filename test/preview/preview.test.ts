// The console preview's Node-side pieces without a browser: which platform modules the rollup
// plugin swaps (and which it must leave alone), the preview's getRecord and Apex wire adapters,
// the sample sessions, and the server's port option. The browser side is test/e2e/.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { apexMethod, refreshApex } from '../../preview/platform/apex.mjs';
import { platformModules } from '../../preview/platform-modules.mjs';
import {
    callLog,
    prepareAnswers,
    setLatency,
    setSample
} from '../../preview/platform/sample-store.mjs';
import { getFieldValue, getRecord } from '../../preview/platform/uiRecordApi.mjs';
import { buildSamples } from '../../preview/samples.mjs';
import { DEFAULT_PORT, parsePort } from '../../preview/server.mjs';

const { readCustomLabels } = createRequire(import.meta.url)(
    '../../force-app/test/custom-labels.js'
) as { readCustomLabels: () => Map<string, string> };

const previewDir = join(import.meta.dirname, '../../preview');
const panel = join(
    import.meta.dirname,
    '../../force-app/main/default/lwc/opencxConversationPanel/opencxConversationPanel.js'
);
const baseComponent = join(
    import.meta.dirname,
    '../../node_modules/lightning-base-components/src/lightning/card/card.js'
);

describe('platform-modules rollup plugin', () => {
    const plugin = platformModules({ previewDir });
    const resolve = plugin.resolveId as (source: string, importer?: string) => string | null;
    const load = plugin.load as (id: string) => string | null;

    test('swaps uiRecordApi and the Apex namespace for preview files', () => {
        assert.equal(
            resolve('lightning/uiRecordApi', panel),
            join(previewDir, 'platform/uiRecordApi.mjs')
        );
        assert.equal(resolve('@salesforce/apex', panel), join(previewDir, 'platform/apex.mjs'));
        // Nothing uses a toast: the preview has no toast module (the base components' own stays).
        assert.equal(resolve('lightning/platformShowToastEvent', panel), null);
    });

    test('serves Custom Labels with their values from the CustomLabels metadata file', () => {
        const labels = readCustomLabels();
        assert.ok(labels.size > 0);
        for (const [name, value] of labels) {
            const id = resolve(`@salesforce/label/c.${name}`, panel);
            assert.ok(id, name);
            assert.equal(load(id), `export default ${JSON.stringify(value)};\n`, name);
        }
        const unknown = resolve('@salesforce/label/c.OpenCX_No_Such_Label', panel);
        assert.ok(unknown);
        assert.throws(() => load(unknown), /OpenCX_No_Such_Label: no such label in .*CustomLabels/);
    });

    test('generates one module per Apex method, schema field, object and i18n key', () => {
        const apex = resolve('@salesforce/apex/OpenCxSessionController.getConversation', panel);
        assert.ok(apex);
        assert.match(load(apex) ?? '', /apexMethod\("OpenCxSessionController\.getConversation"\)/);

        const field = resolve('@salesforce/schema/MessagingSession.OpenCX_Session_Id__c', panel);
        assert.ok(field);
        assert.equal(
            load(field),
            'export default {"objectApiName":"MessagingSession","fieldApiName":"OpenCX_Session_Id__c"};\n'
        );
        const object = resolve('@salesforce/schema/MessagingSession', panel);
        assert.ok(object);
        assert.equal(load(object), 'export default {"objectApiName":"MessagingSession"};\n');

        const timeZone = resolve('@salesforce/i18n/timeZone', panel);
        assert.ok(timeZone);
        assert.match(load(timeZone) ?? '', /i18nValue\("timeZone"\)/);
    });

    test("leaves the base components' own @salesforce imports, and everything else, alone", () => {
        assert.equal(resolve('@salesforce/i18n/locale', baseComponent), null);
        assert.equal(resolve('lightning/uiRecordApi', baseComponent), null);
        assert.equal(resolve('c/opencxTranscript', panel), null);
        assert.equal(resolve('lwc', panel), null);
        assert.equal(resolve('lightning/uiRecordApi'), null, 'entry points have no importer');
        assert.equal(load(panel), null);
    });
});

const RECORD_ID = '0Mw000000000042AAA';

function useSample(answers: ((callNumber: number) => unknown)[] = []) {
    setLatency(0);
    setSample({
        id: 'test',
        record: {
            apiName: 'MessagingSession',
            id: RECORD_ID,
            fields: { OpenCX_Session_Id__c: 'sess-1', Chat_Consumer_Type__c: null }
        },
        apex: {
            'OpenCxSessionController.getConversation': (_params, callNumber) =>
                answers[Math.min(callNumber, answers.length) - 1](callNumber)
        }
    });
}

/** Collects what a wire adapter emits; `next()` resolves with the next emission. */
function emissions() {
    const values: { data?: unknown; error?: unknown }[] = [];
    let waiting: ((value: { data?: unknown; error?: unknown }) => void) | null = null;
    return {
        values,
        callback: (value: { data?: unknown; error?: unknown }) => {
            values.push(value);
            waiting?.(value);
            waiting = null;
        },
        next: () =>
            new Promise<{ data?: unknown; error?: unknown }>((resolve) => (waiting = resolve))
    };
}

describe('preview getRecord wire adapter', () => {
    test('emits the requested fields of the sample record, skipping absent optional ones', async () => {
        useSample();
        const wire = emissions();
        const adapter = new getRecord(wire.callback);
        adapter.connect();
        const emitted = wire.next();
        adapter.update({
            recordId: RECORD_ID,
            fields: ['MessagingSession.OpenCX_Session_Id__c'],
            optionalFields: [
                { objectApiName: 'MessagingSession', fieldApiName: 'Chat_Consumer_Type__c' },
                { objectApiName: 'MessagingSession', fieldApiName: 'Not_A_Field__c' }
            ]
        });
        const { data, error } = await emitted;
        assert.equal(error, undefined);
        assert.deepEqual(data, {
            apiName: 'MessagingSession',
            id: RECORD_ID,
            fields: {
                OpenCX_Session_Id__c: { value: 'sess-1', displayValue: 'sess-1' },
                Chat_Consumer_Type__c: { value: null, displayValue: null }
            }
        });
        assert.equal(
            getFieldValue(data, {
                objectApiName: 'MessagingSession',
                fieldApiName: 'OpenCX_Session_Id__c'
            }),
            'sess-1'
        );
        assert.equal(getFieldValue(data, 'MessagingSession.OpenCX_Session_Id__c'), 'sess-1');
    });

    test('emits an error for a required field the record lacks and for another record', async () => {
        useSample();
        const wire = emissions();
        const adapter = new getRecord(wire.callback);
        adapter.connect();
        let emitted = wire.next();
        adapter.update({ recordId: RECORD_ID, fields: ['MessagingSession.Not_A_Field__c'] });
        const missingField = (await emitted).error as { status: number; body: unknown[] };
        assert.equal(missingField.status, 400);

        emitted = wire.next();
        adapter.update({ recordId: '0Mw000000000099AAA', fields: ['MessagingSession.Name'] });
        const otherRecord = (await emitted).error as { status: number };
        assert.equal(otherRecord.status, 404);
    });

    test('emits nothing before connect, without a record id, or after disconnect', async () => {
        useSample();
        const wire = emissions();
        const adapter = new getRecord(wire.callback);
        adapter.update({ recordId: RECORD_ID, fields: ['MessagingSession.OpenCX_Session_Id__c'] });
        await new Promise((resolve) => setTimeout(resolve, 5));
        assert.equal(wire.values.length, 0, 'not connected');
        adapter.connect();
        adapter.disconnect();
        adapter.update({ recordId: undefined, fields: [] });
        await new Promise((resolve) => setTimeout(resolve, 5));
        assert.equal(wire.values.length, 0);
    });
});

describe('preview Apex methods', () => {
    const getConversation = apexMethod('OpenCxSessionController.getConversation');

    test('a wire gets the answer for its config; refreshApex asks again and emits anew', async () => {
        useSample([(n) => ({ call: n }), (n) => ({ call: n })]);
        const wire = emissions();
        const adapter = new getConversation.adapter(wire.callback);
        adapter.connect();
        let emitted = wire.next();
        adapter.update({ messagingSessionId: RECORD_ID });
        const first = await emitted;
        assert.deepEqual(first, { data: { call: 1 }, error: undefined });

        emitted = wire.next();
        await refreshApex(first);
        assert.deepEqual(await emitted, { data: { call: 2 }, error: undefined });
        assert.deepEqual(
            callLog().map((call) => call.params),
            [{ messagingSessionId: RECORD_ID }, { messagingSessionId: RECORD_ID }]
        );
    });

    test('an AuraHandledException arrives as { body: { message } } on the wire and on a call', async () => {
        useSample([
            () => {
                throw {
                    body: { message: 'OpenCX did not answer in time. Try again.' },
                    status: 500
                };
            }
        ]);
        const wire = emissions();
        const adapter = new getConversation.adapter(wire.callback);
        adapter.connect();
        const emitted = wire.next();
        adapter.update({ messagingSessionId: RECORD_ID });
        const { data, error } = await emitted;
        assert.equal(data, undefined);
        assert.equal(
            (error as { body: { message: string } }).body.message,
            'OpenCX did not answer in time. Try again.'
        );
        await assert.rejects(getConversation({ messagingSessionId: RECORD_ID }), {
            body: { message: 'OpenCX did not answer in time. Try again.' }
        });
    });

    test('a method the sample has no data for fails with a message that says so', async () => {
        useSample();
        await assert.rejects(apexMethod('OtherController.other')(), (error: unknown) => {
            const { body } = error as { body: { message: string } };
            assert.match(body.message, /no data for Apex method OtherController\.other/);
            return true;
        });
    });

    test('answers are parsed copies: a component cannot change the sample', async () => {
        const shared = { turns: [{ text: 'hello' }] };
        useSample([() => shared]);
        const answer = (await getConversation({})) as typeof shared;
        answer.turns[0].text = 'changed';
        assert.equal(shared.turns[0].text, 'hello');
        assert.equal((await getConversation({})) === answer, false);
    });

    test('a prepared answer is serialized once, before any call (the server does it in an org)', async (t) => {
        const shared = { turns: [{ text: 'hello' }] };
        useSample([() => shared]);
        prepareAnswers([shared]);
        const stringify = t.mock.method(JSON, 'stringify');
        assert.deepEqual(await getConversation({}), shared);
        assert.deepEqual(await getConversation({}), shared);
        assert.equal(stringify.mock.callCount(), 0, 'no call serializes the prepared answer again');
    });
});

describe('preview samples', () => {
    const samples = buildSamples();
    const byId = new Map(samples.map((sample) => [sample.id, sample]));

    test('covers every state the issue asks for, with unique ids and record ids', () => {
        for (const id of [
            'verified-long',
            'anonymous',
            'opencx-unavailable',
            'opencx-unauthorized',
            'no-session',
            'not-configured',
            'xss',
            'stress-2000'
        ]) {
            assert.ok(byId.has(id), id);
        }
        assert.equal(new Set(samples.map((sample) => sample.record.id)).size, samples.length);
        for (const sample of samples) assert.match(sample.record.id, /^0Mw[0-9A-Za-z]{15}$/);
    });

    test('reuses the component tests’ fixtures through force-app/test/opencx-samples.js', () => {
        const shared = createRequire(import.meta.url)('../../force-app/test/opencx-samples.js');
        const data = (id: string) => {
            const answer = byId.get(id)?.answers.at(-1);
            assert.ok(answer && 'data' in answer && answer.data, id);
            return answer.data;
        };
        assert.deepEqual(data('verified'), shared.samples.verified);
        assert.deepEqual(data('anonymous'), shared.samples.anonymous);
        assert.deepEqual(data('xss'), shared.samples.xss);
        assert.deepEqual(data('no-session'), shared.samples.noSession);
        assert.deepEqual(data('not-configured'), shared.samples.notConfigured);
        assert.deepEqual(data('stress-2000'), shared.samples.long);
        assert.deepEqual(data('long-values'), shared.samples.longValues);
        // An answer outside the contract first (null), then the conversation.
        assert.deepEqual(byId.get('unreadable')?.answers[0], { data: null });
        const long = data('verified-long');
        assert.ok(long.turns.length >= 300);
        assert.equal(long.sentiment, 'angry');
        assert.equal(long.summary, shared.fixtures.sessionVerified.handoff.summary);
        const unavailable = byId.get('opencx-unavailable')?.answers[0];
        assert.deepEqual(unavailable, { error: { message: shared.ERROR_MESSAGES.serverError } });
    });

    test('each record carries the fields the routing flow stamped for its conversation', () => {
        for (const sample of samples) {
            const answer = sample.answers.find(
                (candidate) => 'data' in candidate && candidate.data
            );
            if (!answer || !('data' in answer) || !answer.data) continue; // no DTO to match
            assert.equal(
                sample.record.fields.OpenCX_Session_Id__c,
                answer.data.sessionId,
                sample.id
            );
            assert.equal(
                sample.record.fields.Chat_Consumer_Type__c,
                answer.data.consumerType,
                sample.id
            );
        }
    });
});

describe('preview server port', () => {
    test('comes from --port, --port=, PORT, or defaults to 3000', () => {
        assert.equal(parsePort(['--port', '8080'], {}), 8080);
        assert.equal(parsePort(['--port=0'], {}), 0);
        assert.equal(parsePort([], { PORT: '4000' }), 4000);
        assert.equal(parsePort(['--port', '5000'], { PORT: '4000' }), 5000, 'the flag wins');
        assert.equal(parsePort([], {}), DEFAULT_PORT);
        assert.equal(DEFAULT_PORT, 3000);
    });

    test('rejects anything that is not a port', () => {
        for (const bad of ['eighty', '-1', '70000', '80.5', '']) {
            assert.throws(() => parsePort(['--port', bad], {}), /Invalid port/, bad);
        }
    });
});

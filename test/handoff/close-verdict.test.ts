// The rep's verdict back to OpenCX, end to end on the emulator (docs/beyond-handoff.md, part 3):
// a handoff is rehearsed and routed; when the conversation ends (MIAW close), the org's on-end
// automation PATCHes /chat/sessions/{id} on the emulator's OpenCX API with the Named Credential's
// key, and writes the outcome on the MessagingSession, which the rehearsal's verdict step reads.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from 'jsforce';
import { startHandoffFixture, type HandoffFixture } from './support.ts';
import {
    addOpenCxSession,
    endMessagingSession,
    opencxApiRoutes,
    opencxApiState
} from '../../testkit/emulator/index.ts';
import {
    awaitVerdict,
    recordVerdict,
    takeCloseVerdict,
    type VerdictOrg
} from '../../scripts/handoff/close-verdict.ts';

const API_KEY = 'sk-test-not-a-real-key'; // what the fixture's provisioning stored
let sequence = 0;
const newSessionId = () => `c0ffee00-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;

describe('verdict on end (emulator OpenCX API + MIAW close)', () => {
    let fixture: HandoffFixture;
    let org: VerdictOrg;
    before(async () => {
        fixture = await startHandoffFixture();
        fixture.emulator.use(opencxApiRoutes({ apiKey: API_KEY }));
        const conn = new Connection({
            instanceUrl: fixture.emulator.url,
            accessToken: fixture.emulator.state.accessToken,
            version: '66.0'
        });
        org = {
            query: async (soql) => (await conn.query(soql)).records as never,
            updateSession: async (id, fields) => {
                const result = await conn.sobject('MessagingSession').update({ Id: id, ...fields });
                if (!result.success) throw new Error(JSON.stringify(result.errors));
            }
        };
    });
    after(() => fixture.stop());

    function setDefault(verdict: string | null) {
        const data = fixture.emulator.state.data;
        if (!data.hasType('OpenCX_Setting__mdt')) {
            data.define('OpenCX_Setting__mdt', {
                keyPrefix: 'm01',
                fields: ['DeveloperName', 'Verdict_On_End__c', 'Allow_Unchecked_Verified_Claims__c']
            });
        }
        for (const row of data.all('OpenCX_Setting__mdt')) {
            data.update('OpenCX_Setting__mdt', row.Id, { Verdict_On_End__c: verdict });
        }
        if (data.all('OpenCX_Setting__mdt').length === 0) {
            data.insert('OpenCX_Setting__mdt', {
                DeveloperName: 'Default',
                Verdict_On_End__c: verdict,
                Allow_Unchecked_Verified_Claims__c: false
            });
        }
    }

    async function rehearse(sessionId: string, close: boolean) {
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--visitor',
            'anonymous',
            '--session-id',
            sessionId,
            '--listen',
            '0',
            ...(close ? ['--close'] : [])
        ]);
        assert.equal(run.exitCode, 0, run.stdout + run.stderr);
        const session = fixture.emulator.state.data
            .all('MessagingSession')
            .find((row) => row.OpenCX_Session_Id__c === sessionId);
        assert.ok(session, 'the handoff created and stamped a MessagingSession');
        return session;
    }

    test('the admin default is sent when the conversation ends without a choice (--close)', async () => {
        setDefault('closed_resolved');
        const id = newSessionId();
        const opencx = addOpenCxSession(fixture.emulator.state, id);
        const session = await rehearse(id, true);
        assert.deepEqual(opencx.patches, ['closed_resolved']);
        assert.equal(opencx.status, 'closed_resolved');
        const check = await awaitVerdict(org, session.Id, 'resolved', {
            timeoutMs: 2000,
            pollMs: 50
        });
        assert.equal(check.ok, true, check.detail);
        assert.match(check.detail, /^closed_resolved sent \(on end, attempt 1 of 3\) at /);
    });

    test('npm run handoff:test -- --close resolved: recorded, ended, sent, and reported', async () => {
        setDefault(null);
        const id = newSessionId();
        const opencx = addOpenCxSession(fixture.emulator.state, id);
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--visitor',
            'anonymous',
            '--session-id',
            id,
            '--listen',
            '0',
            '--close',
            'resolved',
            '--json'
        ]);
        assert.equal(run.exitCode, 0, run.stdout + run.stderr);
        assert.deepEqual(opencx.patches, ['closed_resolved'], 'OpenCX got the status once');
        assert.equal(opencx.status, 'closed_resolved');
        JSON.parse(run.stdout); // --json: one document
        assert.match(run.stdout, /verdict recorded \(resolved\)/);
        assert.match(run.stdout, /verdict sent to OpenCX \(closed_resolved\)/);
        const session = fixture.emulator.state.data
            .all('MessagingSession')
            .find((row) => row.OpenCX_Session_Id__c === id)!;
        assert.equal(session.Status, 'Ended');
        assert.equal(session.OpenCX_Verdict__c, 'closed_resolved');
        assert.equal(session.OpenCX_Verdict_Status__c, 'Sent');
    });

    test('--close unresolved against a session OpenCX does not know: the check fails with the fix', async () => {
        setDefault(null);
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--visitor',
            'anonymous',
            '--session-id',
            newSessionId(),
            '--listen',
            '0',
            '--close',
            'unresolved'
        ]);
        assert.equal(run.exitCode, 1, run.stdout + run.stderr);
        assert.match(run.stdout, /verdict sent to OpenCX \(closed_unresolved\)/);
        assert.match(run.stdout, /NOT_FOUND \(HTTP 404\)/);
    });

    test('nothing is sent when the rep chose nothing and the admin set no default', async () => {
        setDefault(null);
        const id = newSessionId();
        const opencx = addOpenCxSession(fixture.emulator.state, id);
        const session = await rehearse(id, true);
        assert.deepEqual(opencx.patches, []);
        assert.equal(fixture.emulator.state.data.findById(session.Id)?.Status, 'Ended');
        assert.equal(
            fixture.emulator.state.data.findById(session.Id)?.OpenCX_Verdict_Status__c,
            null
        );
    });

    test("the rep's choice recorded before the end is the one sent, not the default", async () => {
        setDefault('closed_resolved');
        const id = newSessionId();
        const opencx = addOpenCxSession(fixture.emulator.state, id);
        const session = await rehearse(id, false);
        const recorded = await recordVerdict(org, session.Id, 'unresolved');
        assert.equal(recorded.ok, true, recorded.detail);
        endMessagingSession(fixture.emulator.state, session.Id); // what the MIAW close does
        assert.deepEqual(opencx.patches, ['closed_unresolved']);
        const check = await awaitVerdict(org, session.Id, 'unresolved', {
            timeoutMs: 2000,
            pollMs: 50
        });
        assert.equal(check.ok, true, check.detail);
    });

    test('a key OpenCX refuses: Failed on the record with the reason, never retried', async () => {
        setDefault('closed_unresolved');
        const id = newSessionId();
        addOpenCxSession(fixture.emulator.state, id);
        const session = await rehearse(id, false);
        opencxApiState(fixture.emulator.state).apiKey = 'sk-rotated-in-opencx';
        try {
            endMessagingSession(fixture.emulator.state, session.Id);
        } finally {
            opencxApiState(fixture.emulator.state).apiKey = API_KEY;
        }
        const check = await awaitVerdict(org, session.Id, 'unresolved', {
            timeoutMs: 300,
            pollMs: 50
        });
        assert.equal(check.ok, false);
        assert.match(
            check.detail,
            /^Failed: closed_unresolved not sent .*UNAUTHORIZED \(HTTP 401\)/
        );
        assert.match(check.fix ?? '', /ApiKey of External Credential OpenCX_API/);
    });

    test('a session OpenCX does not know: Failed, 404', async () => {
        setDefault('closed_resolved');
        const session = await rehearse(newSessionId(), false); // no OpenCX session added
        endMessagingSession(fixture.emulator.state, session.Id);
        const row = fixture.emulator.state.data.findById(session.Id)!;
        assert.equal(row.OpenCX_Verdict_Status__c, 'Failed');
        assert.match(String(row.OpenCX_Verdict_Detail__c), /NOT_FOUND \(HTTP 404\)/);
    });

    test("the emulator's OpenCX API refuses what OpenCX refuses", async () => {
        const id = newSessionId();
        addOpenCxSession(fixture.emulator.state, id);
        const patch = (body: string, key = API_KEY) =>
            fetch(`${fixture.emulator.url}/chat/sessions/${id}`, {
                method: 'PATCH',
                headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
                body
            });
        assert.equal((await patch('{"status":"closed_resolved"}', 'wrong')).status, 401);
        assert.equal((await patch('{"status":"resolved"}')).status, 400);
        assert.equal((await patch('{"status":"open","extra":1}')).status, 400);
        assert.equal((await patch('not json')).status, 400);
        assert.equal((await patch('{"status":"closed_resolved"}')).status, 200);
        const read = await fetch(`${fixture.emulator.url}/chat/sessions/${id}`, {
            headers: { Authorization: `Bearer ${API_KEY}` }
        });
        assert.equal(((await read.json()) as { status: string }).status, 'closed_resolved');
        const unknown = await fetch(`${fixture.emulator.url}/chat/sessions/nope`, {
            method: 'PATCH',
            headers: { Authorization: `Bearer ${API_KEY}` },
            body: '{"status":"open"}'
        });
        assert.equal(unknown.status, 404);
    });
});

describe('--close resolved|unresolved', () => {
    test('the value is taken out; a plain --close stays a flag', () => {
        assert.deepEqual(takeCloseVerdict(['--close', 'resolved', '--json']), {
            argv: ['--close', '--json'],
            verdict: 'resolved'
        });
        assert.deepEqual(takeCloseVerdict(['--close=unresolved']), {
            argv: ['--close'],
            verdict: 'unresolved'
        });
        assert.deepEqual(takeCloseVerdict(['--close', '--listen', '0']), {
            argv: ['--close', '--listen', '0'],
            verdict: null
        });
        // Left for the flag parser, which refuses a value on the boolean --close.
        assert.deepEqual(takeCloseVerdict(['--close=maybe']), {
            argv: ['--close=maybe'],
            verdict: null
        });
    });
});

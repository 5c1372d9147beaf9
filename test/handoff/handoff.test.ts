// `npm run handoff:test` against the Salesforce API emulator: the MIAW calls go over HTTP to the
// emulator's messaging routes, which run the project's real routing flow; the verification goes
// through real jsforce to the emulator's REST API.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { handoffOf, startHandoffFixture, type HandoffFixture } from './support.ts';
import {
    dropEventStreams,
    miawState,
    pushAgentReply,
    waitForConversation
} from '../../testkit/emulator/index.ts';

describe('handoff rehearsal against the emulator', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture();
    });
    after(() => fixture.stop());

    test('an anonymous handoff lands in OpenCX_Anonymous_Visitors with every attribute stamped', async () => {
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--visitor',
            'anonymous',
            '--session-id',
            'c0ffee00-0000-4000-8000-000000000001',
            '--listen',
            '0',
            '--close'
        ]);
        assert.equal(run.exitCode, 0, run.stdout + run.stderr);
        const result = handoffOf(run.result, 'anonymous');
        assert.equal(result.visitor.kind, 'anonymous');
        assert.equal(result.session?.routedQueue?.developerName, 'OpenCX_Anonymous_Visitors');
        assert.equal(result.session?.expectedQueue.queueDeveloperName, 'OpenCX_Anonymous_Visitors');
        assert.deepEqual(result.session?.stamped, {
            OpenCX_Session_Id__c: 'c0ffee00-0000-4000-8000-000000000001',
            Chat_Consumer_Type__c: 'Anonymous',
            OpenCX_Channel__c: 'rehearsal',
            OpenCX_Language__c: 'en',
            OpenCX_Priority__c: 'normal'
        });
        assert.equal(result.session?.routedQueue?.source, 'PendingServiceRouting.QueueId');
        assert.ok(run.result!.checks.every((check) => check.ok));
        assert.match(run.stdout, /PASS: anonymous → OpenCX_Anonymous_Visitors/);
        assert.equal(result.closed, true);
        assert.equal(
            miawState(fixture.emulator.state).conversations.get(result.conversationId)?.closed,
            true
        );
    });

    test('an authenticated handoff, signed with the key provisioning wrote (kid and issuer found), is verified and lands in OpenCX_Verified_Visitors', async () => {
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--authenticated',
            '--email',
            'jane@example.com',
            '--private-key',
            fixture.keyPath,
            '--listen',
            '0'
        ]);
        assert.equal(run.exitCode, 0, run.stdout + run.stderr);
        const result = handoffOf(run.result, 'verified');
        assert.equal(result.visitor.verified, true);
        assert.match(run.stdout, new RegExp(`kid ${fixture.kid}, iss opencx-handoff`));
        assert.equal(
            result.visitor.subject,
            'v2/iamessage/AUTH/OpenCX_Identity_Keys/uid:jane@example.com'
        );
        assert.equal(result.session?.routedQueue?.developerName, 'OpenCX_Verified_Visitors');
        assert.equal(result.session?.stamped.Chat_Consumer_Type__c, 'Authenticated');
    });

    test('agent replies pushed on the stream are printed in order, across a dropped connection', async () => {
        const replies = ['Hi, this is Ada.', 'Let me look at your order.', 'Done: refund issued.'];
        const pushing = (async () => {
            const conversation = await waitForConversation(
                fixture.emulator,
                5000,
                (item) =>
                    item.routingAttributes.OpencxSessionId ===
                    'c0ffee00-0000-4000-8000-0000000000aa'
            );
            pushAgentReply(fixture.emulator, conversation.id, replies[0]);
            await new Promise((resolve) => setTimeout(resolve, 50));
            assert.ok(dropEventStreams(fixture.emulator) >= 1);
            pushAgentReply(fixture.emulator, conversation.id, replies[1]);
            pushAgentReply(fixture.emulator, conversation.id, replies[2]);
        })();
        const run = await fixture.run(
            [
                ...fixture.baseArgs(),
                '--visitor',
                'anonymous',
                '--session-id',
                'c0ffee00-0000-4000-8000-0000000000aa',
                '--listen',
                '20'
            ],
            { stopAfterReplies: 3 }
        );
        await pushing;
        assert.equal(run.exitCode, 0, run.stdout + run.stderr);
        assert.deepEqual(
            handoffOf(run.result, 'anonymous').replies.map((reply) => reply.text),
            replies
        );
        assert.ok(handoffOf(run.result, 'anonymous').stream.reconnects >= 1);
        const printed = replies.map((text) => run.stdout.indexOf(`Ada Agent: ${text}`));
        assert.ok(
            printed.every((index) => index >= 0),
            run.stdout
        );
        assert.deepEqual(
            [...printed].sort((a, b) => a - b),
            printed
        );
        assert.equal(miawState(fixture.emulator.state).options.identityFailure, 'guest');
    });

    test('a stream that cannot come back (token revoked) ends listening with a warning; the checks still run', async () => {
        const revoking = (async () => {
            const conversation = await waitForConversation(
                fixture.emulator,
                5000,
                (item) =>
                    item.routingAttributes.OpencxSessionId ===
                    'c0ffee00-0000-4000-8000-0000000000bb'
            );
            pushAgentReply(fixture.emulator, conversation.id, 'One moment please.');
            await new Promise((resolve) => setTimeout(resolve, 50));
            miawState(fixture.emulator.state).tokens.clear();
            dropEventStreams(fixture.emulator);
        })();
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--visitor',
            'anonymous',
            '--session-id',
            'c0ffee00-0000-4000-8000-0000000000bb',
            '--listen',
            '20'
        ]);
        await revoking;
        assert.equal(run.exitCode, 0, run.stdout + run.stderr);
        assert.deepEqual(
            handoffOf(run.result, 'anonymous').replies.map((reply) => reply.text),
            ['One moment please.']
        );
        assert.match(handoffOf(run.result, 'anonymous').stream.error ?? '', /HTTP 401/);
        assert.match(run.stdout, /! event stream ended: event stream: HTTP 401/);
        assert.equal(
            handoffOf(run.result, 'anonymous').session?.routedQueue?.developerName,
            'OpenCX_Anonymous_Visitors'
        );
    });
});

// The emulator's MIAW routes keep the contract the client relies on (shapes from Salesforce's
// messaging-web-api-sample-app, see scripts/handoff/miaw-client.ts), so the rehearsal tests
// cannot pass against an emulator that is more lenient than the messaging host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { startEmulator, type Emulator } from '../../testkit/emulator/index.ts';
import {
    channelVerifiesUsers,
    miawRoutes,
    miawState,
    pushAgentReply,
    setChannelAuthMode
} from '../../testkit/emulator/index.ts';
import {
    MiawClient,
    MiawError,
    parseConversationEvent,
    subjectKindOf
} from '../../scripts/handoff/miaw-client.ts';
import { signIdentityToken } from '../../scripts/handoff/identity-token.ts';
import { ServerSentEventParser } from '../../scripts/handoff/sse.ts';
import { publishDeployment } from './support.ts';

describe('emulator MIAW routes', () => {
    let emulator: Emulator;
    let client: MiawClient;
    before(async () => {
        emulator = await startEmulator({ modules: [miawRoutes()] });
        const { state } = emulator;
        const channel = state.data.all('MessagingChannel')[0];
        state.data.update('MessagingChannel', channel.Id, { IsActive: true });
        const definition = state.tooling.all('FlowDefinition')[0];
        const version = state.tooling.all('Flow')[0];
        state.tooling.update('FlowDefinition', definition.Id, { ActiveVersionId: version.Id });
        publishDeployment(emulator);
        // Guest tokens need a channel without user verification.
        setChannelAuthMode(emulator, 'UnAuth');
        client = new MiawClient({
            messagingHost: emulator.url,
            orgId: state.orgId,
            esDeveloperName: 'OpenCX_Handoff'
        });
    });
    after(() => emulator.stop());

    test('the deployment configuration lists the hidden pre-chat fields; wrong org id or name is a 400', async () => {
        const configuration = await client.getDeploymentConfiguration();
        assert.deepEqual(
            configuration.forms?.[0].hiddenFormFields?.map((field) => field.name),
            [
                'OpencxSessionId',
                'Chat_Consumer_Type',
                'OpencxChannel',
                'OpencxLanguage',
                'OpencxPriority'
            ]
        );
        for (const endpoint of [
            { ...client.endpoint, orgId: '00D000000000001AAA' },
            { ...client.endpoint, esDeveloperName: 'Other' }
        ]) {
            await assert.rejects(
                new MiawClient(endpoint).getDeploymentConfiguration(),
                (error: MiawError) => error.status === 400
            );
        }
    });

    test('conversation calls need the MIAW token (not the org session) and a v4 UUID', async () => {
        await assert.rejects(
            client.createConversation(emulator.state.accessToken, randomUUID(), {}),
            (error: MiawError) => error.status === 401
        );
        const token = await client.getUnauthenticatedAccessToken();
        await assert.rejects(
            client.createConversation(token.accessToken, 'not-a-uuid', {}),
            (error: MiawError) => error.status === 400 && /UUID format/.test(error.message)
        );
        const other = await client.getUnauthenticatedAccessToken();
        const conversationId = randomUUID();
        await client.createConversation(token.accessToken, conversationId, {});
        await assert.rejects(
            client.sendTextMessage(other.accessToken, conversationId, randomUUID(), 'hi'),
            (error: MiawError) => error.status === 404
        );
    });

    test('the stream needs X-Org-Id, replays after Last-Event-Id and carries the entry payload as a JSON string', async () => {
        const token = await client.getUnauthenticatedAccessToken();
        const missingOrg = await fetch(`${emulator.url}/eventrouter/v1/sse`, {
            headers: { Authorization: `Bearer ${token.accessToken}` }
        });
        assert.equal(missingOrg.status, 400);
        await missingOrg.body?.cancel();

        const conversationId = randomUUID();
        await client.createConversation(token.accessToken, conversationId, {
            OpencxSessionId: 's-1',
            Chat_Consumer_Type: 'Anonymous'
        });
        pushAgentReply(emulator, conversationId, 'first');
        pushAgentReply(emulator, conversationId, 'second');
        const events = miawState(emulator.state).events.filter((event) =>
            event.data.includes(conversationId)
        );
        assert.equal(events.length, 3); // routing result + two replies

        // Reconnecting after the routing result replays only the two replies, in order.
        const controller = new AbortController();
        const response = await fetch(`${emulator.url}/eventrouter/v1/sse`, {
            headers: {
                Authorization: `Bearer ${token.accessToken}`,
                'X-Org-Id': emulator.state.orgId,
                'Last-Event-Id': String(events[0].id)
            },
            signal: controller.signal
        });
        assert.equal(response.headers.get('content-type'), 'text/event-stream');
        const parser = new ServerSentEventParser();
        const reader = response.body!.getReader();
        const texts: string[] = [];
        while (texts.length < 2) {
            const { value } = await reader.read();
            for (const event of parser.push(value!)) {
                const entry = parseConversationEvent(event);
                assert.equal(
                    typeof JSON.parse(event.data).conversationEntry.entryPayload,
                    'string'
                );
                if (entry?.text) texts.push(entry.text);
            }
        }
        controller.abort();
        assert.deepEqual(texts, ['first', 'second']);
        assert.equal(parser.lastEventId, String(events[2].id));

        const routing = JSON.parse(events[0].data) as {
            conversationEntry: { entryPayload: string };
        };
        const payload = JSON.parse(routing.conversationEntry.entryPayload) as {
            failureType: string;
            recordId: string;
            routingConfigurationDetails: { queueId: string };
        };
        assert.equal(payload.failureType, 'None');
        const session = emulator.state.data.get('MessagingSession', payload.recordId)!;
        assert.equal(session.Chat_Consumer_Type__c, 'Anonymous');
        const queue = emulator.state.data.get(
            'Group',
            payload.routingConfigurationDetails.queueId
        )!;
        assert.equal(queue.DeveloperName, 'OpenCX_Anonymous_Visitors');
    });

    test('an attribute the deployment and channel do not define is dropped before the flow runs', async () => {
        const token = await client.getUnauthenticatedAccessToken();
        const conversationId = randomUUID();
        await client.createConversation(token.accessToken, conversationId, {
            Chat_Consumer_Type: 'Anonymous',
            Extra: 'x',
            OpencxSessionId: 's-2'
        });
        const conversation = miawState(emulator.state).conversations.get(conversationId)!;
        assert.equal(conversation.routing?.queueDeveloperName, 'OpenCX_Anonymous_Visitors');
        assert.equal(conversation.routing?.flowRun?.status, 'Finished');
        assert.deepEqual(Object.keys(conversation.routing?.flowInputs ?? {}).sort(), [
            'Chat_Consumer_Type',
            'OpencxSessionId',
            'recordId'
        ]);
    });
});

describe("emulator MIAW routes: user verification is the channel's switch (the harsher reading)", () => {
    let emulator: Emulator;
    let client: MiawClient;
    before(async () => {
        emulator = await startEmulator({ modules: [miawRoutes({ pingIntervalMs: 50 })] });
        const { state } = emulator;
        const channel = state.data.all('MessagingChannel')[0];
        state.data.update('MessagingChannel', channel.Id, { IsActive: true });
        const definition = state.tooling.all('FlowDefinition')[0];
        state.tooling.update('FlowDefinition', definition.Id, {
            ActiveVersionId: state.tooling.all('Flow')[0].Id
        });
        publishDeployment(emulator);
        client = new MiawClient({
            messagingHost: emulator.url,
            orgId: emulator.state.orgId,
            esDeveloperName: 'OpenCX_Handoff'
        });
    });
    after(() => emulator.stop());

    test('the mode comes from the seeded channel metadata: force-app ships authMode Auth', () => {
        assert.equal(channelVerifiesUsers(emulator.state, 'OpenCX_Handoff'), true);
    });

    test('authMode Auth: guests are refused with BAD_REQUEST "Set the auth mode to false."; a token the keyset does not know gets a guest token', async () => {
        setChannelAuthMode(emulator, 'Auth');
        await assert.rejects(
            client.getUnauthenticatedAccessToken(),
            (error: MiawError) =>
                error.status === 400 &&
                JSON.parse(error.body!).code === 'BAD_REQUEST' &&
                JSON.parse(error.body!).message === 'Set the auth mode to false.'
        );
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const token = await client.getAuthenticatedAccessToken(
            await signIdentityToken({ privateKey, kid: 'unknown', issuer: 'x', subject: 'a@b.co' })
        );
        assert.equal(subjectKindOf(token), 'UNAUTH');
    });

    test('authMode UnAuth: guests get a token, identity tokens are refused', async () => {
        setChannelAuthMode(emulator, 'UnAuth');
        try {
            assert.equal(subjectKindOf(await client.getUnauthenticatedAccessToken()), 'UNAUTH');
            const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
            await assert.rejects(
                client.getAuthenticatedAccessToken(
                    await signIdentityToken({
                        privateKey,
                        kid: 'k',
                        issuer: 'x',
                        subject: 'a@b.co'
                    })
                ),
                (error: MiawError) => error.status === 400
            );
        } finally {
            setChannelAuthMode(emulator, 'Auth');
        }
    });

    test("the stream is written in the event router's bytes: id:/event:/data: without a space, ping keep-alives", async () => {
        setChannelAuthMode(emulator, 'UnAuth');
        try {
            const token = await client.getUnauthenticatedAccessToken();
            const conversationId = randomUUID();
            const controller = new AbortController();
            const response = await fetch(`${emulator.url}/eventrouter/v1/sse`, {
                headers: {
                    Authorization: `Bearer ${token.accessToken}`,
                    'X-Org-Id': emulator.state.orgId
                },
                signal: controller.signal
            });
            await client.createConversation(token.accessToken, conversationId, {
                OpencxSessionId: 'wire-1'
            });
            const reader = response.body!.getReader();
            const decoder = new TextDecoder();
            let raw = '';
            const deadline = Date.now() + 5000;
            while (!raw.includes('event:ping') || !raw.includes('CONVERSATION_ROUTING_RESULT')) {
                assert.ok(Date.now() < deadline, `no routing result and ping in 5 s: ${raw}`);
                raw += decoder.decode((await reader.read()).value, { stream: true });
            }
            controller.abort();
            assert.match(
                raw,
                /(^|\n\n)id:\d+\nevent:CONVERSATION_ROUTING_RESULT\ndata:\{"conversationId"[^\n]*\}\n\n/
            );
            assert.match(raw, /\n\nevent:ping\ndata:\{\}\n\n/);
            assert.doesNotMatch(raw, /^(id|event|data): /m);
        } finally {
            setChannelAuthMode(emulator, 'Auth');
        }
    });
});

// Handoff rehearsal against the emulator: (1) time from "create conversation" to a routed
// MessagingSession (the emulator creates the session and runs the project's real routing flow
// through the flow evaluator), seen from the client (until the routing-result event arrives on
// the stream) and inside the emulator; (2) agent replies per second through the event stream
// (emulator → HTTP → SSE parser → conversation entries), and the parser alone.
// Reports figures; never fails on them.
//   npm run bench -- handoff          (CONVERSATIONS=<n> default 200, REPLIES=<n> default 5000)
import { randomUUID } from 'node:crypto';
import { startEmulator } from '../testkit/emulator/index.ts';
import {
    miawRoutes,
    miawState,
    pushAgentReply,
    salesforceEvent,
    setChannelAuthMode
} from '../testkit/emulator/index.ts';
import { MiawClient, parseConversationEvent } from '../scripts/handoff/miaw-client.ts';
import { ServerSentEventParser } from '../scripts/handoff/sse.ts';

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 200);
const REPLIES = Number(process.env.REPLIES ?? 5000);

function stats(values: number[]): string {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    return `mean ${mean.toFixed(2)} ms, p50 ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, max ${sorted[sorted.length - 1].toFixed(2)} ms`;
}

async function main(): Promise<void> {
    const emulator = await startEmulator({ modules: [miawRoutes()] });
    // The provisioned state the rehearsal needs: channel and flow active, deployment published.
    const { state } = emulator;
    const channel = state.data.all('MessagingChannel')[0];
    state.data.update('MessagingChannel', channel.Id, { IsActive: true });
    const definition = state.tooling.all('FlowDefinition')[0];
    const version = state.tooling.all('Flow').find((flow) => flow.DefinitionId === definition.Id)!;
    state.tooling.update('FlowDefinition', definition.Id, { ActiveVersionId: version.Id });
    state.publishedDeployments.set(state.tooling.all('EmbeddedServiceConfig')[0].Id, 1);
    // Guest tokens: the channel without user verification (open mode).
    setChannelAuthMode(emulator, 'UnAuth');

    const client = new MiawClient({
        messagingHost: emulator.url,
        orgId: state.orgId,
        esDeveloperName: 'OpenCX_Handoff'
    });

    // 1. Conversation create → routed session.
    const clientMs: number[] = [];
    const consumerTypes = ['Anonymous', 'Authenticated', 'verified', 'Unknown', ''];
    for (let index = 0; index < CONVERSATIONS; index += 1) {
        const token = await client.getUnauthenticatedAccessToken();
        const conversationId = randomUUID();
        let routed: (() => void) | undefined;
        const routedEvent = new Promise<void>((resolve) => (routed = resolve));
        const subscription = client.subscribe(token.accessToken, {
            lastEventId: token.lastEventId,
            onEvent: (event) => {
                const entry = parseConversationEvent(event);
                if (entry?.entryType === 'RoutingResult' && entry.conversationId === conversationId)
                    routed?.();
            }
        });
        await subscription.ready;
        const started = performance.now();
        await client.createConversation(token.accessToken, conversationId, {
            OpencxSessionId: randomUUID(),
            Chat_Consumer_Type: consumerTypes[index % consumerTypes.length]
        });
        await routedEvent;
        clientMs.push(performance.now() - started);
        subscription.close();
    }
    const serverMs = [...miawState(state).conversations.values()].map(
        (item) => item.routedInMs ?? NaN
    );
    const routedSessions = state.data.all('PendingServiceRouting').length;
    console.log(
        `conversation create → routed session, ${CONVERSATIONS} conversations (${routedSessions} routed):`
    );
    console.log(
        `  client (POST /conversation → CONVERSATION_ROUTING_RESULT received): ${stats(clientMs)}`
    );
    console.log(
        `  inside the emulator (session insert + routing flow run + write-back):  ${stats(serverMs)}`
    );

    // 2. Agent replies through the event stream.
    const token = await client.getUnauthenticatedAccessToken();
    const conversationId = randomUUID();
    let received = 0;
    let done: (() => void) | undefined;
    const allReceived = new Promise<void>((resolve) => (done = resolve));
    const subscription = client.subscribe(token.accessToken, {
        lastEventId: token.lastEventId,
        onEvent: (event) => {
            const entry = parseConversationEvent(event);
            if (entry?.text !== undefined && entry.senderRole === 'Agent') {
                received += 1;
                if (received === REPLIES) done?.();
            }
        }
    });
    await subscription.ready;
    await client.createConversation(token.accessToken, conversationId, {
        OpencxSessionId: randomUUID(),
        Chat_Consumer_Type: 'Anonymous'
    });
    const streamStart = performance.now();
    for (let index = 0; index < REPLIES; index += 1) {
        pushAgentReply(emulator, conversationId, `Reply ${index}: ${'lorem ipsum '.repeat(8)}`);
        if (index % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    await allReceived;
    const streamSeconds = (performance.now() - streamStart) / 1000;
    subscription.close();
    console.log(
        `agent replies through SSE (emulator → HTTP → parser → entries): ${REPLIES} in ${streamSeconds.toFixed(3)} s = ${Math.round(REPLIES / streamSeconds)} messages/s`
    );

    // The parser alone, on the same events in 1 KiB chunks.
    const wire = miawState(state)
        .events.filter((event) => event.type === 'CONVERSATION_MESSAGE')
        .map((event) => salesforceEvent(event))
        .join('');
    const bytes = new TextEncoder().encode(wire);
    const parser = new ServerSentEventParser();
    const parseStart = performance.now();
    let parsed = 0;
    for (let offset = 0; offset < bytes.length; offset += 1024) {
        for (const event of parser.push(bytes.subarray(offset, offset + 1024))) {
            if (parseConversationEvent(event)) parsed += 1;
        }
    }
    const parseSeconds = (performance.now() - parseStart) / 1000;
    console.log(
        `SSE parser + entry parsing alone: ${parsed} events, ${(bytes.length / 1024 / 1024).toFixed(1)} MiB in ${parseSeconds.toFixed(3)} s = ${Math.round(parsed / parseSeconds)} events/s, ${(bytes.length / 1024 / 1024 / parseSeconds).toFixed(1)} MiB/s`
    );
    await emulator.stop();
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});

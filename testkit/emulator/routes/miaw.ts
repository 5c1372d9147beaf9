// Messaging for In-App and Web (MIAW) routes of the Salesforce API emulator: the messaging host
// side a custom client (OpenCX, or `npm run handoff:test`) talks to. Plug it in with
// `emulator.use(miawRoutes())`. Shapes and sources: see scripts/handoff/miaw-client.ts.
//
//   GET    /embeddedservice/v1/embedded-service-config   the published deployment (400 if unknown)
//   POST   /iamessage/api/v2/authorization/unauthenticated/access-token
//   POST   /iamessage/api/v2/authorization/authenticated/access-token
//   POST   /iamessage/api/v2/conversation                creates the MessagingSession and routes it
//   POST   /iamessage/api/v2/conversation/:id/message
//   DELETE /iamessage/api/v2/conversation/:id
//   GET    /eventrouter/v1/sse                           the event stream (Last-Event-Id replay)
//
// Routing is not imitated: creating a conversation runs the project's real routing flow (the
// channel's sessionHandlerFlow, read from force-app) through testkit/flow-evaluator over the
// emulator's records, so a change to the flow or the rule records changes what tests see.
//
// A bad identity token (signature from another key, unknown kid, wrong issuer, expired): the
// emulator does what the one detailed public field report says Salesforce does: 200 with a guest
// (UNAUTH) token, the visitor silently becomes anonymous. Salesforce's documentation does not say;
// `identityFailure: 'reject'` makes it answer 401 instead, so the client is tested for both.
//
// User verification is a per-channel switch (the channel's embeddedConfig authMode, read from the
// channel metadata the org holds: see channelVerifiesUsers). Salesforce's material never shows one
// channel taking both kinds of visitor ("we don't support chatting with verified users alongside
// unverified users", in-app SDK guides), so the emulator takes the harsher reading both ways:
// - authMode Auth: the unauthenticated token endpoint answers 400 BAD_REQUEST "Set the auth mode
//   to false." (third-party reports of real orgs);
// - authMode UnAuth (or anything but Auth): the authenticated token endpoint is refused with a 400 as well. No report
//   shows this answer; its text is the emulator's own and a client must not match on it.
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { decodeProtectedHeader, importJWK, importX509, jwtVerify, type JWK } from 'jose';
import type { Emulator, EmulatorModule, EmulatorReply, EmulatorRequest } from '../server.ts';
import type { OrgState } from '../state.ts';
import { readMessagingChannel, children, text } from '../../metadata/index.ts';
import { customMetadataSObjects } from '../../flow-evaluator/force-app.ts';
import { DEFAULT_PING_INTERVAL_MS, salesforceEvent, salesforcePing } from './miaw-events.ts';
import {
    defineRoutingTypes,
    deploymentChannel,
    routeMessagingSession,
    type RoutingOutcome
} from './miaw-routing.ts';
import { endMessagingSession } from './opencx-api.ts';

export interface MiawOptions {
    /** How a token that fails verification is treated (default 'guest', see above). */
    identityFailure?: 'guest' | 'reject';
    /** Keyset the channel verifies identity tokens against. */
    keysetName?: string;
    /** Keep-alive interval of open event streams. */
    pingIntervalMs?: number;
}

interface MiawToken {
    token: string;
    subject: string;
    verified: boolean;
    esDeveloperName: string;
}

interface Conversation {
    id: string;
    esDeveloperName: string;
    subject: string;
    routingAttributes: Record<string, string>;
    messagingSessionId: string | null;
    routing: RoutingOutcome | null;
    closed: boolean;
    /** Milliseconds from the create call to the session being routed (benchmarks). */
    routedInMs: number | null;
}

interface StoredEvent {
    id: number;
    subject: string;
    type: string;
    data: string;
}

export interface MiawState {
    options: Required<MiawOptions>;
    tokens: Map<string, MiawToken>;
    conversations: Map<string, Conversation>;
    events: StoredEvent[];
    streams: Set<{ subject: string; response: ServerResponse }>;
    nextEventId: number;
    /** Test hook: the event stream accepts the request and never answers (no status, no headers). */
    stallEventStream: boolean;
    /** Calls by operation (tests count them). */
    calls: Record<string, number>;
}

export function miawState(state: OrgState, options: MiawOptions = {}): MiawState {
    return state.extension<MiawState>('miaw', () => ({
        options: {
            identityFailure: options.identityFailure ?? 'guest',
            keysetName: options.keysetName ?? 'OpenCX_Identity_Keys',
            pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS
        },
        tokens: new Map(),
        conversations: new Map(),
        events: [],
        streams: new Set(),
        nextEventId: 1000,
        stallEventStream: false,
        calls: {}
    }));
}

export function miawRoutes(options: MiawOptions = {}): EmulatorModule {
    return (emulator) => {
        const miaw = miawState(emulator.state, options);
        // The records a conversation creates are queryable from the start, as in an org.
        defineRoutingTypes(emulator.state);
        seedChannelMetadata(emulator.state);
        exposeShippedRuleFields(emulator.state);
        const count = (operation: string) => {
            miaw.calls[operation] = (miaw.calls[operation] ?? 0) + 1;
        };

        const context: RouteContext = { emulator, miaw, count };
        for (const register of [
            configRoute,
            tokenRoutes,
            createConversationRoute,
            messageRoutes,
            eventStreamRoute
        ])
            register(context);
    };
}

interface RouteContext {
    emulator: Emulator;
    miaw: MiawState;
    count: (operation: string) => void;
}

/** The published deployment (what Salesforce's bootstrap loads first). */
function configRoute({ emulator, count }: RouteContext): void {
    emulator.route(
        'GET',
        '/embeddedservice/v1/embedded-service-config',
        (req) => {
            count('config');
            const problem = deploymentProblem(
                emulator.state,
                req.query.get('orgId'),
                req.query.get('esConfigName')
            );
            if (problem) return miawError(400, problem);
            return {
                status: 200,
                body: deploymentConfiguration(emulator.state, req.query.get('esConfigName')!)
            };
        },
        { auth: false }
    );
}

/** The two token endpoints; the channel's authMode decides which one answers (file comment). */
function tokenRoutes({ emulator, miaw, count }: RouteContext): void {
    emulator.route(
        'POST',
        '/iamessage/api/v2/authorization/unauthenticated/access-token',
        (req) => {
            count('token');
            const body = objectBody(req);
            const problem = deploymentProblem(emulator.state, body.orgId, body.esDeveloperName);
            if (problem) return miawError(400, problem);
            if (channelVerifiesUsers(emulator.state, String(body.esDeveloperName))) {
                return badRequest('Set the auth mode to false.');
            }
            return issueToken(miaw, emulator.state, String(body.esDeveloperName), null);
        },
        { auth: false, isWrite: true }
    );

    emulator.route(
        'POST',
        '/iamessage/api/v2/authorization/authenticated/access-token',
        async (req) => {
            count('token');
            const body = objectBody(req);
            const problem = deploymentProblem(emulator.state, body.orgId, body.esDeveloperName);
            if (problem) return miawError(400, problem);
            if (!channelVerifiesUsers(emulator.state, String(body.esDeveloperName))) {
                // The harsher reading (see the file comment); the text is the emulator's own.
                return badRequest('User verification is not enabled for this deployment.');
            }
            if (
                body.authorizationType !== 'JWT' ||
                typeof body.customerIdentityToken !== 'string'
            ) {
                return miawError(
                    400,
                    'authorizationType JWT and a customerIdentityToken are required.'
                );
            }
            const verdict = await verifyIdentityToken(
                emulator.state,
                miaw.options.keysetName,
                body.customerIdentityToken
            );
            if (!verdict.ok && miaw.options.identityFailure === 'reject') {
                return miawError(401, `Unauthorized: ${verdict.reason}`);
            }
            return issueToken(
                miaw,
                emulator.state,
                String(body.esDeveloperName),
                verdict.ok ? verdict.subject : null
            );
        },
        { auth: false, isWrite: true }
    );
}

/** A new conversation: its MessagingSession is created and routed by the channel's flow. */
function createConversationRoute({ emulator, miaw, count }: RouteContext): void {
    emulator.route(
        'POST',
        '/iamessage/api/v2/conversation',
        (req) => {
            count('conversation');
            const token = bearer(miaw, req);
            if (!token) return miawError(401, 'Unauthorized');
            const body = objectBody(req);
            const conversationId = String(body.conversationId ?? '');
            if (!UUID_V4.test(conversationId)) {
                return miawError(400, 'Specify the conversationId in UUID format.');
            }
            if (body.esDeveloperName !== token.esDeveloperName) {
                return miawError(400, 'The esDeveloperName does not match the access token.');
            }
            if (miaw.conversations.has(conversationId)) {
                return miawError(409, 'A conversation with this conversationId already exists.');
            }
            const routingAttributes = stringRecord(body.routingAttributes);
            const started = performance.now();
            const conversation: Conversation = {
                id: conversationId,
                esDeveloperName: token.esDeveloperName,
                subject: token.subject,
                routingAttributes,
                messagingSessionId: null,
                routing: null,
                closed: false,
                routedInMs: null
            };
            miaw.conversations.set(conversationId, conversation);
            startMessagingSession(emulator, miaw, conversation);
            if (conversation.routing) conversation.routedInMs = performance.now() - started;
            return { status: 201 };
        },
        { auth: false, isWrite: true }
    );
}

/** The visitor's messages and the end of the conversation. */
function messageRoutes({ emulator, miaw, count }: RouteContext): void {
    emulator.route(
        'POST',
        '/iamessage/api/v2/conversation/:conversationId/message',
        (req) => {
            count('message');
            const token = bearer(miaw, req);
            if (!token) return miawError(401, 'Unauthorized');
            const conversation = miaw.conversations.get(req.params.conversationId);
            if (!conversation || conversation.subject !== token.subject) {
                return miawError(404, 'Conversation not found.');
            }
            if (conversation.closed) return miawError(400, 'The conversation is closed.');
            const body = objectBody(req) as {
                message?: { id?: string; staticContent?: { text?: unknown } };
            };
            const text = body.message?.staticContent?.text;
            if (typeof text !== 'string' || !text) {
                return miawError(400, 'message.staticContent.text is required.');
            }
            const id = body.message?.id ?? randomUUID();
            // MIAW echoes the end user's own message on the stream, as the sample app shows.
            publishEntry(miaw, conversation, {
                identifier: id,
                entryType: 'Message',
                sender: { role: 'EndUser', appType: 'iamessage', subject: token.subject },
                senderDisplayName: token.verified ? 'Verified visitor' : 'Guest',
                entryPayload: textPayload(id, text)
            });
            return { status: 202, body: { id, timestamp: Date.now() } };
        },
        { auth: false, isWrite: true }
    );

    emulator.route(
        'DELETE',
        '/iamessage/api/v2/conversation/:conversationId',
        (req) => {
            count('close');
            const token = bearer(miaw, req);
            if (!token) return miawError(401, 'Unauthorized');
            const conversation = miaw.conversations.get(req.params.conversationId);
            if (!conversation || conversation.subject !== token.subject) {
                return miawError(404, 'Conversation not found.');
            }
            conversation.closed = true;
            // The session ends; the org's on-end automation sends the verdict it owes OpenCX.
            endMessagingSession(emulator.state, conversation.messagingSessionId ?? null);
            publishEvent(miaw, conversation.subject, 'CONVERSATION_CLOSE_CONVERSATION', {
                conversationId: conversation.id
            });
            return { status: 204 };
        },
        { auth: false, isWrite: true }
    );
}

/** The event stream: replay after Last-Event-Id, then live events and keep-alives. */
function eventStreamRoute({ emulator, miaw, count }: RouteContext): void {
    emulator.route(
        'GET',
        '/eventrouter/v1/sse',
        (req): EmulatorReply | Promise<EmulatorReply> => {
            count('sse');
            // Held until the client gives up: the server never writes a status line.
            if (miaw.stallEventStream) return new Promise<EmulatorReply>(() => {});
            const token = bearer(miaw, req);
            if (!token) return miawError(401, 'Unauthorized');
            if (req.headers['x-org-id'] !== emulator.state.orgId) {
                return miawError(400, 'The X-Org-Id header is missing or wrong.');
            }
            const after = Number(req.headers['last-event-id'] ?? 0) || 0;
            return {
                status: 200,
                headers: {
                    'content-type': 'text/event-stream',
                    'cache-control': 'no-cache',
                    connection: 'keep-alive'
                },
                stream: (response) => {
                    const client = { subject: token.subject, response };
                    for (const event of miaw.events) {
                        if (event.subject === token.subject && event.id > after) {
                            response.write(salesforceEvent(event));
                        }
                    }
                    miaw.streams.add(client);
                    const ping = setInterval(
                        () => response.write(salesforcePing()),
                        miaw.options.pingIntervalMs
                    );
                    ping.unref();
                    response.on('close', () => {
                        clearInterval(ping);
                        miaw.streams.delete(client);
                    });
                }
            };
        },
        { auth: false }
    );
}

// ---------------------------------------------------------------------------------------------
// Test hooks: what happens on the Salesforce side of a conversation.

/** A rep's reply typed in the Service Console, delivered on the visitor's stream. */
export function pushAgentReply(
    emulator: Emulator,
    conversationId: string,
    text: string,
    agentName = 'Ada Agent'
): void {
    const miaw = miawState(emulator.state);
    const conversation = miaw.conversations.get(conversationId);
    if (!conversation) throw new Error(`no conversation ${conversationId}`);
    const id = randomUUID();
    publishEntry(miaw, conversation, {
        identifier: id,
        entryType: 'Message',
        sender: { role: 'Agent', appType: 'agent', subject: '0055g00000AgentAAA' },
        senderDisplayName: agentName,
        entryPayload: textPayload(id, text)
    });
}

/** Cuts every open event stream (the client must reconnect with Last-Event-Id). */
export function dropEventStreams(emulator: Emulator): number {
    const miaw = miawState(emulator.state);
    const count = miaw.streams.size;
    for (const stream of miaw.streams) stream.response.socket?.destroy();
    miaw.streams.clear();
    return count;
}

/** The one conversation the emulator holds (tests usually create exactly one). */
export function onlyConversation(emulator: Emulator): Conversation {
    const all = [...miawState(emulator.state).conversations.values()];
    if (all.length !== 1) throw new Error(`expected one conversation, found ${all.length}`);
    return all[0];
}

/** Resolves once a conversation (matching `predicate`) exists; the client creates it after subscribing. */
export async function waitForConversation(
    emulator: Emulator,
    timeoutMs = 5000,
    predicate: (conversation: Conversation) => boolean = () => true
): Promise<Conversation> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const match = [...miawState(emulator.state).conversations.values()].find(predicate);
        if (match) return match;
        if (Date.now() > deadline) throw new Error('no matching conversation was created');
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
}

// ---------------------------------------------------------------------------------------------

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function miawError(status: number, message: string): EmulatorReply {
    return { status, body: { code: status, message } };
}

/** The shape third-party reports quote for the token endpoints' refusals. */
function badRequest(message: string): EmulatorReply {
    return { status: 400, body: { code: 'BAD_REQUEST', message } };
}

/**
 * The org's channel metadata, as a deploy of force-app leaves it, unless a test or a Metadata API
 * deploy through the emulator already put the channel there.
 */
function seedChannelMetadata(state: OrgState): void {
    const store = state.metadataOfType('MessagingChannel');
    for (const row of state.data.hasType('MessagingChannel')
        ? state.data.all('MessagingChannel')
        : []) {
        const name = String(row.DeveloperName);
        if (store.has(name)) continue;
        const config = children(readMessagingChannel(name), 'embeddedConfig')[0];
        store.set(name, { fullName: name, embeddedConfig: { authMode: text(config, 'authMode') } });
    }
}

/**
 * The routing flow reads Requires_Verified_Identity__c from the shipped rule records (see
 * miaw-routing.ts); the org's REST API must show the same field on OpenCX_Routing_Rule__mdt, as a
 * deploy of force-app leaves it, or a query of the rules would see less than the flow does.
 */
function exposeShippedRuleFields(state: OrgState): void {
    const type = 'OpenCX_Routing_Rule__mdt';
    const field = 'Requires_Verified_Identity__c';
    const schema = state.data.hasType(type) ? state.data.schema(type) : undefined;
    if (!schema || !schema.fields || schema.fields.includes(field)) return;
    state.data.define(type, { ...schema, fields: [...schema.fields, field] });
    const shipped = customMetadataSObjects(type);
    for (const row of state.data.all(type)) {
        if (typeof row[field] === 'boolean') continue;
        const value = shipped.find((rule) => rule.DeveloperName === row.DeveloperName)?.[field];
        state.data.update(type, row.Id, { [field]: value === true });
    }
}

/** True when the deployment's channel has user verification on (embeddedConfig authMode Auth). */
export function channelVerifiesUsers(state: OrgState, esDeveloperName: string): boolean {
    const channel = deploymentChannel(esDeveloperName)?.channel ?? '';
    const component = state.metadataOfType('MessagingChannel').get(channel);
    const config = component?.embeddedConfig as { authMode?: unknown } | undefined;
    return config?.authMode === 'Auth';
}

/**
 * Test hook: switches the channel's user verification, as an admin does in Setup or a deploy of
 * the other mode does ('Auth' = verified; 'UnAuth' = open).
 */
export function setChannelAuthMode(
    emulator: Emulator,
    authMode: 'Auth' | 'UnAuth',
    channelName = 'OpenCX_Messaging'
): void {
    const store = emulator.state.metadataOfType('MessagingChannel');
    const current = store.get(channelName) ?? { fullName: channelName };
    const config = (current.embeddedConfig ?? {}) as Record<string, unknown>;
    store.set(channelName, { ...current, embeddedConfig: { ...config, authMode } });
}

/** Test hook: the event stream never answers (hung server) until set back to false. */
export function stallEventStreams(emulator: Emulator, stalled = true): void {
    miawState(emulator.state).stallEventStream = stalled;
}

function objectBody(req: EmulatorRequest): Record<string, unknown> {
    return req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
}

function stringRecord(value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (!value || typeof value !== 'object') return out;
    for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
        if (raw !== undefined && raw !== null) out[key] = String(raw);
    }
    return out;
}

function bearer(miaw: MiawState, req: EmulatorRequest): MiawToken | undefined {
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    return token ? miaw.tokens.get(token) : undefined;
}

function issueToken(
    miaw: MiawState,
    state: OrgState,
    esDeveloperName: string,
    verifiedSub: string | null
): EmulatorReply {
    const subject = verifiedSub
        ? `v2/iamessage/AUTH/${miaw.options.keysetName}/uid:${verifiedSub}`
        : `v2/iamessage/UNAUTH/NA/uid:${randomUUID()}`;
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub: subject, orgId: state.orgId, jti: randomUUID() })}.emulator`;
    miaw.tokens.set(token, { token, subject, verified: verifiedSub !== null, esDeveloperName });
    return {
        status: 200,
        body: {
            accessToken: token,
            lastEventId: String(miaw.nextEventId),
            context: {
                endUser: { subject },
                deviceId: randomUUID(),
                configuration: deploymentConfiguration(state, esDeveloperName)
            }
        }
    };
}

function publishEvent(miaw: MiawState, subject: string, type: string, data: unknown): void {
    miaw.nextEventId += 1;
    const event: StoredEvent = { id: miaw.nextEventId, subject, type, data: JSON.stringify(data) };
    miaw.events.push(event);
    const wire = salesforceEvent(event);
    for (const stream of miaw.streams) {
        if (stream.subject === subject) stream.response.write(wire);
    }
}

function publishEntry(
    miaw: MiawState,
    conversation: Conversation,
    entry: {
        identifier: string;
        entryType: string;
        sender: { role: string; appType: string; subject: string };
        senderDisplayName: string;
        entryPayload: Record<string, unknown>;
    }
): void {
    const type =
        entry.entryType === 'Message'
            ? 'CONVERSATION_MESSAGE'
            : entry.entryType === 'RoutingResult'
              ? 'CONVERSATION_ROUTING_RESULT'
              : 'CONVERSATION_PARTICIPANT_CHANGED';
    publishEvent(miaw, conversation.subject, type, {
        conversationId: conversation.id,
        conversationEntry: {
            ...entry,
            entryPayload: JSON.stringify(entry.entryPayload),
            transcriptedTimestamp: Date.now(),
            clientTimestamp: Date.now()
        }
    });
}

function textPayload(id: string, text: string): Record<string, unknown> {
    return {
        entryType: 'Message',
        id,
        abstractMessage: {
            messageType: 'StaticContentMessage',
            id,
            staticContent: { formatType: 'Text', text }
        }
    };
}

/** Creates the MessagingSession of a new conversation and lets the channel's flow route it. */
function startMessagingSession(
    emulator: Emulator,
    miaw: MiawState,
    conversation: Conversation
): void {
    const outcome = routeMessagingSession(
        emulator.state,
        conversation.esDeveloperName,
        conversation.routingAttributes,
        conversation.subject
    );
    conversation.routing = outcome;
    conversation.messagingSessionId = outcome.messagingSessionId;
    if (!outcome.messagingSessionId) return; // the channel is not active: nothing lands
    publishEntry(miaw, conversation, {
        identifier: randomUUID(),
        entryType: 'RoutingResult',
        sender: { role: 'System', appType: 'conversation', subject: '0055g00000IntegAAA' },
        senderDisplayName: 'Platform Integration User',
        entryPayload: {
            entryType: 'RoutingResult',
            recordId: outcome.messagingSessionId,
            pendingServiceRoutingId: outcome.pendingServiceRoutingId,
            routingType: 'Initial',
            failureType: outcome.queueId ? 'None' : 'RoutingError',
            failureReason: outcome.failure ?? '',
            isExternallyRouted: false,
            routingConfigurationDetails: outcome.queueId
                ? { routingConfigurationType: 'QueueRoutingType', queueId: outcome.queueId }
                : undefined
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Deployment and keys, read from the emulator's org state (and the project's deployment XML for
// its form fields, which the seed does not copy into the Tooling record).

export interface DeploymentInfo {
    developerName: string;
    published: boolean;
    messagingChannel: string;
    hiddenFields: string[];
    displayContext: string;
}

/** A deployment the org has (Tooling EmbeddedServiceConfig), null when there is none. */
export function findDeployment(state: OrgState, developerName: string): DeploymentInfo | null {
    const record = state.tooling.hasType('EmbeddedServiceConfig')
        ? state.tooling
              .all('EmbeddedServiceConfig')
              .find((row) => row.DeveloperName === developerName)
        : undefined;
    if (!record || record.IsEnabled === false) return null;
    const details = deploymentChannel(developerName);
    return {
        developerName,
        published: (state.publishedDeployments.get(record.Id) ?? 0) > 0,
        messagingChannel: details?.channel ?? '',
        hiddenFields: details?.hiddenFields ?? [],
        displayContext: details?.displayContext ?? 'Conversation'
    };
}

function deploymentProblem(
    state: OrgState,
    orgId: unknown,
    esDeveloperName: unknown
): string | null {
    if (typeof orgId !== 'string' || orgId.slice(0, 15) !== state.orgId.slice(0, 15)) {
        return `Invalid orgId: ${String(orgId)}`;
    }
    const deployment = findDeployment(state, String(esDeveloperName ?? ''));
    if (!deployment) return `No Embedded Service deployment named ${String(esDeveloperName)}.`;
    if (!deployment.published)
        return `The Embedded Service deployment ${String(esDeveloperName)} isn't published.`;
    return null;
}

function deploymentConfiguration(
    state: OrgState,
    esDeveloperName: string
): Record<string, unknown> {
    const deployment = findDeployment(state, esDeveloperName);
    return {
        name: esDeveloperName,
        deploymentType: 'API',
        embeddedServiceMessagingChannel: {
            channelAddressIdentifier: deployment?.messagingChannel ?? ''
        },
        forms: deployment
            ? [
                  {
                      formType: 'PreChat',
                      displayContext: deployment.displayContext,
                      formFields: [],
                      hiddenFormFields: deployment.hiddenFields.map((name, order) => ({
                          name,
                          order
                      }))
                  }
              ]
            : []
    };
}

/** Checks an identity token as Salesforce does: kid → key of the keyset, RS256/RS512, iss, exp. */
async function verifyIdentityToken(
    state: OrgState,
    keysetName: string,
    token: string
): Promise<{ ok: true; subject: string } | { ok: false; reason: string }> {
    const keyset = state.metadataOfType('PublicKeyCertificateSet').get(keysetName);
    if (!keyset) return { ok: false, reason: `no keyset ${keysetName}` };
    let kid: string | undefined;
    try {
        kid = decodeProtectedHeader(token).kid;
    } catch {
        return { ok: false, reason: 'the identity token is not a JWT' };
    }
    const jwk = keysetJwks(state, keyset).find((key) => key.kid === kid);
    if (!jwk) return { ok: false, reason: `no key with kid ${String(kid)} in ${keysetName}` };
    try {
        const alg = jwk.alg ?? 'RS256';
        const key = jwk.x5c?.[0]
            ? await importX509(
                  `-----BEGIN CERTIFICATE-----\n${jwk.x5c[0]}\n-----END CERTIFICATE-----`,
                  alg
              )
            : await importJWK(jwk, alg);
        const { payload } = await jwtVerify(token, key, {
            algorithms: ['RS256', 'RS512'],
            issuer: String(keyset.jwtIssuer ?? '')
        });
        if (!payload.sub) return { ok: false, reason: 'the identity token has no sub' };
        return { ok: true, subject: payload.sub };
    } catch (error) {
        return { ok: false, reason: (error as Error).message };
    }
}

/** The active JWKs of a keyset: each publicKeyCertificateSetKeys entry names a PublicKeyCertificate. */
function keysetJwks(
    state: OrgState,
    keyset: Record<string, unknown>
): (JWK & { kid?: string; x5c?: string[] })[] {
    const certificates = state.metadataOfType('PublicKeyCertificate');
    return asArray(keyset.publicKeyCertificateSetKeys).flatMap((entry) => {
        const name = (entry as { publicKeyCertificate?: string })?.publicKeyCertificate;
        const certificate = name ? certificates.get(name) : undefined;
        if (!certificate || String(certificate.isActive) === 'false') return [];
        try {
            return [
                JSON.parse(String(certificate.jsonWebKey)) as JWK & { kid?: string; x5c?: string[] }
            ];
        } catch {
            return [];
        }
    });
}

function asArray(value: unknown): unknown[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}

// A Messaging for In-App and Web (MIAW) REST client that talks to Salesforce exactly as a custom
// client (OpenCX) does. Where each shape comes from, and how sure we are:
//
// - Salesforce-Async-Messaging/messaging-web-api-sample-app (Salesforce's own custom-client sample):
//   src/services/messagingService.js: POST {host}/iamessage/api/v2/authorization/unauthenticated/
//   access-token with {orgId, esDeveloperName, capabilitiesVersion: '1', platform: 'Web'}; POST
//   /iamessage/api/v2/conversation with {conversationId, esDeveloperName, routingAttributes}; POST
//   /iamessage/api/v2/conversation/{id}/message with {message: {id, messageType:
//   'StaticContentMessage', staticContent: {formatType: 'Text', text}}, esDeveloperName};
//   DELETE /iamessage/api/v2/conversation/{id}?esDeveloperName=; every call after the token sends
//   `Authorization: Bearer <accessToken>`. src/services/eventSourceService.js: GET {host}/
//   eventrouter/v1/sse with Authorization, X-Org-ID and Last-Event-ID headers.
//   src/helpers/constants.js: event names CONVERSATION_MESSAGE, CONVERSATION_PARTICIPANT_CHANGED,
//   CONVERSATION_ROUTING_RESULT, CONVERSATION_CLOSE_CONVERSATION (and delivery/read acks); entry
//   types Message, ParticipantChanged, RoutingResult; roles EndUser, Agent, Chatbot, System; the
//   messaging host ends in salesforce-scrt.com; org ids start 00D.
//   src/helpers/conversationEntryUtil.js: event data is JSON {conversationId, conversationEntry:
//   {identifier, sender: {role, subject, appType}, senderDisplayName, entryType, entryPayload (a
//   JSON *string*: {entryType, abstractMessage: {messageType, staticContent: {text}}}),
//   transcriptedTimestamp}}. src/example.json: a RoutingResult payload (failureType 'None',
//   routingType 'Initial', recordId of the session, routingConfigurationDetails.queueId) and
//   an unauthenticated subject `v2/iamessage/UNAUTH/NA/uid:<uuid>`. Sure: this is Salesforce's code.
// - The authenticated token: the sample app has no call for it; public custom clients (found with
//   the code search: `authorization/authenticated/access-token`) all send the unauthenticated body
//   plus {authorizationType: 'JWT', customerIdentityToken}; a generated client of Salesforce's
//   Postman collection names the same path ("Generates an access token ... authenticated user").
//   The token response {accessToken, lastEventId, context: {endUser: {subject}}} is from the same
//   clients. Fairly sure.
// - A bad identity token (wrong key, unknown kid, wrong issuer, expired): a third-party field
//   report (an "Agent API verified user" setup guide, tested against a live org 2026-02) says the
//   authenticated endpoint still answers 200 and silently issues a guest token, so the subject
//   lacks the /AUTH/ segment. Salesforce's help ("Troubleshooting User Verification") does not say
//   which status is returned. Not sure: this client treats both a 4xx and a non-AUTH subject as
//   "the identity token was not verified" (see accessTokenIsVerified).
// - GET {host}/embeddedservice/v1/embedded-service-config?orgId=&esConfigName=&language= is what
//   Salesforce's own bootstrap script loads first; it fails (400) for a name that is not a
//   published deployment (seen in public setup scripts). Sure of the path, fairly sure of the
//   status; the command only relies on "not 2xx".
// - The messaging host is https://<my-domain>.my.salesforce-scrt.com (sandbox: <my-domain>--<sbx>
//   .sandbox.my.salesforce-scrt.com): the sample app's URL check and public clients. Sure for
//   My Domain orgs.
import { ServerSentEventParser, type ServerSentEvent } from './sse.ts';
import type { SubjectKind } from '../lib/rehearsal-verdict.ts';

export interface MiawEndpoint {
    /** e.g. https://acme.my.salesforce-scrt.com (no trailing slash). */
    messagingHost: string;
    orgId: string;
    esDeveloperName: string;
}

export interface AccessTokenResponse {
    accessToken: string;
    lastEventId?: string;
    context?: {
        endUser?: { subject?: string };
        deviceId?: string;
        configuration?: unknown;
    };
}

/**
 * unreachable: no answer (network, deadline); http: a non-2xx status; protocol: a 2xx answer
 * without what the call needs; unreadable: an answer that is not the JSON the API returns (an HTML
 * sign-in or maintenance page, a proxy's text, JSON of the wrong shape).
 */
export type MiawErrorKind = 'unreachable' | 'http' | 'protocol' | 'unreadable';

export class MiawError extends Error {
    constructor(
        message: string,
        readonly kind: MiawErrorKind,
        readonly operation: string,
        readonly status?: number,
        readonly body?: string
    ) {
        super(message);
        this.name = 'MiawError';
    }
}

export interface MiawClientOptions {
    /** Per-request deadline of REST calls. */
    timeoutMs?: number;
    /** Deadline for the event stream's status and headers, per connection. */
    streamConnectTimeoutMs?: number;
    /** A stream silent this long (no event, no keep-alive) is treated as dropped. */
    streamIdleTimeoutMs?: number;
    /** Identifies the client in the token request (Salesforce records it on the session). */
    appName?: string;
    clientVersion?: string;
    fetch?: typeof fetch;
}

const CAPABILITIES_VERSION = '1';
const PLATFORM = 'Web';

export class MiawClient {
    private readonly timeoutMs: number;
    private readonly fetchImpl: typeof fetch;
    /** REST calls made, by operation (benchmarks and tests count them). */
    readonly calls: Record<string, number> = {};

    constructor(
        readonly endpoint: MiawEndpoint,
        private readonly options: MiawClientOptions = {}
    ) {
        this.timeoutMs = options.timeoutMs ?? 15_000;
        this.fetchImpl = options.fetch ?? fetch;
    }

    /** The deployment's published configuration; fails when the ES name is not a deployment. */
    async getDeploymentConfiguration(language = 'en_US'): Promise<DeploymentConfiguration> {
        const query = new URLSearchParams({
            orgId: this.endpoint.orgId,
            esConfigName: this.endpoint.esDeveloperName,
            language
        });
        const body = await this.request(
            'deployment configuration',
            'GET',
            `/embeddedservice/v1/embedded-service-config?${query}`,
            { expectJson: true }
        );
        return readDeploymentConfiguration(body);
    }

    async getUnauthenticatedAccessToken(): Promise<AccessTokenResponse> {
        return this.tokenRequest(
            'unauthenticated access token',
            '/iamessage/api/v2/authorization/unauthenticated/access-token',
            {}
        );
    }

    async getAuthenticatedAccessToken(customerIdentityToken: string): Promise<AccessTokenResponse> {
        return this.tokenRequest(
            'authenticated access token',
            '/iamessage/api/v2/authorization/authenticated/access-token',
            { authorizationType: 'JWT', customerIdentityToken }
        );
    }

    async createConversation(
        accessToken: string,
        conversationId: string,
        routingAttributes: Record<string, string>
    ): Promise<void> {
        await this.request('create conversation', 'POST', '/iamessage/api/v2/conversation', {
            accessToken,
            json: {
                conversationId,
                esDeveloperName: this.endpoint.esDeveloperName,
                routingAttributes
            }
        });
    }

    async sendTextMessage(
        accessToken: string,
        conversationId: string,
        messageId: string,
        text: string
    ): Promise<void> {
        await this.request(
            'send message',
            'POST',
            `/iamessage/api/v2/conversation/${encodeURIComponent(conversationId)}/message`,
            {
                accessToken,
                json: {
                    message: {
                        id: messageId,
                        messageType: 'StaticContentMessage',
                        staticContent: { formatType: 'Text', text }
                    },
                    esDeveloperName: this.endpoint.esDeveloperName
                }
            }
        );
    }

    async closeConversation(accessToken: string, conversationId: string): Promise<void> {
        const query = new URLSearchParams({ esDeveloperName: this.endpoint.esDeveloperName });
        await this.request(
            'close conversation',
            'DELETE',
            `/iamessage/api/v2/conversation/${encodeURIComponent(conversationId)}?${query}`,
            { accessToken }
        );
    }

    /**
     * Opens the server-sent events stream and keeps it open (reconnecting with Last-Event-Id after
     * a dropped connection) until close() is called. `ready` settles when the first connection is
     * answered: subscribe before creating the conversation, or early events are lost.
     */
    subscribe(
        accessToken: string,
        handlers: {
            lastEventId?: string;
            onEvent: (event: ServerSentEvent) => void;
            onReconnect?: (attempt: number, error: Error) => void;
        },
        options: { maxReconnects?: number; reconnectDelayMs?: number } = {}
    ): EventSubscription {
        return new EventSubscription(
            this.fetchImpl,
            `${this.endpoint.messagingHost}/eventrouter/v1/sse`,
            { accessToken, orgId: this.endpoint.orgId },
            handlers,
            {
                connectTimeoutMs: this.options.streamConnectTimeoutMs,
                idleTimeoutMs: this.options.streamIdleTimeoutMs,
                ...options
            }
        );
    }

    private async tokenRequest(
        operation: string,
        path: string,
        extra: Record<string, string>
    ): Promise<AccessTokenResponse> {
        const body = await this.request(operation, 'POST', path, {
            expectJson: true,
            json: {
                orgId: this.endpoint.orgId,
                esDeveloperName: this.endpoint.esDeveloperName,
                capabilitiesVersion: CAPABILITIES_VERSION,
                platform: PLATFORM,
                context: {
                    appName: this.options.appName ?? 'opencx-handoff-rehearsal',
                    clientVersion: this.options.clientVersion ?? '1.0.0'
                },
                ...extra
            }
        });
        return readAccessToken(body, operation);
    }

    private async request(
        operation: string,
        method: string,
        path: string,
        options: { accessToken?: string; json?: unknown; expectJson?: boolean } = {}
    ): Promise<unknown> {
        this.calls[operation] = (this.calls[operation] ?? 0) + 1;
        const url = `${this.endpoint.messagingHost}${path}`;
        const headers: Record<string, string> = { Accept: 'application/json' };
        if (options.json !== undefined) headers['Content-Type'] = 'application/json';
        if (options.accessToken) headers.Authorization = `Bearer ${options.accessToken}`;
        let response: Response;
        try {
            response = await this.fetchImpl(url, {
                method,
                headers,
                body: options.json === undefined ? undefined : JSON.stringify(options.json),
                signal: AbortSignal.timeout(this.timeoutMs)
            });
        } catch (error) {
            throw new MiawError(
                `${operation}: cannot reach the messaging host ${this.endpoint.messagingHost} (${networkReason(error)})`,
                'unreachable',
                operation
            );
        }
        let text: string;
        try {
            text = await response.text();
        } catch (error) {
            throw new MiawError(
                `${operation}: the answer from ${this.endpoint.messagingHost} broke off (${networkReason(error)})`,
                'unreachable',
                operation
            );
        }
        if (!response.ok) {
            throw new MiawError(
                `${operation}: HTTP ${response.status}${errorDetail(text)}`,
                'http',
                operation,
                response.status,
                text
            );
        }
        if (!text && !options.expectJson) return undefined;
        try {
            return JSON.parse(text) as unknown;
        } catch {
            // A success without a JSON body (202 on some calls) is still a success; a call whose
            // answer is read (configuration, token) fails by name.
            if (!options.expectJson) return undefined;
            throw new MiawError(
                `${operation}: HTTP ${response.status} with ${describeText(text)}, not the JSON the messaging API answers`,
                'unreadable',
                operation,
                response.status,
                text
            );
        }
    }
}

function unreadable(operation: string, what: string): MiawError {
    return new MiawError(`${operation}: ${what}`, 'unreadable', operation);
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The configuration, checked field by field: a wrong shape is named, never a TypeError later. */
export function readDeploymentConfiguration(body: unknown): DeploymentConfiguration {
    const operation = 'deployment configuration';
    if (!isObject(body)) throw unreadable(operation, 'the answer is not a JSON object');
    const forms = body.forms ?? [];
    if (!Array.isArray(forms)) throw unreadable(operation, '"forms" is not a list');
    for (const form of forms) {
        if (!isObject(form)) throw unreadable(operation, 'a form is not an object');
        for (const key of ['formFields', 'hiddenFormFields'] as const) {
            const fields = form[key] ?? [];
            if (!Array.isArray(fields) || !fields.every((field) => isObject(field))) {
                throw unreadable(operation, `"${key}" of a form is not a list of fields`);
            }
            if (fields.some((field) => typeof field.name !== 'string')) {
                throw unreadable(operation, `a field of "${key}" has no name`);
            }
        }
    }
    return body as DeploymentConfiguration;
}

/** The token answer, checked: a string token, a string subject and event id when present. */
export function readAccessToken(body: unknown, operation: string): AccessTokenResponse {
    if (!isObject(body) || typeof body.accessToken !== 'string' || !body.accessToken) {
        throw new MiawError(`${operation}: the response has no accessToken`, 'protocol', operation);
    }
    const context = isObject(body.context) ? body.context : undefined;
    const endUser = isObject(context?.endUser) ? context.endUser : undefined;
    const subject = endUser?.subject;
    if (subject !== undefined && typeof subject !== 'string') {
        throw unreadable(operation, 'context.endUser.subject is not text');
    }
    const lastEventId = body.lastEventId;
    if (lastEventId !== undefined && !['string', 'number'].includes(typeof lastEventId)) {
        throw unreadable(operation, 'lastEventId is not text');
    }
    return {
        accessToken: body.accessToken,
        lastEventId: lastEventId === undefined ? undefined : String(lastEventId),
        context: { ...(context ?? {}), endUser: subject === undefined ? undefined : { subject } }
    };
}

/** What a non-JSON answer looks like, in a few words ("an HTML page (title: Maintenance)"). */
export function describeText(text: string): string {
    const trimmed = text.trim();
    if (!trimmed) return 'an empty body';
    if (/^<(!doctype html|html|head|body)\b/i.test(trimmed) || /<\/html>\s*$/i.test(trimmed)) {
        const title = /<title[^>]*>([^<]{1,80})</i.exec(trimmed)?.[1]?.trim();
        const body = trimmed
            .replace(/<[^>]*>/g, ' ')
            .replace(/\s+/g, ' ')
            .trim()
            .slice(0, 80);
        return `an HTML page (${title ? `title: ${title}` : body || 'no text'})`;
    }
    return `text that starts "${trimmed.slice(0, 60)}"`;
}

/** The parts of the deployment configuration this client reads. */
export interface DeploymentConfiguration {
    name?: string;
    deploymentType?: string;
    forms?: {
        formType?: string;
        displayContext?: string;
        formFields?: { name: string; isHidden?: boolean }[];
        hiddenFormFields?: { name: string }[];
    }[];
}

/** Names of the hidden pre-chat fields: the only routing attributes MIAW accepts from a client. */
export function hiddenPrechatFieldNames(configuration: DeploymentConfiguration): string[] {
    const names = new Set<string>();
    for (const form of configuration.forms ?? []) {
        for (const field of form.hiddenFormFields ?? []) names.add(field.name);
        for (const field of form.formFields ?? []) if (field.isHidden) names.add(field.name);
    }
    return [...names];
}

/**
 * True when Salesforce verified the identity token: the end user's subject carries the AUTH
 * segment (v2/iamessage/AUTH/<keyset>/uid:<sub>); a guest token carries UNAUTH (or ANON).
 */
export function accessTokenIsVerified(response: AccessTokenResponse): boolean {
    return subjectKindOf(response) === 'AUTH';
}

/** AUTH (verified), UNAUTH or ANON (guest) from the token's subject; null when it has none. */
export function subjectKindOf(response: AccessTokenResponse): SubjectKind | null {
    const subject = response.context?.endUser?.subject ?? subjectFromJwt(response.accessToken);
    const kind = subject ? /(?:^|\/)(AUTH|UNAUTH|ANON)\//.exec(subject)?.[1] : undefined;
    return (kind as SubjectKind | undefined) ?? null;
}

function subjectFromJwt(token: string): string | undefined {
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    try {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
            sub?: unknown;
        };
        return typeof claims.sub === 'string' ? claims.sub : undefined;
    } catch {
        return undefined;
    }
}

/** One conversation entry from a CONVERSATION_* event, flattened for printing. */
export interface ConversationEntry {
    eventType: string;
    eventId: string;
    conversationId: string;
    entryId: string;
    entryType: string;
    senderRole: string;
    senderName: string;
    /** Message text (Message entries with static text content). */
    text?: string;
    /** Milliseconds since the epoch. */
    timestamp?: number;
    payload: Record<string, unknown>;
}

/** Parses a CONVERSATION_* event; null for keep-alives and events that are not entries. */
export function parseConversationEvent(event: ServerSentEvent): ConversationEntry | null {
    if (!event.type.startsWith('CONVERSATION_')) return null;
    let data: unknown;
    try {
        data = JSON.parse(event.data) as unknown;
    } catch {
        throw new MiawError(
            `event ${event.type} (id ${event.lastEventId}) carries data that is not JSON`,
            'unreadable',
            'event stream'
        );
    }
    if (!isObject(data) || !isObject(data.conversationEntry)) return null;
    const entry = data.conversationEntry;
    let rawPayload: unknown = entry.entryPayload ?? {};
    if (typeof rawPayload === 'string') {
        try {
            rawPayload = JSON.parse(rawPayload) as unknown;
        } catch {
            rawPayload = null;
        }
    }
    if (!isObject(rawPayload)) {
        throw new MiawError(
            `event ${event.type} (id ${event.lastEventId}) carries an entryPayload that is not a JSON object`,
            'unreadable',
            'event stream'
        );
    }
    const payload = rawPayload as {
        entryType?: string;
        abstractMessage?: { staticContent?: { formatType?: string; text?: string } };
    } & Record<string, unknown>;
    const staticContent = isObject(payload.abstractMessage)
        ? (payload.abstractMessage.staticContent as { text?: unknown } | undefined)
        : undefined;
    const sender = isObject(entry.sender) ? entry.sender : {};
    const textOf = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return {
        eventType: event.type,
        eventId: event.lastEventId,
        conversationId: textOf(data.conversationId) ?? '',
        entryId: textOf(entry.identifier) ?? '',
        entryType: textOf(entry.entryType) ?? textOf(payload.entryType) ?? '',
        senderRole: textOf(sender.role) ?? '',
        senderName: textOf(entry.senderDisplayName) ?? textOf(sender.role) ?? '',
        text: isObject(staticContent) ? textOf(staticContent.text) : undefined,
        timestamp:
            typeof entry.transcriptedTimestamp === 'number'
                ? entry.transcriptedTimestamp
                : undefined,
        payload
    };
}

export class EventSubscription {
    /** Settles when the first connection is answered (rejects when it is refused). */
    readonly ready: Promise<void>;
    /** Settles when the stream ends for good (close(), or reconnects exhausted). */
    readonly done: Promise<void>;
    lastEventId: string;
    reconnects = 0;
    eventsReceived = 0;
    private readonly controller = new AbortController();
    private closed = false;

    constructor(
        private readonly fetchImpl: typeof fetch,
        private readonly url: string,
        private readonly auth: { accessToken: string; orgId: string },
        private readonly handlers: {
            lastEventId?: string;
            onEvent: (event: ServerSentEvent) => void;
            onReconnect?: (attempt: number, error: Error) => void;
        },
        private readonly options: {
            maxReconnects?: number;
            reconnectDelayMs?: number;
            connectTimeoutMs?: number;
            idleTimeoutMs?: number;
        }
    ) {
        this.lastEventId = handlers.lastEventId ?? '';
        let markReady: () => void = () => {};
        let failReady: (error: Error) => void = () => {};
        this.ready = new Promise<void>((resolve, reject) => {
            markReady = resolve;
            failReady = reject;
        });
        this.ready.catch(() => {});
        this.done = this.run(markReady, failReady);
        this.done.catch(() => {});
    }

    close(): void {
        this.closed = true;
        this.controller.abort();
    }

    private async run(markReady: () => void, failReady: (error: Error) => void): Promise<void> {
        const maxReconnects = this.options.maxReconnects ?? 5;
        let connected = false;
        let consecutiveFailures = 0;
        while (!this.closed) {
            try {
                await this.connectOnce(() => {
                    connected = true;
                    consecutiveFailures = 0;
                    markReady();
                });
                if (this.closed) return;
                throw new Error('the server closed the stream');
            } catch (error) {
                if (this.closed) return;
                const failure = error instanceof Error ? error : new Error(String(error));
                if (failure instanceof MiawError && failure.kind === 'http') {
                    // Refused (401 expired token, 400 bad headers): reconnecting cannot help.
                    failReady(failure);
                    throw failure;
                }
                if (!connected) {
                    failReady(failure);
                    throw failure;
                }
                consecutiveFailures += 1;
                if (consecutiveFailures > maxReconnects) throw failure;
                this.reconnects += 1;
                this.handlers.onReconnect?.(this.reconnects, failure);
                const delay = (this.options.reconnectDelayMs ?? 500) * consecutiveFailures;
                await new Promise((resolve) => setTimeout(resolve, delay));
            }
        }
    }

    private async connectOnce(onOpen: () => void): Promise<void> {
        // One watch per connection: close() aborts it, and so do the two deadlines (no status and
        // headers in time; no byte at all, not even a keep-alive, for too long).
        const watch = new ConnectionWatch(this.controller.signal);
        try {
            const connectTimeoutMs = this.options.connectTimeoutMs ?? 10_000;
            watch.arm(
                `no answer within ${Math.round(connectTimeoutMs / 1000)} s`,
                connectTimeoutMs
            );
            const response = await this.fetchStream(watch);
            onOpen();
            await this.readEvents(response.body!, watch);
        } finally {
            watch.dispose();
        }
    }

    private async fetchStream(watch: ConnectionWatch): Promise<Response> {
        const headers: Record<string, string> = {
            Accept: 'text/event-stream',
            Authorization: `Bearer ${this.auth.accessToken}`,
            'X-Org-Id': this.auth.orgId
        };
        if (this.lastEventId) headers['Last-Event-Id'] = this.lastEventId;
        let response: Response;
        try {
            response = await this.fetchImpl(this.url, { headers, signal: watch.signal });
        } catch (error) {
            throw new MiawError(
                `event stream: cannot reach ${new URL(this.url).origin} (${watch.missed || networkReason(error)})`,
                'unreachable',
                'event stream'
            );
        }
        watch.disarm();
        if (!response.ok || !response.body) {
            const text = await response.text().catch(() => '');
            throw new MiawError(
                `event stream: HTTP ${response.status}${errorDetail(text)}`,
                'http',
                'event stream',
                response.status,
                text
            );
        }
        return response;
    }

    /** Reads events until the stream ends; a fresh parser per connection drops a half event. */
    private async readEvents(
        body: ReadableStream<Uint8Array>,
        watch: ConnectionWatch
    ): Promise<void> {
        const parser = new ServerSentEventParser(this.lastEventId);
        const reader = body.getReader();
        const idleTimeoutMs = this.options.idleTimeoutMs ?? 60_000;
        const idle = `silent for ${Math.round(idleTimeoutMs / 1000)} s`;
        try {
            for (;;) {
                watch.arm(idle, idleTimeoutMs);
                let chunk: Awaited<ReturnType<typeof reader.read>>;
                try {
                    chunk = await reader.read();
                } catch (error) {
                    throw new Error(watch.missed || networkReason(error));
                }
                if (chunk.done) break;
                for (const event of parser.push(chunk.value)) {
                    this.lastEventId = event.lastEventId;
                    this.eventsReceived += 1;
                    this.handlers.onEvent(event);
                }
                this.lastEventId = parser.lastEventId;
            }
        } finally {
            parser.end();
            reader.releaseLock();
        }
    }
}

/** An abort signal for one connection, tied to the subscription's and to a resettable deadline. */
class ConnectionWatch {
    private readonly controller = new AbortController();
    private timer: NodeJS.Timeout | undefined;
    private readonly abort = () => this.controller.abort();
    /** What deadline was missed ('' while none). */
    missed = '';

    constructor(private readonly parent: AbortSignal) {
        parent.addEventListener('abort', this.abort, { once: true });
    }

    get signal(): AbortSignal {
        return this.controller.signal;
    }

    arm(what: string, ms: number): void {
        this.disarm();
        this.timer = setTimeout(() => {
            this.missed = what;
            this.controller.abort();
        }, ms);
    }

    disarm(): void {
        clearTimeout(this.timer);
    }

    dispose(): void {
        this.disarm();
        this.parent.removeEventListener('abort', this.abort);
        this.controller.abort();
    }
}

function networkReason(error: unknown): string {
    const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
    if (cause?.code) return cause.code;
    if ((error as Error)?.name === 'TimeoutError') return 'timed out';
    return (error as Error)?.message ?? String(error);
}

function errorDetail(text: string): string {
    if (!text) return '';
    try {
        const parsed = JSON.parse(text) as { message?: string; error?: string } | unknown[];
        const first = Array.isArray(parsed) ? (parsed[0] as { message?: string }) : parsed;
        const message = first?.message ?? (first as { error?: string })?.error;
        if (message) return `: ${message}`;
    } catch {
        // not JSON: show the start of the text
    }
    return `: ${text.slice(0, 200)}`;
}

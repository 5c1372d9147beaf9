/**
 * Salesforce API emulator: a real HTTP server on 127.0.0.1 (random port) that tests and benchmarks
 * talk to through real jsforce, with an in-memory org (state.ts), a call log and fault injection.
 *
 * Routes come from modules. A module is a function that receives the emulator and registers its
 * handlers; the org state is one shared object (`emulator.state`):
 *
 *     import type { EmulatorModule } from '../server.ts';
 *     export const miawRoutes: EmulatorModule = (emulator) => {
 *         const conversations = emulator.state.extension('miaw', () => new Map<string, Conv>());
 *         emulator.route('POST', '/iamessage/api/v2/conversation', (req) => {
 *             conversations.set(...);
 *             return { status: 201, body: { ... } };
 *         }, { isWrite: true, auth: false });
 *     };
 *
 *     const emulator = await startEmulator({ modules: [miawRoutes] });   // index.ts
 *
 * - Patterns are paths with `:name` segments (`:version` is a v66.0-style segment) or a RegExp;
 *   `req.params` holds the matches, `req.query` the query string, `req.body` the parsed JSON body
 *   (or the raw text for XML), `req.rawBody` the raw text.
 * - A handler returns { status, body?, headers?, stream? }: an object body is sent as JSON, a string
 *   as is (set content-type yourself for XML); `stream(response)` keeps the response open (SSE).
 *   Throw RecordError for a REST error reply.
 * - `isWrite` (boolean or a function of the request) marks calls that change org state; the call log
 *   and the write-based faults count them. `auth: false` skips the Bearer/SOAP session check.
 * - Records: `state.data` (data API) and `state.tooling` (Tooling API) are RecordStores; define a type
 *   with `store.define(type, schema)` before inserting. Metadata API components: `state.metadata`.
 *   Module-private state: `state.extension(name, create)`.
 * - Faults: `emulator.injectFault({ on: { write: 3 }, effect: { status: 500 } })`; triggers
 *   { write: k } (k-th write, 1-based), { call: n }, { path: /regex/, method? }; effects
 *   { status, body? }, { drop: 'before' | 'after' } (socket destroyed before or after the handler
 *   ran), { delayMs }, { expireSession: true } (401 from then on, like an expired `sf` login),
 *   { hang: true } (never answers, not even headers: a hung server), { status, body, headers } with a
 *   string body for HTML error pages or malformed JSON.
 * - A request URI longer than 16,384 bytes gets HTTP 431, as Salesforce documents for REST.
 * - Call log: `emulator.calls` (method, path, isWrite, status); `writeCount()`, `callCount()`,
 *   `resetLog()`. A composite request is one call (as Salesforce counts it); its subrequests are
 *   dispatched internally through the same routes with `emulator.dispatch()`.
 */
import {
    createServer,
    type IncomingHttpHeaders,
    type Server,
    type ServerResponse
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { OrgState, RecordError } from './state.ts';

export interface EmulatorRequest {
    method: string;
    path: string;
    query: URLSearchParams;
    params: Record<string, string>;
    headers: IncomingHttpHeaders;
    rawBody: string;
    /** Bytes of the request line's URI (path and query, as sent). */
    uriLength: number;
    /** Parsed JSON when the body is JSON, otherwise the raw text (undefined when empty). */
    body: unknown;
}

export interface EmulatorReply {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
    /**
     * A streaming reply (server-sent events): called with the open response after the status and
     * headers are written; the handler writes to it and it stays open until the client goes.
     */
    stream?: (response: ServerResponse) => void;
}

export type RouteHandler = (
    req: EmulatorRequest,
    emulator: Emulator
) => EmulatorReply | Promise<EmulatorReply>;

export interface RouteOptions {
    isWrite?: boolean | ((req: EmulatorRequest) => boolean);
    /** Default true: the request must carry the org's session (Bearer header or SOAP sessionId). */
    auth?: boolean;
}

export type EmulatorModule = (emulator: Emulator) => void;

export interface CallRecord {
    method: string;
    path: string;
    isWrite: boolean;
    status: number;
}

export type FaultTrigger =
    { write: number } | { call: number } | { path: RegExp; method?: string; writesOnly?: boolean };

export type FaultEffect =
    | { status: number; body?: unknown; headers?: Record<string, string> }
    | { hang: true }
    | { drop: 'before' | 'after' }
    | { delayMs: number }
    | { expireSession: true };

export interface Fault {
    on: FaultTrigger;
    effect: FaultEffect;
    /** How many times the fault fires (default 1). */
    times?: number;
}

interface Route {
    method: string;
    regex: RegExp;
    names: string[];
    handler: RouteHandler;
    options: RouteOptions;
}

function compilePattern(pattern: string | RegExp): { regex: RegExp; names: string[] } {
    if (pattern instanceof RegExp) return { regex: pattern, names: [] };
    const names: string[] = [];
    const source = pattern
        .split('/')
        .map((segment) => {
            if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            const name = segment.slice(1);
            names.push(name);
            return name === 'version' ? '(v\\d+\\.\\d)' : '([^/]+)';
        })
        .join('/');
    return { regex: new RegExp(`^${source}/?$`), names };
}

/** Salesforce's documented limit for a REST request URI. */
export const MAX_URI_BYTES = 16_384;

export function restError(status: number, errorCode: string, message: string): EmulatorReply {
    return { status, body: [{ message, errorCode }] };
}

export class Emulator {
    readonly state: OrgState;
    readonly calls: CallRecord[] = [];
    private readonly routes: Route[] = [];
    private readonly faults: (Fault & { remaining: number })[] = [];
    private readonly sockets = new Set<Socket>();
    private server: Server | undefined;
    private writes = 0;
    private readonly hung = new Set<ServerResponse>();

    constructor(state = new OrgState()) {
        this.state = state;
    }

    get url(): string {
        if (!this.state.instanceUrl) throw new Error('emulator is not listening; call start()');
        return this.state.instanceUrl;
    }

    use(...modules: EmulatorModule[]): this {
        for (const module of modules) module(this);
        return this;
    }

    route(
        method: string,
        pattern: string | RegExp,
        handler: RouteHandler,
        options: RouteOptions = {}
    ): void {
        this.routes.push({
            method: method.toUpperCase(),
            ...compilePattern(pattern),
            handler,
            options
        });
    }

    injectFault(fault: Fault): void {
        this.faults.push({ ...fault, remaining: fault.times ?? 1 });
    }

    clearFaults(): void {
        this.faults.length = 0;
    }

    /** Makes every later call fail with 401 INVALID_SESSION_ID, as an expired `sf` login does. */
    expireSession(): void {
        this.state.sessionExpired = true;
    }

    callCount(): number {
        return this.calls.length;
    }

    writeCount(): number {
        return this.calls.filter((call) => call.isWrite).length;
    }

    resetLog(): void {
        this.calls.length = 0;
    }

    async start(): Promise<string> {
        this.server = createServer({ maxHeaderSize: 64 * 1024 }, (request, response) => {
            const chunks: Buffer[] = [];
            request.on('data', (chunk: Buffer) => chunks.push(chunk));
            request.on('end', () => {
                const url = new URL(request.url ?? '/', 'http://127.0.0.1');
                void this.handle(
                    {
                        method: (request.method ?? 'GET').toUpperCase(),
                        path: url.pathname,
                        query: url.searchParams,
                        params: {},
                        headers: request.headers,
                        rawBody: Buffer.concat(chunks).toString('utf8'),
                        uriLength: Buffer.byteLength(request.url ?? '/'),
                        body: undefined
                    },
                    response
                );
            });
        });
        this.server.on('connection', (socket) => {
            this.sockets.add(socket);
            socket.on('close', () => this.sockets.delete(socket));
        });
        await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
        const { port } = this.server.address() as AddressInfo;
        this.state.instanceUrl = `http://127.0.0.1:${port}`;
        return this.state.instanceUrl;
    }

    async stop(): Promise<void> {
        this.hung.clear();
        for (const socket of this.sockets) socket.destroy();
        await new Promise<void>((resolve) =>
            this.server ? this.server.close(() => resolve()) : resolve()
        );
        this.server = undefined;
    }

    /**
     * Runs a request through the routes without logging it or applying faults (used for the
     * subrequests of a composite call, which Salesforce counts as part of the one call).
     */
    async dispatch(req: EmulatorRequest): Promise<EmulatorReply> {
        const match = this.match(req);
        if (!match) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
        return this.invoke(match.route, { ...req, params: match.params });
    }

    private match(
        req: EmulatorRequest
    ): { route: Route; params: Record<string, string> } | undefined {
        for (const route of this.routes) {
            if (route.method !== req.method) continue;
            const found = route.regex.exec(req.path);
            if (!found) continue;
            const params: Record<string, string> = {};
            route.names.forEach(
                (name, index) => (params[name] = decodeURIComponent(found[index + 1]))
            );
            return { route, params };
        }
        return undefined;
    }

    private async invoke(route: Route, req: EmulatorRequest): Promise<EmulatorReply> {
        try {
            return await route.handler({ ...req, body: parseBody(req) }, this);
        } catch (error) {
            if (error instanceof RecordError) {
                const status = error.statusCode === 'NOT_FOUND' ? 404 : 400;
                return restError(status, error.statusCode, error.message);
            }
            return restError(500, 'UNKNOWN_EXCEPTION', String((error as Error).stack ?? error));
        }
    }

    private isAuthorized(req: EmulatorRequest): boolean {
        if (this.state.sessionExpired) return false;
        const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
        const soapSession = /<sessionId>([^<]*)<\/sessionId>/.exec(req.rawBody)?.[1];
        return (bearer ?? soapSession) === this.state.accessToken;
    }

    private takeFault(req: EmulatorRequest, isWrite: boolean): Fault | undefined {
        const callNumber = this.calls.length + 1;
        const writeNumber = this.writes + (isWrite ? 1 : 0);
        const fault = this.faults.find((candidate) => {
            if (candidate.remaining <= 0) return false;
            const on = candidate.on;
            if ('write' in on) return isWrite && on.write === writeNumber;
            if ('call' in on) return on.call === callNumber;
            return (
                on.path.test(req.path) &&
                (!on.method || on.method === req.method) &&
                (!on.writesOnly || isWrite)
            );
        });
        if (fault) fault.remaining -= 1;
        return fault;
    }

    private async handle(req: EmulatorRequest, response: ServerResponse): Promise<void> {
        const match = this.match(req);
        const routedReq = match ? { ...req, params: match.params, body: parseBody(req) } : req;
        const writeOption = match?.route.options.isWrite;
        const isWrite =
            typeof writeOption === 'function' ? writeOption(routedReq) : Boolean(writeOption);
        const fault = this.takeFault(req, isWrite);
        const log: CallRecord = { method: req.method, path: req.path, isWrite, status: 0 };
        this.calls.push(log);
        if (isWrite) this.writes += 1;

        const send = (reply: EmulatorReply) => {
            log.status = reply.status;
            const headers: Record<string, string> = { ...(reply.headers ?? {}) };
            let payload = '';
            if (typeof reply.body === 'string') {
                payload = reply.body;
                headers['content-type'] ??= 'text/plain';
            } else if (reply.body !== undefined) {
                payload = JSON.stringify(reply.body);
                headers['content-type'] ??= 'application/json;charset=UTF-8';
            }
            response.writeHead(reply.status, headers);
            if (reply.stream) {
                response.flushHeaders();
                reply.stream(response);
                return;
            }
            response.end(payload);
        };
        const drop = () => {
            log.status = -1;
            response.socket?.destroy();
        };

        if (fault && 'delayMs' in fault.effect) {
            await new Promise((resolve) =>
                setTimeout(resolve, (fault.effect as { delayMs: number }).delayMs)
            );
        }
        if (fault && 'hang' in fault.effect) {
            // Keep the socket open and answer nothing until the client gives up or the emulator stops.
            this.hung.add(response);
            return;
        }
        if (fault && 'drop' in fault.effect && fault.effect.drop === 'before') return drop();
        if (req.uriLength > MAX_URI_BYTES) {
            return send({
                status: 431,
                body: [
                    {
                        errorCode: 'REQUEST_HEADER_FIELDS_TOO_LARGE',
                        message: `The request URI is ${req.uriLength} bytes; the limit is ${MAX_URI_BYTES}.`
                    }
                ]
            });
        }
        if (fault && 'expireSession' in fault.effect) this.expireSession();
        if (fault && 'status' in fault.effect) {
            const { status, body, headers } = fault.effect;
            return send({
                status,
                headers,
                body: body ?? [
                    {
                        message: 'An unexpected error occurred (injected).',
                        errorCode: 'UNKNOWN_EXCEPTION'
                    }
                ]
            });
        }
        if (!match)
            return send(restError(404, 'NOT_FOUND', 'The requested resource does not exist'));
        if (match.route.options.auth !== false && !this.isAuthorized(req)) {
            if (req.path.startsWith('/services/Soap/')) {
                return send({
                    status: 500,
                    headers: { 'content-type': 'text/xml' },
                    body: soapFault(
                        'sf:INVALID_SESSION_ID',
                        'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session'
                    )
                });
            }
            return send(restError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'));
        }
        const reply = await this.invoke(match.route, routedReq);
        if (fault && 'drop' in fault.effect && fault.effect.drop === 'after') return drop();
        send(reply);
    }
}

function parseBody(req: EmulatorRequest): unknown {
    if (!req.rawBody) return undefined;
    const contentType = String(req.headers['content-type'] ?? '');
    if (contentType.includes('xml') || req.rawBody.trimStart().startsWith('<')) return req.rawBody;
    try {
        return JSON.parse(req.rawBody);
    } catch {
        return req.rawBody;
    }
}

export function soapFault(code: string, message: string): string {
    return (
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
        'xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault>' +
        `<faultcode>${code}</faultcode><faultstring>${escapeXml(message)}</faultstring>` +
        '</soapenv:Fault></soapenv:Body></soapenv:Envelope>'
    );
}

export function escapeXml(value: string): string {
    return value
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;');
}

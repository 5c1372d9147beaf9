// Every request to the org has a deadline, says so while it waits, and is retried a bounded number of
// times, correctly. jsforce's own retry is switched off: after a 503 it resends the request with the
// original Content-Length and an empty body (its body stream was already read), so the server waits
// for bytes that never come and `--update-api-key` hung forever. Here each attempt is a new jsforce
// request built from the request object, so the body goes out whole every time.
import { PassThrough } from 'node:stream';
import type { Connection } from 'jsforce';
import { CliError, EXIT } from './cli.ts';

export interface RequestPolicy {
    /** Deadline of one attempt, from sending to the whole answer. */
    timeoutMs: number;
    /** A progress line is printed after this long without an answer, and again at this interval. */
    progressEveryMs: number;
    /** Attempts for idempotent requests (GET, HEAD, PUT, DELETE) on 429/502/503/504 or a lost connection. */
    attempts: number;
    onProgress: (line: string) => void;
    /**
     * When the command last printed anything (ms since epoch). A progress line is due when it has
     * been silent for progressEveryMs, however many quick requests came before; onProgress and the
     * command's own output both update it.
     */
    silence: { lastOutputAt: number };
}

export const DEFAULT_TIMEOUT_MS = 120_000;
export const DEFAULT_PROGRESS_MS = 10_000;

/** The policy for a run; OPENCX_REQUEST_TIMEOUT_SECONDS shortens the deadline (CI, tests). */
export function requestPolicy(
    env: NodeJS.ProcessEnv,
    onProgress: (line: string) => void,
    silence: { lastOutputAt: number } = { lastOutputAt: Date.now() }
): RequestPolicy {
    const seconds = Number(env.OPENCX_REQUEST_TIMEOUT_SECONDS);
    const timeoutMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_MS;
    return {
        timeoutMs,
        progressEveryMs: Math.min(DEFAULT_PROGRESS_MS, Math.max(250, timeoutMs / 4)),
        attempts: 3,
        onProgress: (line) => {
            silence.lastOutputAt = Date.now();
            onProgress(line);
        },
        silence
    };
}

const RETRY_STATUSES = [429, 502, 503, 504];
const RETRY_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE'];
const NETWORK_CODES = ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT'];

interface HttpRequest {
    method: string;
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
}

interface HttpResponse {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
}

type HttpRequestFn = (request: HttpRequest, options?: object) => Promise<HttpResponse>;

/** A request that got no (whole) answer in time. */
export class RequestTimeoutError extends CliError {
    constructor(what: string, seconds: number) {
        super(
            'REQUEST_TIMEOUT',
            `no answer from the org for ${what} within ${seconds} s (Salesforce may be slow or unreachable)`,
            {
                fix: 'rerun the command: finished changes are kept and skipped',
                exitCode: EXIT.failed
            }
        );
    }
}

function describeRequest(request: HttpRequest): string {
    const path = request.url.replace(/^https?:\/\/[^/]+/, '').replace(/\?.*$/s, '');
    return `${request.method} ${path}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Prints a progress line whenever the command has been silent for progressEveryMs while requests
 * are out. One ticker per connection, alive while requests keep coming (it stops itself after two
 * idle seconds), so a long series of quick requests is covered as well as one slow request.
 */
class ProgressTicker {
    private inFlight = new Map<number, { what: string; started: number }>();
    private next = 0;
    private lastActivity = Date.now();
    private timer: NodeJS.Timeout | undefined;
    constructor(private readonly policy: RequestPolicy) {}

    begin(what: string): number {
        const id = (this.next += 1);
        this.inFlight.set(id, { what, started: Date.now() });
        this.lastActivity = Date.now();
        this.timer ??= setInterval(
            () => this.tick(),
            Math.min(1000, this.policy.progressEveryMs / 4)
        );
        this.timer.unref();
        return id;
    }

    end(id: number): void {
        this.inFlight.delete(id);
        this.lastActivity = Date.now();
    }

    private tick(): void {
        const now = Date.now();
        if (this.inFlight.size === 0) {
            if (now - this.lastActivity > 2000) {
                clearInterval(this.timer);
                this.timer = undefined;
            }
            return;
        }
        if (now - this.policy.silence.lastOutputAt < this.policy.progressEveryMs) return;
        const [oldest] = [...this.inFlight.values()];
        const waited = Math.round((now - oldest.started) / 1000);
        this.policy.onProgress(
            `… still working: waiting for ${oldest.what} (${waited} s; each request gives up at ${this.policy.timeoutMs / 1000} s)`
        );
    }
}

/** One attempt with a deadline; the ticker prints progress while it waits. */
function attempt(
    send: HttpRequestFn,
    request: HttpRequest,
    options: object,
    policy: RequestPolicy,
    ticker: ProgressTicker
): Promise<HttpResponse> {
    const what = describeRequest(request);
    const id = ticker.begin(what);
    return new Promise<HttpResponse>((resolve, reject) => {
        const deadline = setTimeout(() => {
            ticker.end(id);
            reject(new RequestTimeoutError(what, policy.timeoutMs / 1000));
        }, policy.timeoutMs);
        // jsforce aborts its fetch a little later, so the socket is freed too.
        send(request, {
            ...options,
            timeout: policy.timeoutMs + 1000,
            retry: { maxRetries: 0, methods: [], statusCodes: [] }
        }).then(
            (response) => {
                clearTimeout(deadline);
                ticker.end(id);
                resolve(response);
            },
            (error: unknown) => {
                clearTimeout(deadline);
                ticker.end(id);
                reject(error);
            }
        );
    });
}

function retryDelayMs(response: HttpResponse | undefined, attemptNumber: number): number {
    const retryAfter = Number(response?.headers?.['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(retryAfter, 10) * 1000;
    return 1000 * 2 ** (attemptNumber - 1);
}

async function withRetries(
    send: HttpRequestFn,
    request: HttpRequest,
    options: object,
    policy: RequestPolicy,
    ticker: ProgressTicker
): Promise<HttpResponse> {
    const retryable = RETRY_METHODS.includes(request.method.toUpperCase());
    for (let number = 1; ; number += 1) {
        let response: HttpResponse | undefined;
        let failure: unknown;
        try {
            response = await attempt(send, request, options, policy, ticker);
        } catch (error) {
            failure = error;
        }
        const code = (failure as { code?: string } | undefined)?.code ?? '';
        const transient = response
            ? RETRY_STATUSES.includes(response.statusCode)
            : NETWORK_CODES.includes(code);
        if (!retryable || !transient || number >= policy.attempts) {
            if (response) return response;
            throw failure;
        }
        const delay = retryDelayMs(response, number);
        policy.onProgress(
            `… ${describeRequest(request)}: ${response ? `HTTP ${response.statusCode}` : code}, retrying in ${delay / 1000} s (attempt ${number + 1} of ${policy.attempts})`
        );
        await sleep(delay);
    }
}

/** Puts the policy on every request the connection makes (REST, Tooling, Connect, SOAP). */
export function applyRequestPolicy(conn: Connection, policy: RequestPolicy): void {
    const transport = (conn as unknown as { _transport: { httpRequest: HttpRequestFn } })
        ._transport;
    const send = transport.httpRequest.bind(transport);
    const ticker = new ProgressTicker(policy);
    transport.httpRequest = (request: HttpRequest, options: object = {}) => {
        const promise = withRetries(send, request, options, policy, ticker);
        // HttpApi asks the result for its stream (used only when a caller pipes the answer).
        return Object.assign(promise, { stream: () => new PassThrough() });
    };
}

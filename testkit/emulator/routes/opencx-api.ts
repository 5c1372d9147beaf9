// OpenCX's own API, the part the org calls through the Named Credential OpenCX_API
// (/work/shared/reference/opencx-openapi.json): GET and PATCH /chat/sessions/{session_id}, Bearer
// API key. And what the org does when a Messaging session ends (docs/beyond-handoff.md, part 3):
// the record-triggered flow OpenCX_Verdict_On_End queues OpenCxVerdictJob, which PATCHes the
// verdict the session still owes OpenCX (the rep's unsent choice, else OpenCX Setting Verdict On
// End) with the key stored in the External Credential principal, and stamps the outcome on the
// session. Apex does not run here: endMessagingSession plays OpenCxVerdictService's contract
// (verdictOwed, the statuses it stamps), the same cases OpenCxVerdictTest checks.
// Never kinder than OpenCX: a session it does not know is 404, a missing or wrong key 401, a body
// outside UpdateChatSessionInput 400. The job's retries are not played: a retryable failure stays
// Retrying (attempt 1 of 3), as the record reads until the next attempt.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProjectNames } from '../../../scripts/lib/project.ts';
import { customMetadataSObjects } from '../../flow-evaluator/force-app.ts';
import { METADATA_ROOT } from '../../metadata/index.ts';
import type { Emulator, EmulatorModule, EmulatorReply } from '../server.ts';
import type { OrgState } from '../state.ts';

export const SESSION_STATUSES = ['open', 'closed_resolved', 'closed_unresolved'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
const VERDICTS = new Set<string>(['closed_resolved', 'closed_unresolved']);
const ON_END_FLOW = 'OpenCX_Verdict_On_End';

export interface OpenCxSession {
    id: string;
    status: SessionStatus;
    updated_at: string;
    /** Every status PATCHed, in order (tests read it). */
    patches: SessionStatus[];
}

export interface OpenCxApiState {
    /** The workspace's API key; null: any Bearer key is refused. */
    apiKey: string | null;
    sessions: Map<string, OpenCxSession>;
}

export function opencxApiState(state: OrgState): OpenCxApiState {
    return state.extension('opencx-api', () => ({ apiKey: null, sessions: new Map() }));
}

/** A session on the OpenCX side (the AI's conversation the handoff came from). */
export function addOpenCxSession(state: OrgState, id: string, status: SessionStatus = 'open') {
    const session: OpenCxSession = {
        id,
        status,
        updated_at: new Date().toISOString(),
        patches: []
    };
    opencxApiState(state).sessions.set(id, session);
    return session;
}

function errorReply(status: number, message: string, error: string): EmulatorReply {
    return { status, body: { statusCode: status, message, error } };
}

/** The answer OpenCX gives a PATCH, shared by the route and the org's on-end job. */
function patchSession(state: OrgState, bearer: string | null, id: string, body: unknown) {
    const api = opencxApiState(state);
    if (!bearer || api.apiKey === null || bearer !== api.apiKey) {
        return errorReply(401, 'Unauthorized', 'Unauthorized');
    }
    const status = (body as { status?: unknown } | null)?.status;
    if (
        typeof body !== 'object' ||
        body === null ||
        Array.isArray(body) ||
        Object.keys(body).some((key) => key !== 'status') ||
        !SESSION_STATUSES.includes(status as SessionStatus)
    ) {
        return errorReply(
            400,
            `status must be one of ${SESSION_STATUSES.join(', ')}`,
            'Bad Request'
        );
    }
    const session = api.sessions.get(id);
    if (!session) return errorReply(404, `Session ${id} not found`, 'Not Found');
    session.status = status as SessionStatus;
    session.updated_at = new Date().toISOString();
    session.patches.push(session.status);
    return { status: 200, body: '' } as EmulatorReply;
}

function bearerOf(authorization: string | string[] | undefined): string | null {
    const value = Array.isArray(authorization) ? authorization[0] : authorization;
    const match = /^Bearer (.+)$/.exec(value ?? '');
    return match ? match[1] : null;
}

/** OpenCX's API on the emulator's host, with the workspace's API key. */
export function opencxApiRoutes(options: { apiKey: string }): EmulatorModule {
    return (emulator: Emulator) => {
        opencxApiState(emulator.state).apiKey = options.apiKey;
        emulator.route(
            'GET',
            '/chat/sessions/:sessionId',
            (req) => {
                const api = opencxApiState(emulator.state);
                if (bearerOf(req.headers.authorization) !== api.apiKey) {
                    return errorReply(401, 'Unauthorized', 'Unauthorized');
                }
                const session = api.sessions.get(req.params.sessionId);
                if (!session) return errorReply(404, 'Session not found', 'Not Found');
                return {
                    status: 200,
                    body: { id: session.id, status: session.status, updated_at: session.updated_at }
                };
            },
            { auth: false }
        );
        emulator.route(
            'PATCH',
            '/chat/sessions/:sessionId',
            (req) => {
                let body: unknown;
                try {
                    body = JSON.parse(req.rawBody || 'null');
                } catch {
                    return errorReply(400, 'The body is not JSON', 'Bad Request');
                }
                return patchSession(
                    emulator.state,
                    bearerOf(req.headers.authorization),
                    req.params.sessionId,
                    body
                );
            },
            { auth: false, isWrite: true }
        );
    };
}

/** The on-end flow is shipped and active (force-app), as a deploy would leave it. */
function onEndFlowActive(): boolean {
    const file = join(METADATA_ROOT, 'flows', `${ON_END_FLOW}.flow-meta.xml`);
    return existsSync(file) && /<status>Active<\/status>/.test(readFileSync(file, 'utf8'));
}

/** The key the Named Credential sends: the External Credential principal's secret parameter. */
function namedCredentialKey(state: OrgState): string | null {
    const { name, principal, parameter } = loadProjectNames().externalCredential;
    return state.credentials.get(`${name}/${principal}`)?.credentials[parameter]?.value ?? null;
}

/** OpenCX_Setting__mdt.Verdict_On_End__c: the emulator's row when a test set one, else shipped. */
function defaultVerdict(state: OrgState): string | null {
    const rows = state.data.hasType('OpenCX_Setting__mdt')
        ? state.data.all('OpenCX_Setting__mdt')
        : customMetadataSObjects('OpenCX_Setting__mdt');
    const value = rows.find((row) => row.DeveloperName === 'Default')?.Verdict_On_End__c;
    return typeof value === 'string' && VERDICTS.has(value) ? value : null;
}

/** OpenCxVerdictService.verdictOwed */
function verdictOwed(session: Record<string, unknown>, fallback: string | null): string | null {
    if (typeof session.OpenCX_Session_Id__c !== 'string' || !session.OpenCX_Session_Id__c.trim()) {
        return null;
    }
    if (typeof session.OpenCX_Verdict__c === 'string' && session.OpenCX_Verdict__c) {
        return session.OpenCX_Verdict_Status__c === 'Sent' ? null : session.OpenCX_Verdict__c;
    }
    return fallback;
}

const FAILURES = new Map<number, { failure: string; retryable: boolean }>([
    [401, { failure: 'UNAUTHORIZED', retryable: false }],
    [403, { failure: 'UNAUTHORIZED', retryable: false }],
    [404, { failure: 'NOT_FOUND', retryable: false }],
    [429, { failure: 'RATE_LIMITED', retryable: true }]
]);

/**
 * The visitor's conversation ended: the MessagingSession's Status becomes Ended, and the org's
 * on-end automation sends the verdict it owes OpenCX (see the file comment).
 */
export function endMessagingSession(state: OrgState, messagingSessionId: string | null): void {
    if (!messagingSessionId || !state.data.hasType('MessagingSession')) return;
    const session = state.data.findById(messagingSessionId);
    if (!session || session.Status === 'Ended') return;
    state.data.update('MessagingSession', messagingSessionId, { Status: 'Ended' });
    if (!onEndFlowActive()) return;
    const verdict = verdictOwed(session, defaultVerdict(state));
    if (!verdict) return;
    const reply = patchSession(
        state,
        namedCredentialKey(state),
        String(session.OpenCX_Session_Id__c).trim(),
        { status: verdict }
    );
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const origin = 'on end, attempt 1 of 3';
    let fields: Record<string, string>;
    if (reply.status === 200) {
        fields = {
            OpenCX_Verdict_Status__c: 'Sent',
            OpenCX_Verdict_Detail__c: `${verdict} sent (${origin}) at ${at}`
        };
    } else {
        const known = FAILURES.get(reply.status) ?? {
            failure: reply.status >= 500 ? 'SERVER_ERROR' : 'UNEXPECTED_STATUS',
            retryable: reply.status >= 500
        };
        fields = {
            OpenCX_Verdict_Status__c: known.retryable ? 'Retrying' : 'Failed',
            OpenCX_Verdict_Detail__c:
                `${verdict} not sent (${origin}): ${known.failure} (HTTP ${reply.status}) at ${at}` +
                (known.retryable ? ', retrying' : '')
        };
    }
    state.data.update('MessagingSession', messagingSessionId, {
        OpenCX_Verdict__c: verdict,
        ...fields
    });
}

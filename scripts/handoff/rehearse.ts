// Plays OpenCX's side of a handoff against an org for each kind of visitor, then checks where each
// conversation landed and which visitor-verification mode the org and OpenCX need. Named steps:
//   1. checkDeployment   the messaging host serves the deployment (else one clear error, exit 2)
//   2. obtainTokens      each visitor's token, every way that tells the modes apart (visitors.ts)
//   3. openConversations stream, conversation with routingAttributes, first message + transcript
//   4. listen            agent replies for --listen seconds (all conversations at once)
//   5. verifyAll         through the org connection: session, stamped fields, queue (verify.ts)
//   6. the verdict       the mode this org and OpenCX need (verdict.ts)
import { CliError } from '../lib/cli.ts';
import { REHEARSAL_CHANNEL } from '../lib/rehearsal-verdict.ts';
import type { VisitorVerification } from '../lib/visitor-verification.ts';
import { MiawClient, type MiawEndpoint } from './miaw-client.ts';
import { VisitorConversation, type Reply, type RoutingEvent } from './conversation.ts';
import { HandoffError, asHandoffError, checkDeployment } from './deployment.ts';
import { transcriptMessages, type TranscriptLine } from './transcript.ts';
import { decideVerdict, type Verdict } from './verdict.ts';
import {
    awaitVerdict,
    recordVerdict,
    type CloseVerdict,
    type VerdictOrg
} from './close-verdict.ts';
import {
    IDENTITY_FIX,
    identityCheck,
    modeCheck,
    verifyHandoff,
    type Check,
    type OrgApi,
    type SessionReport
} from './verify.ts';
import {
    obtainVisitorToken,
    type SigningKey,
    type TokenAttempt,
    type VisitorKind,
    type VisitorToken
} from './visitors.ts';

export { HandoffError } from './deployment.ts';
export type { Reply } from './conversation.ts';

export interface RehearsalOptions {
    endpoint: MiawEndpoint;
    org: OrgApi;
    mode: VisitorVerification;
    visitors: VisitorKind[];
    /** The key that signs identity tokens (null: none to sign with). */
    key: SigningKey | null;
    email: string;
    sessionId?: string;
    consumerType?: string;
    channel?: string;
    language?: string;
    priority?: string;
    message: string;
    transcript?: TranscriptLine[];
    listenSeconds: number;
    verifyTimeoutSeconds: number;
    /** The fallback queue and routing flow, from force-app (the channel's metadata). */
    names: { fallbackQueue: string; routingFlow: string; channel: string };
    close?: boolean;
    /** With close: the rep's verdict recorded before the end and awaited after (close-verdict.ts). */
    closeVerdict?: CloseVerdict | null;
    /** Progress lines for people; not called in --json mode. */
    progress?: (line: string) => void;
    onReply?: (reply: Reply) => void;
    /** Stops listening early once this many agent replies arrived (tests, benchmarks). */
    stopAfterReplies?: number;
    /** Deadline for each event stream to answer. */
    streamWaitMs?: number;
    fetch?: typeof fetch;
    /** Called with every secret the run creates (access and identity tokens), to redact them. */
    onSecret?: (value: string) => void;
}

export interface HandoffReport {
    visitor: {
        kind: VisitorKind;
        verified: boolean;
        subject: string | null;
        subjectKind: TokenAttempt['subjectKind'];
        way: TokenAttempt['way'];
    };
    conversationId: string;
    routingAttributes: Record<string, string>;
    messagesSent: number;
    closed: boolean;
    replies: Reply[];
    routingEvent: RoutingEvent | null;
    timings: { conversationToRoutingEventMs: number | null };
    stream: { events: number; reconnects: number; error: string | null; unreadable: number };
    checks: Check[];
    session: SessionReport | null;
}

export interface RehearsalResult {
    ok: boolean;
    mode: VisitorVerification;
    org: { id: string; instanceUrl: string };
    endpoint: MiawEndpoint;
    /** Every token call made, per visitor kind. */
    visitors: TokenAttempt[];
    handoffs: HandoffReport[];
    /** Every check, all visitors. */
    checks: Check[];
    verdict: Verdict;
    timings: { totalMs: number };
}

/** No visitor got a token: the rehearsal stops (exit 2), with what was seen for the verdict. */
export class NoTokenError extends HandoffError {
    constructor(
        readonly visitors: TokenAttempt[],
        readonly verdict: Verdict,
        cause: CliError
    ) {
        super(cause.code, cause.message, cause.fix ?? verdict.fix ?? '');
    }
}

const DEFAULT_CONSUMER_TYPES: Record<VisitorKind, string> = {
    anonymous: 'Anonymous',
    verified: 'Authenticated'
};

export async function rehearseHandoff(options: RehearsalOptions): Promise<RehearsalResult> {
    const started = Date.now();
    const progress = options.progress ?? (() => {});
    const client = new MiawClient(options.endpoint, {
        fetch: options.fetch,
        streamConnectTimeoutMs: options.streamWaitMs
    });
    const hiddenFields = await checkDeployment(client, options.org, options.endpoint);
    progress(
        `✓ deployment       ${options.endpoint.esDeveloperName} is published` +
            (hiddenFields.length ? ` (hidden pre-chat fields: ${hiddenFields.join(', ')})` : '')
    );
    const tokens = await obtainTokens(client, options, progress);
    const attempts = tokens.flatMap((token) => token.attempts);
    const verdict = decideVerdict(attempts, options.mode);
    const usable = tokens.filter((token) => token.token);
    if (usable.length === 0) throw noTokenError(tokens, verdict, options);

    const conversations = await openConversations(client, usable, hiddenFields, options);
    try {
        await listen(conversations, options, progress);
    } finally {
        for (const conversation of conversations) conversation.closeStream();
    }
    const handoffs = await verifyAll(conversations, usable, hiddenFields, options, progress);
    const checks = [
        ...handoffs.flatMap((handoff) => handoff.checks),
        modeCheck(verdict, options.mode)
    ];
    return {
        ok: checks.every((check) => check.ok),
        mode: options.mode,
        org: { id: options.endpoint.orgId, instanceUrl: options.org.instanceUrl },
        endpoint: options.endpoint,
        visitors: attempts,
        handoffs,
        checks,
        verdict,
        timings: { totalMs: Date.now() - started }
    };
}

async function obtainTokens(
    client: MiawClient,
    options: RehearsalOptions,
    progress: (line: string) => void
): Promise<VisitorToken[]> {
    const tokens: VisitorToken[] = [];
    for (const kind of options.visitors) {
        const token = await obtainVisitorToken(
            client,
            kind,
            options.key,
            options.email,
            options.onSecret
        );
        for (const attempt of token.attempts) progress(describeAttempt(attempt));
        tokens.push(token);
    }
    return tokens;
}

export function describeAttempt(attempt: TokenAttempt): string {
    const symbol = attempt.ok
        ? attempt.way === 'signed' && attempt.subjectKind !== 'AUTH'
            ? '✗'
            : '✓'
        : '·';
    const signed = attempt.way === 'signed' ? ` signed (${attempt.keySource} key)` : '';
    const outcome = attempt.ok
        ? `${attempt.status} ${attempt.subjectKind ?? 'no subject kind'} token (${attempt.subject ?? 'no subject'})`
        : `${attempt.status ?? 'no answer'}: ${attempt.body}`;
    return `${symbol} access token     ${attempt.kind}${signed} → ${attempt.endpoint}: ${outcome}`;
}

function noTokenError(
    tokens: VisitorToken[],
    verdict: Verdict,
    options: RehearsalOptions
): NoTokenError {
    const attempts = tokens.flatMap((token) => token.attempts);
    const last = attempts[attempts.length - 1];
    const rejected = attempts.find(
        (attempt) => attempt.way === 'signed' && (attempt.status === 401 || attempt.status === 403)
    );
    if (rejected && options.key) {
        return new NoTokenError(
            attempts,
            verdict,
            new HandoffError(
                'identity-token-rejected',
                `Salesforce rejected the identity token (HTTP ${rejected.status}): kid ${options.key.kid}, iss ${options.key.issuer}.`,
                IDENTITY_FIX
            )
        );
    }
    const unreachable = attempts.find(
        (attempt) => attempt.status === null || attempt.status >= 500
    );
    if (unreachable) {
        return new NoTokenError(
            attempts,
            verdict,
            new HandoffError(
                'messaging-token-failed',
                `No visitor got an access token: ${unreachable.body}`,
                'Retry in a few minutes; check --messaging-host and Salesforce Trust (status.salesforce.com).'
            )
        );
    }
    return new NoTokenError(
        attempts,
        verdict,
        new HandoffError(
            'visitors-refused',
            `Salesforce refused every visitor's token (last: ${last?.endpoint ?? 'none'} HTTP ${last?.status ?? '-'}: ${last?.body ?? ''}).`,
            verdict.fix ?? 'See the verdict below.'
        )
    );
}

async function openConversations(
    client: MiawClient,
    tokens: VisitorToken[],
    hiddenFields: string[],
    options: RehearsalOptions
): Promise<VisitorConversation[]> {
    const progress = options.progress ?? (() => {});
    const texts = options.transcript?.length
        ? [options.message, ...transcriptMessages(options.transcript)]
        : [options.message];
    const conversations = tokens.map(
        (visitor) =>
            new VisitorConversation(client, visitor.token!, {
                kind: visitor.kind,
                routingAttributes: routingAttributes(options, visitor.kind),
                texts,
                streamWaitMs: options.streamWaitMs ?? 10_000,
                progress,
                onReply: (reply) => options.onReply?.(reply)
            })
    );
    try {
        // Streams first, all at once (one wait however many visitors), so no event is missed.
        await Promise.all(conversations.map((conversation) => conversation.openStream()));
        for (const conversation of conversations) {
            await conversation.start();
            reportStarted(conversation, hiddenFields, options, progress);
        }
    } catch (error) {
        for (const open of conversations) open.closeStream();
        throw asHandoffError(error, options.endpoint);
    }
    return conversations;
}

function reportStarted(
    conversation: VisitorConversation,
    hiddenFields: string[],
    options: RehearsalOptions,
    progress: (line: string) => void
): void {
    const notAccepted = notHidden(conversation.options.routingAttributes, hiddenFields);
    if (notAccepted.length) {
        progress(
            `! not hidden pre-chat fields of ${options.endpoint.esDeveloperName} (Salesforce drops them): ${notAccepted.join(', ')}`
        );
    }
    const sent = conversation.messagesSent;
    progress(
        `✓ messages         ${conversation.options.kind}: ${sent} sent ("${truncate(options.message, 60)}"` +
            (sent > 1 ? ` + transcript in ${sent - 1}` : '') +
            ')'
    );
}

/** Waits --listen seconds (or until enough replies, or every stream ended), saying how long is left. */
async function listen(
    conversations: VisitorConversation[],
    options: RehearsalOptions,
    progress: (line: string) => void
): Promise<void> {
    if (options.listenSeconds <= 0) return;
    progress(`… listening ${options.listenSeconds} s for replies: answer from the Service Console`);
    const deadline = Date.now() + options.listenSeconds * 1000;
    const allEnded = Promise.all(conversations.map((conversation) => conversation.streamDone));
    let ended = false;
    void allEnded.then(() => (ended = true));
    const replies = () => conversations.reduce((sum, item) => sum + item.replies.length, 0);
    let nextNotice = Date.now() + 10_000;
    while (Date.now() < deadline && !ended) {
        if (options.stopAfterReplies && replies() >= options.stopAfterReplies) return;
        await new Promise((resolve) => setTimeout(resolve, Math.min(100, deadline - Date.now())));
        if (Date.now() >= nextNotice && Date.now() < deadline) {
            progress(
                `… listening: ${Math.ceil((deadline - Date.now()) / 1000)} s left, ${replies()} repl${replies() === 1 ? 'y' : 'ies'} so far`
            );
            nextNotice += 10_000;
        }
    }
}

async function verifyAll(
    conversations: VisitorConversation[],
    tokens: VisitorToken[],
    hiddenFields: string[],
    options: RehearsalOptions,
    progress: (line: string) => void
): Promise<HandoffReport[]> {
    const reports: HandoffReport[] = [];
    for (const [index, conversation] of conversations.entries()) {
        const accepted = tokens[index].accepted!;
        const attributes = conversation.options.routingAttributes;
        const verification = await verifyHandoff(options.org, {
            sessionId: attributes.OpencxSessionId,
            routingAttributes: attributes,
            routedRecordId: conversation.routingEvent?.recordId,
            timeoutMs: options.verifyTimeoutSeconds * 1000,
            attributesNotAccepted: notHidden(attributes, hiddenFields),
            names: options.names,
            visitorVerified: accepted.subjectKind === 'AUTH',
            progress: (line) => progress(`${line} (${conversation.options.kind})`)
        });
        const checks = [...identityCheck(accepted, options.key), ...verification.checks].map(
            (check) => ({ ...check, visitor: conversation.options.kind })
        );
        const verdictOrg = verdictOrgOf(options);
        const verdictSession =
            options.close && options.closeVerdict && verdictOrg ? verification.session : null;
        if (verdictSession) {
            checks.push({
                ...(await recordVerdict(verdictOrg!, verdictSession.id, options.closeVerdict!)),
                visitor: conversation.options.kind
            });
        }
        if (options.close) await closeConversation(conversation, progress);
        if (verdictSession && checks.at(-1)?.ok) {
            const sent = await awaitVerdict(verdictOrg!, verdictSession.id, options.closeVerdict!, {
                timeoutMs: options.verifyTimeoutSeconds * 1000
            });
            progress(`${sent.ok ? '✓' : '✗'} ${sent.name}: ${sent.detail}`);
            checks.push({ ...sent, visitor: conversation.options.kind });
        }
        reports.push(handoffReport(conversation, accepted, checks, verification.session));
    }
    return reports;
}

/** The org calls the verdict step needs, when the org connection offers an update. */
function verdictOrgOf(options: RehearsalOptions): VerdictOrg | null {
    const { org } = options;
    if (!org.updateSession) return null;
    return {
        query: (soql) => org.query(soql),
        updateSession: (id, fields) => org.updateSession!(id, fields)
    };
}

async function closeConversation(
    conversation: VisitorConversation,
    progress: (line: string) => void
): Promise<void> {
    try {
        await conversation.end();
        progress(`✓ conversation     ${conversation.id} ended (--close)`);
    } catch (error) {
        progress(
            `! could not end the conversation ${conversation.id}: ${(error as Error).message}`
        );
    }
}

function handoffReport(
    conversation: VisitorConversation,
    accepted: TokenAttempt,
    checks: Check[],
    session: SessionReport | null
): HandoffReport {
    return {
        visitor: {
            kind: conversation.options.kind,
            verified: accepted.subjectKind === 'AUTH',
            subject: accepted.subject,
            subjectKind: accepted.subjectKind,
            way: accepted.way
        },
        conversationId: conversation.id,
        routingAttributes: conversation.options.routingAttributes,
        messagesSent: conversation.messagesSent,
        closed: conversation.closed,
        replies: conversation.replies,
        routingEvent: conversation.routingEvent,
        timings: {
            conversationToRoutingEventMs:
                conversation.routedAt === null
                    ? null
                    : conversation.routedAt - conversation.createdAt
        },
        stream: {
            events: conversation.events,
            reconnects: conversation.reconnects,
            error: conversation.streamError,
            unreadable: conversation.unreadableEvents
        },
        checks,
        session
    };
}

function routingAttributes(options: RehearsalOptions, kind: VisitorKind): Record<string, string> {
    return {
        OpencxSessionId: options.sessionId ?? crypto.randomUUID(),
        Chat_Consumer_Type: options.consumerType ?? DEFAULT_CONSUMER_TYPES[kind],
        OpencxChannel: options.channel ?? REHEARSAL_CHANNEL,
        OpencxLanguage: options.language ?? 'en',
        OpencxPriority: options.priority ?? 'normal'
    };
}

function notHidden(attributes: Record<string, string>, hiddenFields: string[]): string[] {
    return hiddenFields.length
        ? Object.keys(attributes).filter((name) => !hiddenFields.includes(name))
        : [];
}

function truncate(text: string, max: number): string {
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

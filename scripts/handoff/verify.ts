// After the handoff: through the org connection, find the MessagingSession the conversation
// created, report the fields the routing flow stamped, the queue Omni-Channel routed it to, and
// the queue the routing rules say it should have gone to.
//
// Where the routed queue comes from, in the order a real org exposes it:
//   1. PendingServiceRouting.QueueId (WorkItemId = the session) while the work waits for a rep;
//   2. AgentWork.OriginalQueueId once a rep was offered or accepted it (PendingServiceRouting is
//      deleted then);
//   3. MessagingSession.OwnerId when it is a queue (00G...): queue-based routeWork makes the queue
//      the owner until a rep accepts.
// The expected queue is computed from the org's OpenCX_Routing_Rule__mdt records and Group
// queues, as the rules are documented (first active rule in DeveloperName order whose
// Consumer_Type__c equals Chat_Consumer_Type, trimmed and case-insensitive; no rule, a blank
// value or a missing queue → the channel's fallback queue, read from force-app). This is
// deliberately an independent reading of the rules, not the flow: it is what catches a flow that
// does not follow them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/project.ts';
import type { VisitorVerification } from '../lib/visitor-verification.ts';
import type { Verdict } from './verdict.ts';
import type { SigningKey, TokenAttempt } from './visitors.ts';

export interface OrgApi {
    /** e.g. https://acme.my.salesforce.com */
    instanceUrl: string;
    /** Runs SOQL and returns every record. */
    query<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
    /** The same through the Tooling API (setup objects such as EmbeddedServiceConfig). */
    toolingQuery<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
    /** Updates one MessagingSession (`--close resolved|unresolved` records the rep's verdict). */
    updateSession?(id: string, fields: Record<string, unknown>): Promise<void>;
}

/** The names the checks speak of, from force-app (the channel's sessionHandlerQueue/Flow). */
export interface HandoffNames {
    fallbackQueue: string;
    routingFlow: string;
    channel: string;
}

/** MessagingSession field for each routing attribute (same names everywhere, see docs/routing.md). */
export const STAMPED_FIELDS: Record<string, string> = {
    OpencxSessionId: 'OpenCX_Session_Id__c',
    Chat_Consumer_Type: 'Chat_Consumer_Type__c',
    OpencxChannel: 'OpenCX_Channel__c',
    OpencxLanguage: 'OpenCX_Language__c',
    OpencxPriority: 'OpenCX_Priority__c'
};

export interface RoutingRule {
    DeveloperName: string;
    Consumer_Type__c: string | null;
    Queue_Developer_Name__c: string | null;
    Active__c: boolean;
    /** The rule is for verified visitors: it applies only when Salesforce verified the token. */
    Requires_Verified_Identity__c?: boolean;
}

/** What the rules need to know about the visitor (absent: no rule asks). */
export interface VisitorIdentity {
    /** Salesforce verified the identity token (AUTH subject). */
    verified: boolean;
    /** OpenCX_Setting Allow_Unchecked_Verified_Claims__c: verified-only rules take claims too. */
    allowUnchecked: boolean;
}

export interface ExpectedQueue {
    queueDeveloperName: string;
    /** The rule that chose it; null when the fallback applies. */
    rule: string | null;
    reason: string;
}

/** What the rules say, given the rule records and the queue developer names that exist. */
export function expectedQueue(
    consumerType: string | undefined,
    rules: RoutingRule[],
    existingQueues: Set<string>,
    fallbackQueue: string,
    identity: VisitorIdentity = { verified: true, allowUnchecked: false }
): ExpectedQueue {
    const FALLBACK_QUEUE = fallbackQueue;
    const key = (consumerType ?? '').trim().toLowerCase();
    if (!key) {
        return {
            queueDeveloperName: FALLBACK_QUEUE,
            rule: null,
            reason: 'Chat_Consumer_Type is blank'
        };
    }
    const match = [...rules]
        .filter((rule) => rule.Active__c)
        .sort((a, b) => (a.DeveloperName < b.DeveloperName ? -1 : 1))
        .find((rule) => (rule.Consumer_Type__c ?? '').trim().toLowerCase() === key);
    if (!match || !match.Queue_Developer_Name__c) {
        return {
            queueDeveloperName: FALLBACK_QUEUE,
            rule: null,
            reason: `no active rule for "${consumerType}"`
        };
    }
    if (match.Requires_Verified_Identity__c && !identity.verified && !identity.allowUnchecked) {
        return {
            queueDeveloperName: FALLBACK_QUEUE,
            rule: match.DeveloperName,
            reason: `rule ${match.DeveloperName} needs a visitor Salesforce verified, and this one is a guest (OpenCX Setting Allow_Unchecked_Verified_Claims__c is off)`
        };
    }
    if (!existingQueues.has(match.Queue_Developer_Name__c)) {
        return {
            queueDeveloperName: FALLBACK_QUEUE,
            rule: match.DeveloperName,
            reason: `rule ${match.DeveloperName} names queue ${match.Queue_Developer_Name__c}, which does not exist`
        };
    }
    return {
        queueDeveloperName: match.Queue_Developer_Name__c,
        rule: match.DeveloperName,
        reason: `rule ${match.DeveloperName} (${match.Consumer_Type__c})`
    };
}

export interface Check {
    name: string;
    ok: boolean;
    detail: string;
    /** What to do about it (failures only). */
    fix?: string;
    /** The visitor kind the check is about (absent: the whole rehearsal). */
    visitor?: string;
}

export interface SessionReport {
    id: string;
    name?: string;
    status?: string;
    stamped: Record<string, string | null>;
    routedQueue: { id: string; developerName: string | null; source: string } | null;
    expectedQueue: ExpectedQueue;
}

export interface VerifyInput {
    sessionId: string;
    routingAttributes: Record<string, string>;
    /** MessagingSession Id from the routing result event, when the stream delivered one. */
    routedRecordId?: string;
    /** How long to wait for the session to appear and be routed. */
    timeoutMs: number;
    pollMs?: number;
    /** Attributes the deployment does not accept (not hidden pre-chat fields). */
    attributesNotAccepted?: string[];
    names: HandoffNames;
    /** Whether Salesforce verified this visitor (its token's subject kind was AUTH). */
    visitorVerified?: boolean;
    /** A line now and then while it waits. */
    progress?: (line: string) => void;
}

export async function verifyHandoff(
    org: OrgApi,
    input: VerifyInput
): Promise<{ checks: Check[]; session: SessionReport | null }> {
    const found = await findSession(org, input);
    if (!found.session) return { checks: [sessionMissing(input)], session: null };
    const { session, routed } = found;
    const sessionId = String(session.Id);
    const checks: Check[] = [
        {
            name: 'MessagingSession created',
            ok: true,
            detail: `${sessionId}${session.Name ? ` (${String(session.Name)})` : ''}`
        }
    ];
    const stamped = stampedFields(session);
    const { expected, queues } = await expectedFor(org, input);
    if (routed && routed.developerName === null) {
        const known = queues.find((queue) => queue.Id === routed.id);
        routed.developerName = known
            ? known.DeveloperName
            : await queueDeveloperName(org, routed.id);
    }
    const routedAsRulesSay = routed?.developerName === expected.queueDeveloperName;
    checks.push(stampedCheck(stamped, input, routedAsRulesSay));
    checks.push(queueCheck(sessionId, routed, expected, input));
    return {
        checks,
        session: {
            id: sessionId,
            name: session.Name === undefined ? undefined : String(session.Name),
            status: session.Status === undefined ? undefined : String(session.Status),
            stamped,
            routedQueue: routed,
            expectedQueue: expected
        }
    };
}

const SESSION_FIELDS = `Id, Name, Status, OwnerId, ${Object.values(STAMPED_FIELDS).join(', ')}`;

/** Polls for the session by its trace key until it is routed or the time is up, saying so. */
async function findSession(
    org: OrgApi,
    input: VerifyInput
): Promise<{ session?: Record<string, unknown>; routed: SessionReport['routedQueue'] }> {
    const started = Date.now();
    const deadline = started + input.timeoutMs;
    const pollMs = input.pollMs ?? 1000;
    let nextNotice = started + 5000;
    let session: Record<string, unknown> | undefined;
    let routed: SessionReport['routedQueue'] = null;
    for (;;) {
        session ??= (
            await org.query(
                `SELECT ${SESSION_FIELDS} FROM MessagingSession ` +
                    `WHERE OpenCX_Session_Id__c = '${soqlString(input.sessionId)}' ORDER BY CreatedDate DESC LIMIT 1`
            )
        )[0];
        if (session) routed = await findRoutedQueue(org, session);
        if (routed || Date.now() >= deadline) break;
        if (Date.now() >= nextNotice) {
            input.progress?.(
                `… waiting for the session to be routed: ${Math.round((Date.now() - started) / 1000)} of ${Math.round(input.timeoutMs / 1000)} s`
            );
            nextNotice += 5000;
        }
        await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    if (!session && input.routedRecordId) {
        // Routed, but not findable by the trace key: the flow did not stamp it.
        session = (
            await org.query(
                `SELECT ${SESSION_FIELDS} FROM MessagingSession WHERE Id = '${soqlString(input.routedRecordId)}'`
            )
        )[0];
        if (session) routed = await findRoutedQueue(org, session);
    }
    return { session, routed };
}

function sessionMissing(input: VerifyInput): Check {
    const { channel, routingFlow } = input.names;
    return {
        name: 'MessagingSession created',
        ok: false,
        detail: `no MessagingSession has OpenCX_Session_Id__c = ${input.sessionId} after ${Math.round(input.timeoutMs / 1000)} s`,
        fix:
            `Check, in this order: the messaging channel ${channel} is active (Setup → Messaging Settings → ${channel} → Activate); ` +
            'the deployment OpenCX_Handoff is published (Setup → Embedded Service Deployments → OpenCX_Handoff → Publish); ' +
            `the channel routes with the flow ${routingFlow} (channel → Routing: Omni-Channel Flow) and the flow is active; ` +
            '`npm run provision -- --check` checks all three.'
    };
}

function stampedFields(session: Record<string, unknown>): Record<string, string | null> {
    const stamped: Record<string, string | null> = {};
    for (const field of Object.values(STAMPED_FIELDS)) {
        const value = session[field];
        stamped[field] = value === undefined || value === null ? null : String(value);
    }
    return stamped;
}

function stampedCheck(
    stamped: Record<string, string | null>,
    input: VerifyInput,
    routedAsRulesSay: boolean
): Check {
    const notStamped: string[] = [];
    for (const [attribute, field] of Object.entries(STAMPED_FIELDS)) {
        const sent = input.routingAttributes[attribute];
        if (sent !== undefined && stamped[field] !== sent)
            notStamped.push(
                `${field} (sent "${sent}", found ${stamped[field] === null ? 'blank' : `"${stamped[field]}"`})`
            );
    }
    if (notStamped.length === 0) {
        return { name: 'attributes stamped', ok: true, detail: describeStamped(stamped) };
    }
    return {
        name: 'attributes stamped',
        ok: false,
        detail: `not stamped: ${notStamped.join('; ')}`,
        fix: stampFix(
            input,
            routedAsRulesSay,
            notStamped.map((item) => item.split(' ')[0])
        )
    };
}

/** Where the stamping failed decides what to do: the deployment, the channel mapping, or access. */
function stampFix(input: VerifyInput, routedAsRulesSay: boolean, fields: string[]): string {
    const notAccepted = input.attributesNotAccepted ?? [];
    if (notAccepted.length > 0) {
        return `The deployment does not accept ${notAccepted.join(', ')}: add each as a hidden pre-chat field of OpenCX_Handoff (Setup → Embedded Service Deployments → OpenCX_Handoff → Pre-Chat), then republish.`;
    }
    if (routedAsRulesSay) {
        // The flow read Chat_Consumer_Type (it routed by the rules) but its write did not land.
        const guide = existsSync(join(PROJECT_ROOT, 'docs', 'routing-access.md'))
            ? ' Steps: docs/routing-access.md, "When stamping silently fails".'
            : '';
        return (
            `The flow ${input.names.routingFlow} routed by the rules but its write did not land: the user it runs as needs Read and Edit on Messaging Session, Read on Messaging End User, and Edit on ${fields.join(', ')}. ` +
            'Find that user in a debug log (trace flags on the Automated Process and Platform Integration users, FLOW_START_INTERVIEW) and grant it in a permission set of your own, ' +
            `or set the flow to run in system context (Flow Builder → ${input.names.routingFlow} → How to Run the Flow → System Context Without Sharing).${guide}`
        );
    }
    return `Each attribute must be a channel custom parameter mapped to the flow input variable of the same name, and the flow ${input.names.routingFlow} must be active and write it; deploy again (\`npm run deploy\`: it checks the mappings) and republish the deployment.`;
}

async function expectedFor(
    org: OrgApi,
    input: VerifyInput
): Promise<{ expected: ExpectedQueue; queues: { Id: string; DeveloperName: string }[] }> {
    const [rules, queues, allowUnchecked] = await Promise.all([
        routingRules(org),
        org.query<{ Id: string; DeveloperName: string }>(
            "SELECT Id, DeveloperName FROM Group WHERE Type = 'Queue'"
        ),
        uncheckedClaimsAllowed(org)
    ]);
    const expected = expectedQueue(
        input.routingAttributes.Chat_Consumer_Type,
        rules,
        new Set(queues.map((queue) => queue.DeveloperName)),
        input.names.fallbackQueue,
        { verified: input.visitorVerified ?? true, allowUnchecked }
    );
    return { expected, queues };
}

const isTrue = (value: unknown) => value === true || String(value) === 'true';

/** The rule records; an org deployed before Requires_Verified_Identity__c existed reads without it. */
async function routingRules(org: OrgApi): Promise<RoutingRule[]> {
    const base = 'DeveloperName, Consumer_Type__c, Queue_Developer_Name__c, Active__c';
    const rows = await org
        .query<Record<string, unknown>>(
            `SELECT ${base}, Requires_Verified_Identity__c FROM OpenCX_Routing_Rule__mdt`
        )
        .catch(() =>
            org.query<Record<string, unknown>>(`SELECT ${base} FROM OpenCX_Routing_Rule__mdt`)
        );
    return rows.map((rule) => ({
        DeveloperName: String(rule.DeveloperName),
        Consumer_Type__c: typeof rule.Consumer_Type__c === 'string' ? rule.Consumer_Type__c : null,
        Queue_Developer_Name__c:
            typeof rule.Queue_Developer_Name__c === 'string' ? rule.Queue_Developer_Name__c : null,
        Active__c: isTrue(rule.Active__c),
        Requires_Verified_Identity__c: isTrue(rule.Requires_Verified_Identity__c)
    }));
}

/** OpenCX_Setting Default's Allow_Unchecked_Verified_Claims__c (false when not readable). */
async function uncheckedClaimsAllowed(org: OrgApi): Promise<boolean> {
    try {
        const [setting] = await org.query<Record<string, unknown>>(
            "SELECT Allow_Unchecked_Verified_Claims__c FROM OpenCX_Setting__mdt WHERE DeveloperName = 'Default'"
        );
        return isTrue(setting?.Allow_Unchecked_Verified_Claims__c);
    } catch {
        return false;
    }
}

function queueCheck(
    sessionId: string,
    routed: SessionReport['routedQueue'],
    expected: ExpectedQueue,
    input: VerifyInput
): Check {
    const { channel, routingFlow, fallbackQueue } = input.names;
    if (!routed) {
        return {
            name: 'routed to a queue',
            ok: false,
            detail: `${sessionId} exists but no queue holds it (no PendingServiceRouting, AgentWork or queue owner) after ${Math.round(input.timeoutMs / 1000)} s`,
            fix: `The flow ${routingFlow} did not route it: check the flow is active and is the channel's routing flow (Setup → Messaging Settings → ${channel} → Routing), that the queues have a routing configuration, and the flow's run history (Setup → Flows → ${routingFlow} → Paused and Failed Flow Interviews).`
        };
    }
    if (routed.developerName === expected.queueDeveloperName) {
        return {
            name: 'routed to the expected queue',
            ok: true,
            detail: `${routed.developerName} (by ${expected.reason}; seen through ${routed.source})`
        };
    }
    const consumerType = input.routingAttributes.Chat_Consumer_Type;
    return {
        name: 'routed to the expected queue',
        ok: false,
        detail: `routed to ${routed.developerName ?? routed.id}, the rules say ${expected.queueDeveloperName} (${expected.reason}; seen through ${routed.source})`,
        fix:
            routed.developerName === fallbackQueue
                ? `It went to the fallback queue: the flow failed or was not used. Check that ${routingFlow} is the channel's routing flow and is active, that Chat_Consumer_Type reached the flow (attributes stamped above), and the flow's failed interviews.`
                : `Rule mismatch: edit the OpenCX_Routing_Rule__mdt record for "${consumerType}" (Setup → Custom Metadata Types → OpenCX Routing Rule → Manage Records) or deploy the project's flow again: the flow in the org does not follow the rules.`
    };
}

/** The identity check of a visitor whose token was signed with the provisioned key. */
export function identityCheck(accepted: TokenAttempt, key: SigningKey | null): Check[] {
    if (accepted.way !== 'signed' || accepted.keySource !== 'provisioned' || !key) return [];
    if (accepted.subjectKind === 'AUTH') {
        return [
            {
                name: 'identity token verified',
                ok: true,
                detail: accepted.subject ?? 'AUTH subject'
            }
        ];
    }
    return [
        {
            name: 'identity token verified',
            ok: false,
            detail: `Salesforce answered with a guest token (${accepted.subject ?? 'no subject'}): it did not verify the identity token (kid ${key.kid}, iss ${key.issuer}) and went on as an anonymous visitor, which is what it does with a bad signature, an unknown kid, a wrong issuer or an expired token. Routing still follows Chat_Consumer_Type as sent: it does not know the token failed.`,
            fix: IDENTITY_FIX
        }
    ];
}

export const IDENTITY_FIX =
    'Sign with the private key provisioning wrote and its Auth Key ID: the kid must be the kid of a key in the PublicKeyCertificateSet OpenCX_Identity_Keys, ' +
    'iss must equal the keyset issuer, exp must be in the future. `npm run provision -- --check` compares the local key with the registered one; ' +
    '`npm run provision -- --rotate-key` registers a new key (then paste the new values into OpenCX). Also check that user verification is on for the channel OpenCX_Messaging.';

/** Whether the mode in use is the one the token answers point to. */
export function modeCheck(verdict: Verdict, mode: VisitorVerification): Check {
    const ok = verdict.needed === mode && verdict.fix === null;
    return {
        name: 'visitor verification mode',
        ok,
        detail: `${mode} in use; the org's answers point to ${verdict.needed}${verdict.guestFallback ? ' (identity tokens fall back to guest tokens)' : ''}`,
        ...(ok ? {} : { fix: verdict.fix ?? verdict.line })
    };
}

async function findRoutedQueue(
    org: OrgApi,
    session: Record<string, unknown>
): Promise<SessionReport['routedQueue']> {
    const id = soqlString(String(session.Id));
    const pending = await org.query<{ QueueId: string | null }>(
        `SELECT Id, QueueId FROM PendingServiceRouting WHERE WorkItemId = '${id}'`
    );
    const pendingQueue = pending.find((row) => row.QueueId)?.QueueId;
    if (pendingQueue)
        return { id: pendingQueue, developerName: null, source: 'PendingServiceRouting.QueueId' };
    const work = await org.query<{ OriginalQueueId: string | null }>(
        `SELECT Id, OriginalQueueId FROM AgentWork WHERE WorkItemId = '${id}' ORDER BY CreatedDate DESC`
    );
    const workQueue = work.find((row) => row.OriginalQueueId)?.OriginalQueueId;
    if (workQueue)
        return { id: workQueue, developerName: null, source: 'AgentWork.OriginalQueueId' };
    const owner = typeof session.OwnerId === 'string' ? session.OwnerId : '';
    if (owner.startsWith('00G'))
        return { id: owner, developerName: null, source: 'MessagingSession.OwnerId' };
    return null;
}

async function queueDeveloperName(org: OrgApi, id: string): Promise<string | null> {
    const rows = await org.query<{ DeveloperName: string }>(
        `SELECT DeveloperName FROM Group WHERE Id = '${soqlString(id)}'`
    );
    return rows[0]?.DeveloperName ?? null;
}

function describeStamped(stamped: Record<string, string | null>): string {
    return Object.entries(stamped)
        .map(([field, value]) => `${field}=${value === null ? '(blank)' : value}`)
        .join(', ');
}

/** Escapes a value for a single-quoted SOQL string literal. */
export function soqlString(value: string): string {
    return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

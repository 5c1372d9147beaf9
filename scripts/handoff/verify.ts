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
// value or a missing queue → OpenCX_Fallback). This is deliberately an independent reading of
// the rules, not the flow: it is what catches a flow that does not follow them.

export interface OrgApi {
    /** e.g. https://acme.my.salesforce.com */
    instanceUrl: string;
    /** Runs SOQL and returns every record. */
    query<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
    /** The same through the Tooling API (setup objects such as EmbeddedServiceConfig). */
    toolingQuery<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
}

export const FALLBACK_QUEUE = 'OpenCX_Fallback';

/** MessagingSession field for each routing attribute (same names everywhere, see DESIGN.md). */
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
    existingQueues: Set<string>
): ExpectedQueue {
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
}

export async function verifyHandoff(
    org: OrgApi,
    input: VerifyInput
): Promise<{ checks: Check[]; session: SessionReport | null }> {
    const checks: Check[] = [];
    const deadline = Date.now() + input.timeoutMs;
    const pollMs = input.pollMs ?? 1000;
    const fields = Object.values(STAMPED_FIELDS).join(', ');

    let session: Record<string, unknown> | undefined;
    let routed: SessionReport['routedQueue'] = null;
    for (;;) {
        session ??= (
            await org.query(
                `SELECT Id, Name, Status, OwnerId, ${fields} FROM MessagingSession ` +
                    `WHERE OpenCX_Session_Id__c = '${soqlString(input.sessionId)}' ORDER BY CreatedDate DESC LIMIT 1`
            )
        )[0];
        if (session) {
            routed = await findRoutedQueue(org, session);
            if (routed) break;
        }
        if (Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, pollMs));
    }

    if (!session && input.routedRecordId) {
        // Routed, but not findable by the trace key: the flow did not stamp it.
        session = (
            await org.query(
                `SELECT Id, Name, Status, OwnerId, ${fields} FROM MessagingSession WHERE Id = '${soqlString(input.routedRecordId)}'`
            )
        )[0];
        if (session) routed = await findRoutedQueue(org, session);
    }

    if (!session) {
        checks.push({
            name: 'MessagingSession created',
            ok: false,
            detail: `no MessagingSession has OpenCX_Session_Id__c = ${input.sessionId} after ${Math.round(input.timeoutMs / 1000)} s`,
            fix:
                'Check, in this order: the messaging channel OpenCX_Messaging is active (Setup → Messaging Settings → OpenCX_Messaging → Activate); ' +
                'the deployment OpenCX_Handoff is published (Setup → Embedded Service Deployments → OpenCX_Handoff → Publish); ' +
                'the channel routes with the flow OpenCX_Route_Handoff (channel → Routing: Omni-Channel Flow) and the flow is active; ' +
                '`npm run provision -- --check` checks all three.'
        });
        return { checks, session: null };
    }

    const sessionId = String(session.Id);
    checks.push({
        name: 'MessagingSession created',
        ok: true,
        detail: `${sessionId}${session.Name ? ` (${String(session.Name)})` : ''}`
    });

    const stamped: Record<string, string | null> = {};
    const notStamped: string[] = [];
    for (const [attribute, field] of Object.entries(STAMPED_FIELDS)) {
        const value = session[field];
        stamped[field] = value === undefined || value === null ? null : String(value);
        const sent = input.routingAttributes[attribute];
        if (sent !== undefined && stamped[field] !== sent)
            notStamped.push(
                `${field} (sent "${sent}", found ${stamped[field] === null ? 'blank' : `"${stamped[field]}"`})`
            );
    }
    const notAccepted = input.attributesNotAccepted ?? [];
    checks.push(
        notStamped.length === 0
            ? { name: 'attributes stamped', ok: true, detail: describeStamped(stamped) }
            : {
                  name: 'attributes stamped',
                  ok: false,
                  detail: `not stamped: ${notStamped.join('; ')}`,
                  fix:
                      notAccepted.length > 0
                          ? `The deployment does not accept ${notAccepted.join(', ')}: add each as a hidden pre-chat field of OpenCX_Handoff (Setup → Embedded Service Deployments → OpenCX_Handoff → Pre-Chat), then republish.`
                          : 'Each attribute must be a channel custom parameter mapped to the flow input variable of the same name, and the flow element Stamp_Routing_Attributes must write it; deploy the project metadata again (`sf project deploy start`) and republish the deployment.'
              }
    );

    const consumerType = input.routingAttributes.Chat_Consumer_Type;
    const [rules, queues] = await Promise.all([
        org.query<RoutingRule & Record<string, unknown>>(
            'SELECT DeveloperName, Consumer_Type__c, Queue_Developer_Name__c, Active__c FROM OpenCX_Routing_Rule__mdt'
        ),
        org.query<{ Id: string; DeveloperName: string }>(
            "SELECT Id, DeveloperName FROM Group WHERE Type = 'Queue'"
        )
    ]);
    const expected = expectedQueue(
        consumerType,
        rules.map((rule) => ({
            ...rule,
            Active__c: rule.Active__c === true || String(rule.Active__c) === 'true'
        })),
        new Set(queues.map((queue) => queue.DeveloperName))
    );
    if (routed && routed.developerName === null) {
        const known = queues.find((queue) => queue.Id === routed?.id);
        routed.developerName = known
            ? known.DeveloperName
            : await queueDeveloperName(org, routed.id);
    }

    if (!routed) {
        checks.push({
            name: 'routed to a queue',
            ok: false,
            detail: `${sessionId} exists but no queue holds it (no PendingServiceRouting, AgentWork or queue owner) after ${Math.round(input.timeoutMs / 1000)} s`,
            fix: "The flow OpenCX_Route_Handoff did not route it: check the flow is active and is the channel's routing flow (Setup → Messaging Settings → OpenCX_Messaging → Routing), that the queues have a routing configuration (OpenCX_Messaging_Routing), and the flow's run history (Setup → Flows → OpenCX_Route_Handoff → Paused and Failed Flow Interviews)."
        });
    } else {
        const matches = routed.developerName === expected.queueDeveloperName;
        checks.push(
            matches
                ? {
                      name: 'routed to the expected queue',
                      ok: true,
                      detail: `${routed.developerName} (by ${expected.reason}; seen through ${routed.source})`
                  }
                : {
                      name: 'routed to the expected queue',
                      ok: false,
                      detail: `routed to ${routed.developerName ?? routed.id}, the rules say ${expected.queueDeveloperName} (${expected.reason}; seen through ${routed.source})`,
                      fix:
                          routed.developerName === FALLBACK_QUEUE
                              ? "It went to the fallback queue: the flow failed or was not used. Check that OpenCX_Route_Handoff is the channel's routing flow and is active, that Chat_Consumer_Type reached the flow (attributes stamped above), and the flow's failed interviews."
                              : `Rule mismatch: edit the OpenCX_Routing_Rule__mdt record for "${consumerType}" (Setup → Custom Metadata Types → OpenCX Routing Rule → Manage Records) or deploy the project's flow again: the flow in the org does not follow the rules.`
                  }
        );
    }

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

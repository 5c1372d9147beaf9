// Step 1, preflight: reads what the other steps need in one pass (API versions, the organization,
// queues, permission sets, presence configuration, the messaging channel, routing flow, deployment
// and routing rules) and checks that the org can take the rest: API version, Messaging and
// Omni-Channel on, the project's metadata deployed. Read-only.
import type { Connection } from 'jsforce';
import {
    ApiError,
    queryManySettled,
    soqlList,
    soqlQuote,
    toolingQueryAll,
    type SObjectRow
} from '../lib/batch.ts';
import { expectAnswer, UnreadableAnswerError } from '../lib/answer.ts';
import type { ProjectNames } from '../lib/project.ts';
import { PlanError, type Check, type OrgSnapshot, type Step } from './context.ts';

export type { OrgSnapshot };

export const SETUP_PATHS = {
    apiVersion:
        'Update the org (sandbox refresh) or set sourceApiVersion in sfdx-project.json to a version the org serves',
    messaging: 'Setup → Messaging Settings → turn on Messaging',
    omniChannel: 'Setup → Omni-Channel Settings → Enable Omni-Channel',
    // npm run deploy, not a plain sf project deploy start: the order binds the channel's mappings.
    deploy: 'Deploy the project: npm run deploy -- --target-org <alias>',
    channel:
        'Setup → Messaging Settings → OpenCX Messaging → Activate (or run npm run provision, which activates it)',
    channelFlow:
        'Setup → Messaging Settings → OpenCX Messaging → Routing: Omni-Flow, Flow OpenCX_Route_Handoff (or redeploy the channel)',
    flow: 'Setup → Flows → OpenCX Route Handoff → activate the latest version (or run npm run provision, which activates it)',
    deployment: 'Setup → Embedded Service Deployments → OpenCX_Handoff → Publish',
    queueMembers:
        'Setup → Queues → <queue> → Edit → add members (or list reps in opencx.config.json and run npm run provision)',
    repAccess:
        'Setup → Users → <user> → Permission Set Assignments → OpenCX Handoff Rep; Setup → Presence Configurations → OpenCX Reps → assign the user',
    apiKey: 'Setup → Named Credentials → External Credentials → OpenCX API → Principals → OpenCX_API_Key → Authentication Parameters → ApiKey',
    rules: 'Setup → Custom Metadata Types → OpenCX Routing Rule → Manage Records → fix Queue Developer Name',
    keySet: 'Setup → Enhanced Chat User Verification (Key Sets) → OpenCX Identity Keys (or run npm run provision)'
} as const;

function byName(rows: SObjectRow[], field: string): Map<string, string> {
    return new Map(rows.map((row) => [String(row[field]), row.Id]));
}

type Settled = SObjectRow[] | ApiError;
const rowsOf = (result: Settled): SObjectRow[] => (result instanceof ApiError ? [] : result);
/** INVALID_TYPE means a feature (or the custom metadata type) is missing: reported as a check. */
const unsupported = (result: Settled) =>
    result instanceof ApiError && result.errorCode === 'INVALID_TYPE';

/** The data API reads of the snapshot, in one Composite call (plus one for the ninth query). */
async function readSetupRows(conn: Connection, project: ProjectNames) {
    const queueNames = [
        ...new Set([
            ...project.queues,
            ...project.routingRules.map((rule) => rule.queue).filter(Boolean)
        ])
    ];
    const [
        organization,
        groups,
        permissionSets,
        presenceConfigs,
        presenceStatuses,
        serviceChannels,
        channels,
        rules
    ] = await queryManySettled(conn, [
        'SELECT Id, Name FROM Organization',
        `SELECT Id, DeveloperName FROM Group WHERE Type = 'Queue' AND DeveloperName IN ${soqlList(queueNames)}`,
        `SELECT Id, Name FROM PermissionSet WHERE Name IN ${soqlList([project.repPermissionSet, project.adminPermissionSet])}`,
        `SELECT Id, DeveloperName FROM PresenceUserConfig WHERE DeveloperName = ${soqlQuote(project.presenceConfig)}`,
        `SELECT Id, DeveloperName FROM ServicePresenceStatus WHERE DeveloperName IN ${soqlList(project.presenceStatuses)}`,
        "SELECT Id, DeveloperName FROM ServiceChannel WHERE DeveloperName = 'sfdc_livemessage'",
        `SELECT Id, IsActive, SessionHandlerId, LastModifiedDate FROM MessagingChannel WHERE DeveloperName = ${soqlQuote(project.messagingChannel)}`,
        'SELECT Id, DeveloperName, Consumer_Type__c, Queue_Developer_Name__c, Active__c FROM OpenCX_Routing_Rule__mdt'
    ]);
    if (organization instanceof ApiError) throw organization;
    if (typeof organization[0]?.Id !== 'string') {
        throw new UnreadableAnswerError('the Organization query', organization);
    }
    const optional = {
        groups,
        permissionSets,
        presenceConfigs,
        presenceStatuses,
        serviceChannels,
        channels,
        rules
    };
    for (const result of Object.values(optional)) {
        if (result instanceof ApiError && !unsupported(result)) throw result;
    }
    return { organization: organization[0], ...optional };
}

function toRules(rules: Settled): OrgSnapshot['rules'] {
    if (unsupported(rules)) return undefined;
    return rowsOf(rules).map((row) => ({
        name: String(row.DeveloperName),
        consumerType: String(row.Consumer_Type__c ?? ''),
        queue: String(row.Queue_Developer_Name__c ?? ''),
        active: row.Active__c === true
    }));
}

/** Reads the org state the steps and the doctor work from (about five API calls). */
export async function readOrgSnapshot(
    conn: Connection,
    project: ProjectNames
): Promise<OrgSnapshot> {
    const versions = expectAnswer<{ version: string }[]>(
        await conn.request('/services/data'),
        (body) =>
            Array.isArray(body) &&
            body.every((entry) => typeof (entry as { version?: unknown })?.version === 'string'),
        'the API versions (GET /services/data)'
    );
    const rows = await readSetupRows(conn, project);
    const [flowRows, deploymentRows] = await Promise.all([
        toolingQueryAll(
            conn,
            `SELECT Id, ActiveVersionId, LatestVersionId, LatestVersion.VersionNumber FROM FlowDefinition WHERE DeveloperName = ${soqlQuote(project.routingFlow)}`
        ),
        toolingQueryAll(
            conn,
            `SELECT Id, IsEnabled, LastModifiedDate FROM EmbeddedServiceConfig WHERE DeveloperName = ${soqlQuote(project.deployment)}`
        )
    ]);
    const channel = rowsOf(rows.channels)[0];
    const flow = flowRows[0];
    const deployment = deploymentRows[0];
    return {
        orgId: rows.organization.Id,
        orgName: String(rows.organization.Name ?? ''),
        instanceUrl: conn.instanceUrl,
        apiVersions: versions.map((entry) => entry.version),
        messagingEnabled: !unsupported(rows.channels),
        omniChannelEnabled:
            !unsupported(rows.presenceConfigs) && !unsupported(rows.serviceChannels),
        queues: byName(rowsOf(rows.groups), 'DeveloperName'),
        permissionSets: byName(rowsOf(rows.permissionSets), 'Name'),
        presenceConfigId: rowsOf(rows.presenceConfigs)[0]?.Id,
        presenceStatuses: byName(rowsOf(rows.presenceStatuses), 'DeveloperName'),
        serviceChannelId: rowsOf(rows.serviceChannels)[0]?.Id,
        channel: channel && {
            Id: channel.Id,
            IsActive: channel.IsActive === true,
            SessionHandlerId: (channel.SessionHandlerId as string | null) ?? null,
            LastModifiedDate: String(channel.LastModifiedDate ?? '')
        },
        flow: flow && {
            Id: flow.Id,
            ActiveVersionId: (flow.ActiveVersionId as string | null) ?? null,
            LatestVersionId: (flow.LatestVersionId as string | null) ?? null,
            latestVersionNumber:
                (flow.LatestVersion as { VersionNumber?: number } | null)?.VersionNumber ?? null
        },
        deployment: deployment && {
            Id: deployment.Id,
            IsEnabled: deployment.IsEnabled !== false,
            LastModifiedDate: String(deployment.LastModifiedDate ?? '')
        },
        rules: toRules(rows.rules)
    };
}

/** The org-readiness checks (shared by the preflight step and the doctor). */
export function preflightChecks(snapshot: OrgSnapshot, project: ProjectNames): Check[] {
    const missing = (names: string[], present: Map<string, string>) =>
        names.filter((name) => !present.has(name));
    const checks: Check[] = [];
    const add = (id: string, title: string, passed: boolean, detail: string, fix: string) =>
        checks.push({ id, title, passed, detail, ...(passed ? {} : { fix }) });

    add(
        'api-version',
        `API version ${project.apiVersion}`,
        snapshot.apiVersions.includes(project.apiVersion),
        snapshot.apiVersions.includes(project.apiVersion)
            ? `served (org's latest: ${snapshot.apiVersions.at(-1)})`
            : `the org serves up to ${snapshot.apiVersions.at(-1)}`,
        SETUP_PATHS.apiVersion
    );
    add(
        'messaging',
        'Messaging enabled',
        snapshot.messagingEnabled,
        snapshot.messagingEnabled ? 'on' : 'MessagingChannel is not available in this org',
        SETUP_PATHS.messaging
    );
    add(
        'omni-channel',
        'Omni-Channel enabled',
        snapshot.omniChannelEnabled && snapshot.serviceChannelId !== undefined,
        snapshot.omniChannelEnabled
            ? snapshot.serviceChannelId
                ? 'on, Messaging service channel sfdc_livemessage present'
                : 'the Messaging service channel sfdc_livemessage is missing'
            : 'Omni-Channel objects are not available in this org',
        SETUP_PATHS.omniChannel
    );
    const missingMetadata = [
        ...(snapshot.channel ? [] : [`messaging channel ${project.messagingChannel}`]),
        ...(snapshot.deployment ? [] : [`Embedded Service deployment ${project.deployment}`]),
        ...(snapshot.flow ? [] : [`routing flow ${project.routingFlow}`]),
        ...missing(project.queues, snapshot.queues).map((name) => `queue ${name}`),
        ...missing(
            [project.repPermissionSet, project.adminPermissionSet],
            snapshot.permissionSets
        ).map((name) => `permission set ${name}`),
        ...(snapshot.presenceConfigId ? [] : [`presence configuration ${project.presenceConfig}`]),
        ...missing(project.presenceStatuses, snapshot.presenceStatuses).map(
            (name) => `presence status ${name}`
        ),
        ...(snapshot.rules === undefined ? ['custom metadata type OpenCX_Routing_Rule__mdt'] : []),
        ...(snapshot.rules && snapshot.rules.length === 0
            ? ['OpenCX_Routing_Rule__mdt records']
            : [])
    ];
    add(
        'metadata-deployed',
        'Project metadata deployed',
        missingMetadata.length === 0,
        missingMetadata.length === 0
            ? 'channel, deployment, flow, queues, permission sets, presence, rules'
            : `missing: ${missingMetadata.join(', ')}`,
        SETUP_PATHS.deploy
    );
    return checks;
}

export const preflightStep: Step = {
    id: 'preflight',
    title: 'Preflight',
    plan: async ({ snapshot, project }) => {
        const failed = preflightChecks(snapshot, project).filter((check) => !check.passed);
        if (failed.length > 0) {
            const lines = failed.map(
                (check) => `${check.title}: ${check.detail}. Fix: ${check.fix}`
            );
            throw new PlanError(`the org is not ready:\n  - ${lines.join('\n  - ')}`, 1);
        }
        return {
            changes: [],
            unchangedSummary: `API ${project.apiVersion}, Messaging and Omni-Channel on, project metadata deployed`,
            apply: () => Promise.reject(new Error('preflight makes no changes'))
        };
    }
};

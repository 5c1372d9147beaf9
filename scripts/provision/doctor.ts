// --check, the doctor: every cause OpenCX's troubleshooting and the design name, as pass/fail with
// the Setup path that fixes it. Read-only. Causes: org not ready (API version, Messaging,
// Omni-Channel, metadata not deployed), channel inactive, flow not set on the channel, flow version
// not active, deployment not published, the channel's authMode not what visitorVerification says,
// queue without members, rep without permission set or presence configuration, config user missing,
// API key missing, admin without Customize Application (a warning), routing rule naming a missing
// queue, key set missing / without a key / issuer mismatch / local private key not registered
// (verified mode); and the last rehearsal's verdict.
import { chunk, queryAll, queryMany, soqlList, type SObjectRow } from '../lib/batch.ts';
import { CliError } from '../lib/cli.ts';
import { certificateName } from '../lib/identity-key.ts';
import { inspectKeyFile } from '../lib/key-file.ts';
import { readKeySet, registeredCertificates } from '../lib/key-set.ts';
import { readMetadata } from '../lib/metadata-api.ts';
import { readLastRehearsal } from '../lib/rehearsal-verdict.ts';
import { CHANNEL_AUTH_MODE } from '../lib/visitor-verification.ts';
import { isPublishCurrent, readPublishRecord } from './activation.ts';
import { adminAccessChecks } from './admin-access.ts';
import { readApiKeyState } from './api-key.ts';
import type { Check, ProvisionContext } from './context.ts';
import { expectedIssuer, privateKeyPathOf } from './identity-key.ts';
import { orgCacheCheck } from './org-cache.ts';
import { preflightChecks, SETUP_PATHS } from './preflight.ts';
import { routingSummaryCheck } from './routing-summary.ts';
import { findUsers, key15, readMemberships } from './reps.ts';
import { uncheckedClaimsChecks } from './unchecked-claims.ts';

function check(id: string, title: string, passed: boolean, detail: string, fix: string): Check {
    return { id, title, passed, detail, ...(passed ? {} : { fix }) };
}

function listSome(items: string[], max = 10): string {
    return items.length <= max
        ? items.join(', ')
        : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

function activationChecks({ project, snapshot, options }: ProvisionContext): Check[] {
    const { channel, flow, deployment } = snapshot;
    const checks: Check[] = [];
    if (channel) {
        const routed =
            flow !== undefined &&
            channel.SessionHandlerId !== null &&
            key15(channel.SessionHandlerId) === key15(flow.Id);
        checks.push(
            check(
                'channel-active',
                `Messaging channel ${project.messagingChannel} active`,
                channel.IsActive,
                channel.IsActive ? 'active' : 'inactive',
                SETUP_PATHS.channel
            ),
            check(
                'channel-flow',
                `Channel routes with flow ${project.routingFlow}`,
                routed,
                routed
                    ? 'Omni-Flow routing set'
                    : `the channel's routing flow is ${channel.SessionHandlerId ?? 'not set'}`,
                SETUP_PATHS.channelFlow
            )
        );
    }
    if (flow) {
        const active =
            flow.ActiveVersionId !== null && flow.ActiveVersionId === flow.LatestVersionId;
        const detail = active
            ? `version ${flow.latestVersionNumber} active`
            : flow.ActiveVersionId
              ? `an older version is active; latest is ${flow.latestVersionNumber}`
              : 'no active version';
        checks.push(
            check(
                'flow-active',
                `Routing flow ${project.routingFlow} active`,
                active,
                detail,
                SETUP_PATHS.flow
            )
        );
    }
    if (deployment) {
        const published = isPublishCurrent(
            readPublishRecord(options.stateDir, snapshot.orgId),
            snapshot
        );
        checks.push(
            check(
                'deployment-published',
                `Deployment ${project.deployment} published`,
                published,
                published
                    ? 'published by npm run provision after its last change'
                    : 'no publish recorded since the deployment or channel last changed (Salesforce has no field that shows it)',
                `${SETUP_PATHS.deployment} (or run npm run provision, which publishes)`
            )
        );
    }
    return checks;
}

/** The channel's authMode (Metadata API MessagingChannel.embeddedConfig) against the config's mode. */
async function authModeCheck({ conn, project, config }: ProvisionContext): Promise<Check> {
    const mode = config.visitorVerification;
    const expected = CHANNEL_AUTH_MODE[mode];
    const [channel] = await readMetadata<{
        fullName?: string;
        embeddedConfig?: { authMode?: string };
    }>(conn, 'MessagingChannel', [project.messagingChannel]);
    const actual = channel?.embeddedConfig?.authMode;
    const other = mode === 'verified' ? 'open' : 'verified';
    const detail =
        actual === undefined
            ? 'the org did not say (no embeddedConfig/authMode in the channel metadata)'
            : `the org's channel has authMode ${actual}; visitorVerification "${mode}" needs ${expected}`;
    const fix =
        actual === undefined
            ? `Setup → Messaging Settings → ${project.messagingChannel}: check user verification, then redeploy the channel (npm run deploy)`
            : `redeploy the channel for "${mode}" (npm run deploy), or set "visitorVerification": "${other}" in opencx.config.json if the org is right`;
    return check(
        'channel-auth-mode',
        `Channel user verification matches visitorVerification (${mode})`,
        actual === expected,
        actual === expected ? `authMode ${actual}` : detail,
        fix
    );
}

async function queueMembers(
    context: ProvisionContext
): Promise<{ queueIds: string[]; members: SObjectRow[] }> {
    const { conn, project, snapshot } = context;
    const queueIds = project.queues.flatMap((queue) => snapshot.queues.get(queue) ?? []);
    const members = queueIds.length
        ? await queryAll(
              conn,
              `SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE GroupId IN ${soqlList(queueIds)}`
          )
        : [];
    return { queueIds, members };
}

function queueChecks({ project, snapshot }: ProvisionContext, members: SObjectRow[]): Check[] {
    return project.queues.flatMap((queue) => {
        const groupId = snapshot.queues.get(queue);
        if (!groupId) return [];
        const count = members.filter((row) => key15(row.GroupId) === key15(groupId)).length;
        return [
            check(
                `queue-members:${queue}`,
                `Queue ${queue} has members`,
                count > 0,
                `${count} member(s)`,
                SETUP_PATHS.queueMembers.replace('<queue>', queue)
            )
        ];
    });
}

async function userChecks(
    context: ProvisionContext,
    queueIds: string[],
    members: SObjectRow[]
): Promise<Check[]> {
    const { conn, project, snapshot, config } = context;
    const checks: Check[] = [];
    const usernames = [...new Set([...config.reps.map((rep) => rep.username), ...config.admins])];
    const users = usernames.length ? await findUsers(conn, usernames) : new Map();
    if (usernames.length) {
        const unknown = usernames.filter((name) => !users.get(name.toLowerCase())?.IsActive);
        checks.push(
            check(
                'config-users',
                'Users in the config exist and are active',
                unknown.length === 0,
                unknown.length
                    ? `not found or inactive: ${listSome(unknown)}`
                    : `${usernames.length} user(s)`,
                'Setup → Users: create or activate them, or fix opencx.config.json'
            )
        );
    }
    const repSetId = snapshot.permissionSets.get(project.repPermissionSet);
    if (!repSetId || snapshot.presenceConfigId === undefined) return checks;
    const repIds = [
        ...new Set([
            ...members.map((row) => String(row.UserOrGroupId)).filter((id) => id.startsWith('005')),
            ...config.reps.flatMap((rep) => users.get(rep.username.toLowerCase())?.Id ?? [])
        ])
    ];
    if (repIds.length === 0) return checks;
    const memberships = await readMemberships(conn, queueIds, [repSetId], repIds);
    const names = new Map(
        (
            await queryMany(
                conn,
                chunk(repIds, 200).map(
                    (part) => `SELECT Id, Username FROM User WHERE Id IN ${soqlList(part)}`
                )
            )
        )
            .flat()
            .map((row) => [key15(row.Id), String(row.Username)])
    );
    const label = (ids: string[]) => listSome(ids.map((id) => names.get(key15(id)) ?? id));
    const withoutSet = repIds.filter(
        (id) => !memberships.assignments.has(`${key15(repSetId)}/${key15(id)}`)
    );
    const withoutPresence = repIds.filter((id) => !memberships.presence.has(key15(id)));
    checks.push(
        check(
            'rep-permission-set',
            `Reps have permission set ${project.repPermissionSet}`,
            withoutSet.length === 0,
            withoutSet.length ? `missing for ${label(withoutSet)}` : `${repIds.length} rep(s)`,
            SETUP_PATHS.repAccess
        ),
        check(
            'rep-presence',
            'Reps have a presence configuration',
            withoutPresence.length === 0,
            withoutPresence.length
                ? `missing for ${label(withoutPresence)}`
                : `${repIds.length} rep(s)`,
            SETUP_PATHS.repAccess
        )
    );
    return checks;
}

async function apiKeyAndRuleChecks({
    conn,
    project,
    snapshot
}: ProvisionContext): Promise<Check[]> {
    const state = await readApiKeyState(conn, project);
    const { name, principal } = project.externalCredential;
    const checks = [
        check(
            'api-key',
            'OpenCX API key stored',
            state === 'set',
            state === 'set'
                ? `in ${name}`
                : state === 'principal-missing'
                  ? `External Credential ${name} principal ${principal} not deployed`
                  : 'not set',
            state === 'principal-missing'
                ? SETUP_PATHS.deploy
                : `${SETUP_PATHS.apiKey} (or run npm run provision, which asks for it)`
        )
    ];
    if (snapshot.rules) {
        const active = snapshot.rules.filter((rule) => rule.active);
        const broken = active.filter((rule) => !snapshot.queues.has(rule.queue));
        checks.push(
            check(
                'rule-queues',
                'Routing rules name existing queues',
                broken.length === 0,
                broken.length
                    ? broken.map((rule) => `${rule.name} → ${rule.queue || '(empty)'}`).join(', ')
                    : `${active.length} active rule(s)`,
                SETUP_PATHS.rules
            )
        );
    }
    return checks;
}

function localKeyCheck(context: ProvisionContext, certificates: string[]): Check | undefined {
    const keyPath = privateKeyPathOf(context);
    let detail: string;
    let registered = false;
    try {
        const state = inspectKeyFile(keyPath);
        if (state.kind === 'missing') return undefined;
        if (state.kind === 'empty') detail = `${keyPath} is empty`;
        else {
            registered = certificates.includes(certificateName(state.kid));
            detail = registered
                ? `key ${state.kid} registered`
                : `key ${state.kid} in ${keyPath} is not in the key set`;
        }
    } catch (error) {
        if (!(error instanceof CliError)) throw error;
        return check(
            'private-key',
            'Local private key matches the key set',
            false,
            error.message,
            error.fix ?? ''
        );
    }
    return check(
        'private-key',
        'Local private key matches the key set',
        registered,
        detail,
        'run npm run provision (registers it), or --rotate-key for a new key'
    );
}

async function keySetChecks(context: ProvisionContext): Promise<Check[]> {
    const { conn, project } = context;
    const keySet = await readKeySet(conn, project);
    if (!keySet)
        return [
            check(
                'key-set',
                `Key set ${project.keySet.name} deployed`,
                false,
                'not in the org',
                SETUP_PATHS.deploy
            )
        ];
    const issuer = expectedIssuer(context);
    const certificates = registeredCertificates(keySet);
    const local = localKeyCheck(context, certificates);
    return [
        check(
            'key-set-key',
            `Key set ${project.keySet.name} has a key`,
            certificates.length > 0,
            certificates.length ? `${certificates.length} key(s)` : 'no key registered',
            SETUP_PATHS.keySet
        ),
        check(
            'key-set-issuer',
            'Key set issuer matches',
            keySet.jwtIssuer === issuer,
            `org: "${keySet.jwtIssuer ?? ''}", expected: "${issuer ?? ''}"`,
            SETUP_PATHS.keySet
        ),
        ...(local ? [local] : [])
    ];
}

/** The last `npm run handoff:test` verdict (a warning, not a failure, when there is none yet). */
function rehearsalCheck({ options, snapshot, config }: ProvisionContext): Check {
    const title = 'Last handoff rehearsal';
    const last = readLastRehearsal(options.stateDir, snapshot.orgId);
    if (!last.record) {
        const detail = last.problem ?? 'no rehearsal yet: run npm run handoff:test';
        return {
            id: 'rehearsal',
            title,
            passed: false,
            warning: true,
            detail,
            fix: 'npm run handoff:test -- --target-org <alias>'
        };
    }
    const { record } = last;
    const passed =
        record.fix === null &&
        (record.needed === 'undetermined' || record.needed === config.visitorVerification);
    return check(
        'rehearsal',
        title,
        passed,
        `${record.at} (${record.mode}): ${record.verdict}`,
        record.fix ?? `set "visitorVerification": "${record.needed}" and rerun npm run handoff:test`
    );
}

export async function runDoctor(context: ProvisionContext): Promise<Check[]> {
    const verified = context.config.visitorVerification === 'verified';
    const { queueIds, members } = await queueMembers(context);
    return [
        ...preflightChecks(context.snapshot, context.project),
        ...activationChecks(context),
        ...(context.snapshot.channel ? [await authModeCheck(context)] : []),
        ...queueChecks(context, members),
        ...(await userChecks(context, queueIds, members)),
        // Customize Application comes from the profile or another set: a warning when missing.
        ...(await adminAccessChecks(context)),
        ...(await apiKeyAndRuleChecks(context)),
        // Open mode deploys no key set: nothing to check there.
        ...(verified ? await keySetChecks(context) : []),
        // The routing flow's flight recorder: handoffs per outcome, values that fell back most.
        await routingSummaryCheck((soql) => queryAll(context.conn, soql)),
        // The panel's org cache: optional, so a warning when there is none.
        await orgCacheCheck(context),
        // Open mode: verified claims go to the fallback queue unless the setting allows them.
        ...(await uncheckedClaimsChecks(context, (soql) => queryAll(context.conn, soql))),
        rehearsalCheck(context)
    ];
}

// --check, the doctor: every cause OpenCX's troubleshooting and the design name, as pass/fail with
// the Setup path that fixes it. Read-only. Causes: org not ready (API version, Messaging,
// Omni-Channel, metadata not deployed), channel inactive, flow not set on the channel, flow version
// not active, deployment not published, queue without members, rep without permission set or
// presence configuration, config user missing, API key missing, routing rule naming a missing queue,
// key set missing / without a key / issuer mismatch / local private key not registered.
import { existsSync } from 'node:fs';
import { chunk, queryAll, queryMany, soqlList, type SObjectRow } from '../lib/batch.ts';
import { certificateName } from '../lib/identity-key.ts';
import { isPublishCurrent, readPublishRecord } from './activation.ts';
import { readApiKeyState } from './api-key.ts';
import type { Check, ProvisionContext } from './context.ts';
import {
    defaultPrivateKeyPath,
    expectedIssuer,
    localKeyId,
    readKeySet,
    registeredCertificates
} from './identity-key.ts';
import { preflightChecks, SETUP_PATHS } from './preflight.ts';
import { findUsers, readMemberships } from './reps.ts';

const key15 = (id: unknown) => String(id).slice(0, 15);

function check(id: string, title: string, passed: boolean, detail: string, fix: string): Check {
    return { id, title, passed, detail, ...(passed ? {} : { fix }) };
}

function listSome(items: string[], max = 10): string {
    return items.length <= max
        ? items.join(', ')
        : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

export async function runDoctor(context: ProvisionContext): Promise<Check[]> {
    const { conn, project, snapshot, config, options } = context;
    const checks = preflightChecks(snapshot, project);
    const { channel, flow, deployment } = snapshot;

    if (channel) {
        checks.push(
            check(
                'channel-active',
                `Messaging channel ${project.messagingChannel} active`,
                channel.IsActive,
                channel.IsActive ? 'active' : 'inactive',
                SETUP_PATHS.channel
            )
        );
        const routed =
            flow !== undefined &&
            channel.SessionHandlerId !== null &&
            key15(channel.SessionHandlerId) === key15(flow.Id);
        checks.push(
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
        checks.push(
            check(
                'flow-active',
                `Routing flow ${project.routingFlow} active`,
                active,
                active
                    ? `version ${flow.latestVersionNumber} active`
                    : flow.ActiveVersionId
                      ? `an older version is active; latest is ${flow.latestVersionNumber}`
                      : 'no active version',
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

    // Queues, their members, and every rep's access.
    const queueIds = project.queues
        .filter((queue) => snapshot.queues.has(queue))
        .map((queue) => snapshot.queues.get(queue)!);
    const members: SObjectRow[] = queueIds.length
        ? await queryAll(
              conn,
              `SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE GroupId IN ${soqlList(queueIds)}`
          )
        : [];
    for (const queue of project.queues.filter((name) => snapshot.queues.has(name))) {
        const count = members.filter(
            (row) => key15(row.GroupId) === key15(snapshot.queues.get(queue))
        ).length;
        checks.push(
            check(
                `queue-members:${queue}`,
                `Queue ${queue} has members`,
                count > 0,
                `${count} member(s)`,
                SETUP_PATHS.queueMembers.replace('<queue>', queue)
            )
        );
    }
    const configUsernames = [
        ...new Set([...config.reps.map((rep) => rep.username), ...config.admins])
    ];
    const configUsers = configUsernames.length ? await findUsers(conn, configUsernames) : new Map();
    if (configUsernames.length) {
        const unknown = configUsernames.filter(
            (name) => !configUsers.get(name.toLowerCase())?.IsActive
        );
        checks.push(
            check(
                'config-users',
                'Users in the config exist and are active',
                unknown.length === 0,
                unknown.length
                    ? `not found or inactive: ${listSome(unknown)}`
                    : `${configUsernames.length} user(s)`,
                'Setup → Users: create or activate them, or fix opencx.config.json'
            )
        );
    }
    const repSetId = snapshot.permissionSets.get(project.repPermissionSet);
    if (repSetId && snapshot.presenceConfigId !== undefined) {
        const repIds = [
            ...new Set([
                ...members
                    .map((row) => String(row.UserOrGroupId))
                    .filter((id) => id.startsWith('005')),
                ...config.reps
                    .map((rep) => configUsers.get(rep.username.toLowerCase())?.Id)
                    .filter((id): id is string => Boolean(id))
            ])
        ];
        if (repIds.length) {
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
            const withoutSet = repIds.filter(
                (id) => !memberships.assignments.has(`${key15(repSetId)}/${key15(id)}`)
            );
            const withoutPresence = repIds.filter((id) => !memberships.presence.has(key15(id)));
            const label = (ids: string[]) => listSome(ids.map((id) => names.get(key15(id)) ?? id));
            checks.push(
                check(
                    'rep-permission-set',
                    `Reps have permission set ${project.repPermissionSet}`,
                    withoutSet.length === 0,
                    withoutSet.length
                        ? `missing for ${label(withoutSet)}`
                        : `${repIds.length} rep(s)`,
                    SETUP_PATHS.repAccess
                )
            );
            checks.push(
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
        }
    }

    const apiKey = await readApiKeyState(conn, project);
    checks.push(
        check(
            'api-key',
            'OpenCX API key stored',
            apiKey === 'set',
            apiKey === 'set'
                ? `in ${project.externalCredential.name}`
                : apiKey === 'principal-missing'
                  ? `External Credential ${project.externalCredential.name} principal ${project.externalCredential.principal} not deployed`
                  : 'not set',
            SETUP_PATHS.apiKey
        )
    );

    if (snapshot.rules) {
        const broken = snapshot.rules.filter(
            (rule) => rule.active && !snapshot.queues.has(rule.queue)
        );
        checks.push(
            check(
                'rule-queues',
                'Routing rules name existing queues',
                broken.length === 0,
                broken.length
                    ? broken.map((rule) => `${rule.name} → ${rule.queue || '(empty)'}`).join(', ')
                    : `${snapshot.rules.filter((rule) => rule.active).length} active rule(s)`,
                SETUP_PATHS.rules
            )
        );
    }

    const keySet = await readKeySet(conn, project);
    const issuer = expectedIssuer(context);
    if (!keySet) {
        checks.push(
            check(
                'key-set',
                `Key set ${project.keySet.name} deployed`,
                false,
                'not in the org',
                SETUP_PATHS.deploy
            )
        );
    } else {
        const certificates = registeredCertificates(keySet);
        checks.push(
            check(
                'key-set-key',
                `Key set ${project.keySet.name} has a key`,
                certificates.length > 0,
                certificates.length ? `${certificates.length} key(s)` : 'no key registered',
                `${SETUP_PATHS.keySet}`
            )
        );
        checks.push(
            check(
                'key-set-issuer',
                'Key set issuer matches',
                keySet.jwtIssuer === issuer,
                `org: "${keySet.jwtIssuer ?? ''}", expected: "${issuer ?? ''}"`,
                SETUP_PATHS.keySet
            )
        );
        const keyPath =
            config.identity.privateKeyPath ??
            defaultPrivateKeyPath(options.stateDir, snapshot.orgId);
        if (existsSync(keyPath)) {
            let registered = false;
            let detail: string;
            try {
                const kid = localKeyId(keyPath, false);
                registered = certificates.includes(certificateName(kid));
                detail = registered
                    ? `key ${kid} registered`
                    : `key ${kid} in ${keyPath} is not in the key set`;
            } catch (error) {
                detail = (error as Error).message;
            }
            checks.push(
                check(
                    'private-key',
                    'Local private key matches the key set',
                    registered,
                    detail,
                    'run npm run provision (registers it), or --rotate-key for a new key'
                )
            );
        }
    }
    return checks;
}

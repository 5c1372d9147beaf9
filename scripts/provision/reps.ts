// Step 2, reps: the users the config names get their queue memberships, the rep permission set and
// the OpenCX presence configuration; admins get the admin permission set. Reads the current rows,
// writes only the missing ones, in batches (sObject Collections of 200 inside Composite calls).
// Nothing is removed: a rep dropped from the config keeps what they have until an admin takes it.
import type { Connection } from 'jsforce';
import {
    chunk,
    queryMany,
    saveRecords,
    soqlList,
    type RecordWrite,
    type SObjectRow
} from '../lib/batch.ts';
import { PlanError, type ProvisionContext, type Step } from './context.ts';

const USERS_PER_QUERY = 200;

export interface UserRow {
    Id: string;
    Username: string;
    IsActive: boolean;
}

/** Looks users up by username, 200 per query; returns username (lower case) → user. */
export async function findUsers(
    conn: Connection,
    usernames: string[]
): Promise<Map<string, UserRow>> {
    const rows = (
        await queryMany(
            conn,
            chunk(usernames, USERS_PER_QUERY).map(
                (part) =>
                    `SELECT Id, Username, IsActive FROM User WHERE Username IN ${soqlList(part)}`
            )
        )
    ).flat() as unknown as UserRow[];
    return new Map(rows.map((row) => [row.Username.toLowerCase(), row]));
}

export interface Memberships {
    /** `${groupId}/${userId}` of existing queue members. */
    members: Set<string>;
    /** `${permissionSetId}/${userId}` of existing assignments. */
    assignments: Set<string>;
    /** userId → presence configuration id. */
    presence: Map<string, string>;
}

const key15 = (id: unknown) => String(id).slice(0, 15);

/** The current queue members, permission-set assignments and presence assignments that matter. */
export async function readMemberships(
    conn: Connection,
    queueIds: string[],
    permissionSetIds: string[],
    userIds: string[]
): Promise<Memberships> {
    const soqls = [
        `SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE GroupId IN ${soqlList(queueIds)}`,
        `SELECT Id, AssigneeId, PermissionSetId FROM PermissionSetAssignment WHERE PermissionSetId IN ${soqlList(permissionSetIds)}`,
        ...chunk(userIds, USERS_PER_QUERY).map(
            (part) =>
                `SELECT Id, UserId, PresenceUserConfigId FROM PresenceUserConfigUser WHERE UserId IN ${soqlList(part)}`
        )
    ];
    const [members, assignments, ...presence] = await queryMany(conn, soqls);
    return {
        members: new Set(
            members.map((row: SObjectRow) => `${key15(row.GroupId)}/${key15(row.UserOrGroupId)}`)
        ),
        assignments: new Set(
            assignments.map(
                (row: SObjectRow) => `${key15(row.PermissionSetId)}/${key15(row.AssigneeId)}`
            )
        ),
        presence: new Map(
            presence
                .flat()
                .map((row: SObjectRow) => [key15(row.UserId), String(row.PresenceUserConfigId)])
        )
    };
}

interface Pending {
    kind:
        | 'queue membership'
        | 'rep permission set'
        | 'admin permission set'
        | 'presence configuration';
    label: string;
    write: RecordWrite;
}

function plural(count: number, noun: string): string {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export const repsStep: Step = {
    id: 'reps',
    title: 'Reps and admins',
    plan: async ({ conn, config, snapshot, project, org }: ProvisionContext) => {
        const usernames = [
            ...new Set([...config.reps.map((rep) => rep.username), ...config.admins])
        ];
        if (usernames.length === 0) {
            return {
                changes: [],
                unchangedSummary: 'no reps or admins in the config',
                apply: () => Promise.reject(new Error('nothing to apply'))
            };
        }
        const users = await findUsers(conn, usernames);
        const unknown = usernames.filter((name) => !users.has(name.toLowerCase()));
        const inactive = usernames.filter(
            (name) => users.get(name.toLowerCase())?.IsActive === false
        );
        if (unknown.length > 0 || inactive.length > 0) {
            const problems = [
                ...unknown.map((name) => `no user with username ${name} in ${org.label}`),
                ...inactive.map((name) => `user ${name} is deactivated`)
            ];
            throw new PlanError(`${config.path ?? 'config'}:\n  - ${problems.join('\n  - ')}`);
        }

        const repSetId = snapshot.permissionSets.get(project.repPermissionSet)!;
        const adminSetId = snapshot.permissionSets.get(project.adminPermissionSet)!;
        const presenceConfigId = snapshot.presenceConfigId!;
        const repQueues = [...new Set(config.reps.flatMap((rep) => rep.queues))];
        const current = await readMemberships(
            conn,
            repQueues.map((queue) => snapshot.queues.get(queue)!),
            [repSetId, adminSetId],
            config.reps.map((rep) => users.get(rep.username.toLowerCase())!.Id)
        );

        const pending: Pending[] = [];
        const keptPresence: string[] = [];
        for (const rep of config.reps) {
            const userId = users.get(rep.username.toLowerCase())!.Id;
            for (const queue of rep.queues) {
                const groupId = snapshot.queues.get(queue)!;
                if (!current.members.has(`${key15(groupId)}/${key15(userId)}`)) {
                    pending.push({
                        kind: 'queue membership',
                        label: `${rep.username} → ${queue}`,
                        write: {
                            type: 'GroupMember',
                            fields: { GroupId: groupId, UserOrGroupId: userId }
                        }
                    });
                }
            }
            if (!current.assignments.has(`${key15(repSetId)}/${key15(userId)}`)) {
                pending.push({
                    kind: 'rep permission set',
                    label: `${rep.username} → ${project.repPermissionSet}`,
                    write: {
                        type: 'PermissionSetAssignment',
                        fields: { AssigneeId: userId, PermissionSetId: repSetId }
                    }
                });
            }
            const presence = current.presence.get(key15(userId));
            if (presence === undefined) {
                pending.push({
                    kind: 'presence configuration',
                    label: `${rep.username} → ${project.presenceConfig}`,
                    write: {
                        type: 'PresenceUserConfigUser',
                        fields: { UserId: userId, PresenceUserConfigId: presenceConfigId }
                    }
                });
            } else if (key15(presence) !== key15(presenceConfigId)) {
                // A user has one presence configuration; another team's choice is not ours to undo.
                keptPresence.push(rep.username);
            }
        }
        for (const admin of config.admins) {
            const userId = users.get(admin.toLowerCase())!.Id;
            if (!current.assignments.has(`${key15(adminSetId)}/${key15(userId)}`)) {
                pending.push({
                    kind: 'admin permission set',
                    label: `${admin} → ${project.adminPermissionSet}`,
                    write: {
                        type: 'PermissionSetAssignment',
                        fields: { AssigneeId: userId, PermissionSetId: adminSetId }
                    }
                });
            }
        }
        // Duplicate admin/rep usernames can ask for the same assignment twice: write it once.
        const unique = [
            ...new Map(pending.map((item) => [JSON.stringify(item.write), item])).values()
        ];

        const kinds = [...new Set(unique.map((item) => item.kind))];
        const describe = (items: Pending[]) =>
            kinds
                .map((kind) => plural(items.filter((item) => item.kind === kind).length, kind))
                .filter((text) => !text.startsWith('0 '))
                .join(', ');
        const details = {
            reps: config.reps.length,
            admins: config.admins.length,
            ...(keptPresence.length ? { keptOtherPresenceConfiguration: keptPresence } : {})
        };
        return {
            changes: unique.map((item) => ({
                action: 'create' as const,
                description: `${item.kind}: ${item.label}`
            })),
            unchangedSummary: `${plural(config.reps.length, 'rep')} and ${plural(config.admins.length, 'admin')} already set up`,
            details,
            apply: async () => {
                const { results, calls } = await saveRecords(
                    conn,
                    unique.map((item) => item.write)
                );
                const failures: string[] = [];
                results.forEach((result, index) => {
                    // DUPLICATE_VALUE: someone added the row since we read; the goal is met.
                    const duplicate = result.errors?.every(
                        (error) => error.statusCode === 'DUPLICATE_VALUE'
                    );
                    if (!result.success && !duplicate) {
                        failures.push(
                            `${unique[index].kind} ${unique[index].label}: ${result.errors.map((error) => `${error.statusCode} ${error.message}`).join('; ')}`
                        );
                    }
                });
                if (failures.length > 0) {
                    throw new Error(
                        `${plural(failures.length, 'write')} of ${unique.length} failed (the others were saved; rerun after fixing):\n  - ${failures.slice(0, 20).join('\n  - ')}`
                    );
                }
                return {
                    outcome: 'created',
                    summary: `${describe(unique)} (${plural(calls, 'write call')})`,
                    details: { ...details, created: unique.length, writeCalls: calls }
                };
            }
        };
    }
};

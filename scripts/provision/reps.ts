// Step 2, reps: the users the config names get their queue memberships, the rep permission set and
// the OpenCX presence configuration; admins get the admin permission set. Reads the current rows,
// works out the difference with a pure function (membershipDiff), writes only the missing rows, in
// batches (sObject Collections of 200 inside Composite calls), after reading them once more just
// before the write so a row another run added meanwhile is not written twice.
// Nothing is removed: a rep dropped from the config keeps what they have until an admin takes it.
import type { Connection } from 'jsforce';
import {
    inQueries,
    queryMany,
    saveRecords,
    soqlList,
    type RecordWrite,
    type SaveResult,
    type SObjectRow
} from '../lib/batch.ts';
import { adminAccessCheck, readAdminAccess } from './admin-access.ts';
import { findUsers, key15, USERS_PER_QUERY } from './users.ts';
import { PlanError, type ProvisionContext, type Step, type StepPlan } from './context.ts';

// Moved to users.ts (admin-access.ts needs them too); kept importable from here.
export { findUsers, key15, type UserRow } from './users.ts';

export interface Memberships {
    /** `${groupId}/${userId}` of existing queue members. */
    members: Set<string>;
    /** `${permissionSetId}/${userId}` of existing assignments. */
    assignments: Set<string>;
    /** userId → presence configuration id. */
    presence: Map<string, string>;
}

const pair = (a: unknown, b: unknown) => `${key15(a)}/${key15(b)}`;

/** The current queue members, permission-set assignments and presence assignments that matter. */
export async function readMemberships(
    conn: Connection,
    queueIds: string[],
    permissionSetIds: string[],
    userIds: string[]
): Promise<Memberships> {
    const presenceQueries = inQueries(
        'SELECT Id, UserId, PresenceUserConfigId FROM PresenceUserConfigUser',
        'UserId',
        userIds,
        USERS_PER_QUERY
    );
    const soqls = [
        `SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE GroupId IN ${soqlList(queueIds)}`,
        `SELECT Id, AssigneeId, PermissionSetId FROM PermissionSetAssignment WHERE PermissionSetId IN ${soqlList(permissionSetIds)}`,
        ...presenceQueries
    ];
    const [members = [], assignments = [], ...presence] = await queryMany(conn, soqls);
    return {
        members: new Set(members.map((row: SObjectRow) => pair(row.GroupId, row.UserOrGroupId))),
        assignments: new Set(
            assignments.map((row: SObjectRow) => pair(row.PermissionSetId, row.AssigneeId))
        ),
        presence: new Map(
            presence
                .flat()
                .map((row: SObjectRow) => [key15(row.UserId), String(row.PresenceUserConfigId)])
        )
    };
}

export type PendingKind =
    'queue membership' | 'rep permission set' | 'admin permission set' | 'presence configuration';

export interface Pending {
    kind: PendingKind;
    label: string;
    write: RecordWrite;
}

/** Everything the diff needs, resolved to ids. */
export interface DesiredAccess {
    reps: { username: string; userId: string; queues: { name: string; groupId: string }[] }[];
    admins: { username: string; userId: string }[];
    repSet: { name: string; id: string };
    adminSet: { name: string; id: string };
    presence: { name: string; id: string };
}

/**
 * The rows to create so every rep and admin has what the config asks, given what exists. Pure: no
 * I/O. A user with another presence configuration keeps it (another team's choice is not ours to
 * undo); each row is asked for once even when a user is both rep and admin.
 */
export function membershipDiff(
    desired: DesiredAccess,
    current: Memberships
): { pending: Pending[]; keptPresence: string[] } {
    const pending = new Map<string, Pending>();
    const add = (kind: PendingKind, label: string, write: RecordWrite) =>
        pending.set(JSON.stringify(write), { kind, label, write });
    const keptPresence: string[] = [];
    const assign = (
        kind: PendingKind,
        username: string,
        userId: string,
        set: { name: string; id: string }
    ) => {
        if (current.assignments.has(pair(set.id, userId))) return;
        add(kind, `${username} → ${set.name}`, {
            type: 'PermissionSetAssignment',
            fields: { AssigneeId: userId, PermissionSetId: set.id }
        });
    };
    for (const rep of desired.reps) {
        for (const queue of rep.queues) {
            if (current.members.has(pair(queue.groupId, rep.userId))) continue;
            add('queue membership', `${rep.username} → ${queue.name}`, {
                type: 'GroupMember',
                fields: { GroupId: queue.groupId, UserOrGroupId: rep.userId }
            });
        }
        assign('rep permission set', rep.username, rep.userId, desired.repSet);
        const presence = current.presence.get(key15(rep.userId));
        if (presence === undefined) {
            add('presence configuration', `${rep.username} → ${desired.presence.name}`, {
                type: 'PresenceUserConfigUser',
                fields: { UserId: rep.userId, PresenceUserConfigId: desired.presence.id }
            });
        } else if (key15(presence) !== key15(desired.presence.id)) {
            keptPresence.push(rep.username);
        }
    }
    for (const admin of desired.admins) {
        assign('admin permission set', admin.username, admin.userId, desired.adminSet);
    }
    return { pending: [...pending.values()], keptPresence };
}

function plural(count: number, noun: string): string {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function describeKinds(items: Pending[]): string {
    const counts = new Map<PendingKind, number>();
    for (const item of items) counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
    return [...counts].map(([kind, count]) => plural(count, kind)).join(', ');
}

/** Resolves the config's users, queues and sets to ids; unknown or inactive users stop the run. */
async function resolveDesired(context: ProvisionContext): Promise<DesiredAccess> {
    const { conn, config, snapshot, project, org } = context;
    const usernames = [...new Set([...config.reps.map((rep) => rep.username), ...config.admins])];
    const users = await findUsers(conn, usernames);
    const problems = usernames.flatMap((name) => {
        const user = users.get(name.toLowerCase());
        if (!user) return [`no user with username ${name} in ${org.label}`];
        return user.IsActive === false ? [`user ${name} is deactivated`] : [];
    });
    if (problems.length > 0) {
        throw new PlanError(`${config.path ?? 'config'}:\n  - ${problems.join('\n  - ')}`);
    }
    const userId = (name: string) => users.get(name.toLowerCase())?.Id ?? '';
    const required = (map: Map<string, string>, name: string, what: string) => {
        const id = map.get(name);
        // The preflight has already checked these exist; this only guards a changed org.
        if (!id)
            throw new PlanError(`${what} ${name} is not in the org: deploy the project first`, 1);
        return { name, id };
    };
    const presenceId = snapshot.presenceConfigId;
    if (!presenceId) required(new Map(), project.presenceConfig, 'presence configuration');
    return {
        reps: config.reps.map((rep) => ({
            username: rep.username,
            userId: userId(rep.username),
            queues: rep.queues.map((queue) => {
                const found = required(snapshot.queues, queue, 'queue');
                return { name: queue, groupId: found.id };
            })
        })),
        admins: config.admins.map((admin) => ({ username: admin, userId: userId(admin) })),
        repSet: required(snapshot.permissionSets, project.repPermissionSet, 'permission set'),
        adminSet: required(snapshot.permissionSets, project.adminPermissionSet, 'permission set'),
        presence: { name: project.presenceConfig, id: presenceId ?? '' }
    };
}

async function currentMemberships(conn: Connection, desired: DesiredAccess): Promise<Memberships> {
    return readMemberships(
        conn,
        [...new Set(desired.reps.flatMap((rep) => rep.queues.map((queue) => queue.groupId)))],
        [desired.repSet.id, desired.adminSet.id],
        desired.reps.map((rep) => rep.userId)
    );
}

function failuresOf(items: Pending[], results: SaveResult[]): string[] {
    return results.flatMap((result, index) => {
        const errors = result.errors ?? [];
        // Another run added the row between our re-read and our write: the goal is met.
        const raced =
            errors.length > 0 && errors.every((error) => error.statusCode === 'DUPLICATE_VALUE');
        if (result.success || raced) return [];
        return [
            `${items[index].kind} ${items[index].label}: ${errors.map((error) => `${error.statusCode} ${error.message}`).join('; ')}`
        ];
    });
}

/** Re-reads, writes what is still missing, and reports. */
async function applyReps(
    conn: Connection,
    desired: DesiredAccess,
    details: Record<string, unknown>
) {
    // Re-read just before writing: another run (or an admin in Setup) may have added rows since the
    // plan; writing them again would only be refused with DUPLICATE_VALUE.
    const { pending } = membershipDiff(desired, await currentMemberships(conn, desired));
    const { results, calls } = await saveRecords(
        conn,
        pending.map((item) => item.write)
    );
    const failures = failuresOf(pending, results);
    if (failures.length > 0) {
        throw new Error(
            `${plural(failures.length, 'write')} of ${pending.length} failed (the others were saved; rerun after fixing):\n  - ${failures.slice(0, 20).join('\n  - ')}`
        );
    }
    return {
        outcome: 'created' as const,
        summary: `${pending.length ? describeKinds(pending) : 'already done by another run'} (${plural(calls, 'write call')})`,
        details: { ...details, created: pending.length, writeCalls: calls }
    };
}

export const repsStep: Step = {
    id: 'reps',
    title: 'Reps and admins',
    plan: async (context: ProvisionContext): Promise<StepPlan> => {
        const { conn, config } = context;
        if (config.reps.length === 0 && config.admins.length === 0) {
            return {
                changes: [],
                unchangedSummary: 'no reps or admins in the config',
                apply: () => Promise.reject(new Error('nothing to apply'))
            };
        }
        const desired = await resolveDesired(context);
        const { pending, keptPresence } = membershipDiff(
            desired,
            await currentMemberships(conn, desired)
        );
        // The admin set cannot grant Customize Application (admin-access.ts): say who lacks it.
        const access = adminAccessCheck(await readAdminAccess(conn, desired.admins));
        const details = {
            reps: config.reps.length,
            admins: config.admins.length,
            ...(keptPresence.length ? { keptOtherPresenceConfiguration: keptPresence } : {}),
            ...(access.warning ? { adminAccess: access } : {})
        };
        const note = access.warning ? `; ${access.detail} — fix: ${access.fix}` : '';
        return {
            changes: pending.map((item) => ({
                action: 'create' as const,
                description: `${item.kind}: ${item.label}`
            })),
            unchangedSummary: `${plural(config.reps.length, 'rep')} and ${plural(config.admins.length, 'admin')} already set up${note}`,
            ...(access.warning ? { warning: true } : {}),
            details,
            apply: async () => {
                const applied = await applyReps(conn, desired, details);
                return access.warning
                    ? { ...applied, summary: `${applied.summary}${note}`, warning: true }
                    : applied;
            }
        };
    }
};

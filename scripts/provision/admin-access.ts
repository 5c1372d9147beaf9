// Can each admin of the config edit OpenCX Routing Rule and OpenCX Setting records in Setup? That
// needs Customize Application, which OpenCX_Handoff_Admin does not grant: the permissions Salesforce
// requires with it differ by org, and a permission set naming one the org lacks fails the deploy
// (docs/routing-access.md). So it has to come from the admin's profile or another permission set.
// A profile is a permission set too (IsOwnedByProfile = true) with an assignment per user, so one
// PermissionSetAssignment query filtered on the permission answers for both ways, for every admin.
// Only the org knows, so this is a warning with its fix, never a failure.
import type { Connection } from 'jsforce';
import { inQueriesWhere, queryMany } from '../lib/batch.ts';
import type { Check, ProvisionContext } from './context.ts';
import { findUsers, key15 } from './users.ts';

export const ADMIN_ACCESS_CHECK_ID = 'admin-customize-application';
export const ADMIN_ACCESS_TITLE = 'Admins can edit routing rules (Customize Application)';

/** What Salesforce requires together with Customize Application (test/metadata/permission-sets). */
export const CUSTOMIZE_APPLICATION_NEEDS =
    'Manage Custom Permissions, View Roles and Role Hierarchy, View Setup and Configuration; ' +
    'also Manage Translation where Translation Workbench is on and Manage Territories where ' +
    'Territory Management is on (Setup turns on the ones this org requires when you tick it)';

const ADMIN_IDS_PER_QUERY = 200;

export interface AdminUser {
    username: string;
    userId: string;
}

export interface AdminAccess {
    /** Admins holding Customize Application, with where it comes from (profile or set names). */
    granted: { username: string; via: string[] }[];
    /** Admins without it. */
    missing: string[];
}

/** The assignments that give the admins Customize Application: one call for any number of admins. */
export async function readAdminAccess(conn: Connection, admins: AdminUser[]): Promise<AdminAccess> {
    if (admins.length === 0) return { granted: [], missing: [] };
    const soqls = inQueriesWhere(
        'SELECT AssigneeId, PermissionSet.Name, PermissionSet.IsOwnedByProfile FROM PermissionSetAssignment',
        'PermissionSet.PermissionsCustomizeApplication = true',
        'AssigneeId',
        [...new Set(admins.map((admin) => admin.userId))],
        ADMIN_IDS_PER_QUERY
    );
    const sources = new Map<string, string[]>();
    for (const row of (await queryMany(conn, soqls)).flat()) {
        const set = row.PermissionSet as { Name?: unknown; IsOwnedByProfile?: unknown } | null;
        const via =
            set?.IsOwnedByProfile === true ? 'profile' : `permission set ${String(set?.Name)}`;
        const key = key15(row.AssigneeId);
        sources.set(key, [...(sources.get(key) ?? []), via]);
    }
    const granted: AdminAccess['granted'] = [];
    const missing: string[] = [];
    for (const admin of admins) {
        const via = sources.get(key15(admin.userId));
        if (via) granted.push({ username: admin.username, via });
        else missing.push(admin.username);
    }
    return { granted, missing };
}

function listSome(items: string[], max = 10): string {
    return items.length <= max
        ? items.join(', ')
        : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** The Setup fix for admins without Customize Application. */
export function adminAccessFix(): string {
    return (
        'Setup → Users → <user>: give a profile with Customize Application (System Administrator ' +
        'has it), or assign a permission set that grants it; that profile or set also needs ' +
        `${CUSTOMIZE_APPLICATION_NEEDS}. OpenCX_Handoff_Admin cannot carry it (docs/routing-access.md)`
    );
}

/** The finding as a doctor check: passed, or a warning (not a failure) with the fix. */
export function adminAccessCheck(access: AdminAccess): Check {
    const passed = access.missing.length === 0;
    if (passed) {
        const fromProfile = access.granted.filter((admin) => admin.via.includes('profile')).length;
        return {
            id: ADMIN_ACCESS_CHECK_ID,
            title: ADMIN_ACCESS_TITLE,
            passed,
            detail: `${access.granted.length} admin(s): ${fromProfile} through the profile, ${access.granted.length - fromProfile} through a permission set only`
        };
    }
    return {
        id: ADMIN_ACCESS_CHECK_ID,
        title: ADMIN_ACCESS_TITLE,
        passed,
        warning: true,
        detail: `without Customize Application (cannot edit OpenCX Routing Rule or OpenCX Setting records): ${listSome(access.missing)}`,
        fix: adminAccessFix()
    };
}

/**
 * The doctor's check for the config's admins (active users only; config-users reports the others).
 * None when the config names no admin that exists.
 */
export async function adminAccessChecks(context: ProvisionContext): Promise<Check[]> {
    const { conn, config } = context;
    if (config.admins.length === 0) return [];
    const users = await findUsers(conn, config.admins);
    const admins = config.admins.flatMap((username) => {
        const user = users.get(username.toLowerCase());
        return user?.IsActive ? [{ username, userId: user.Id }] : [];
    });
    if (admins.length === 0) return [];
    return [adminAccessCheck(await readAdminAccess(conn, admins))];
}

// Admins and Customize Application: OpenCX_Handoff_Admin does not grant it, so the doctor checks
// that each admin of the config holds it through the profile or another permission set (one
// PermissionSetAssignment query), and warns with the fix otherwise; provisioning says it once.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from 'jsforce';
import { createHarness, type Harness } from './harness.ts';
import { readAdminAccess } from '../../scripts/provision/admin-access.ts';
import { SYMBOLS } from '../../scripts/lib/cli.ts';
import type { Emulator } from '../../testkit/emulator/index.ts';

const CHECK_ID = 'admin-customize-application';
const REP = 'rep1@acme.example';
/** A seeded user with the Standard User profile (no Customize Application). */
const PLAIN_ADMIN = 'ada@acme.example';

interface CheckResult {
    id: string;
    passed: boolean;
    detail: string;
    fix?: string;
    warning?: boolean;
}

function configFor(admins: string[]) {
    return { reps: [{ username: REP }], admins };
}

async function doctor(harness: Harness) {
    const result = await harness.run(['--check', '--json']);
    const parsed = JSON.parse(result.stdout) as { checks: CheckResult[] };
    const found = parsed.checks.find((item) => item.id === CHECK_ID);
    assert.ok(found, `the doctor has check ${CHECK_ID}`);
    return { code: result.code, check: found, checks: parsed.checks };
}

function userId(emulator: Emulator, username: string): string {
    const user = emulator.state.data.all('User').find((row) => row.Username === username);
    assert.ok(user, username);
    return user.Id;
}

/** A permission set made in the org that grants Customize Application, assigned to `username`. */
function grantThroughPermissionSet(emulator: Emulator, username: string): void {
    const set = emulator.state.data.insert('PermissionSet', {
        Name: 'Routing_Editors',
        Label: 'Routing Editors',
        IsOwnedByProfile: false,
        PermissionsCustomizeApplication: true
    });
    emulator.state.data.insert('PermissionSetAssignment', {
        AssigneeId: userId(emulator, username),
        PermissionSetId: set.Id
    });
}

async function withHarness(admins: string[], body: (harness: Harness) => Promise<void>) {
    const harness = await createHarness({
        users: [REP, PLAIN_ADMIN],
        config: configFor(admins)
    });
    try {
        await body(harness);
    } finally {
        await harness.close();
    }
}

describe('admins can edit routing rules (Customize Application)', () => {
    test('an admin whose profile grants it (System Administrator) passes', async () => {
        await withHarness(['admin@acme.example'], async (harness) => {
            const { check } = await doctor(harness);
            assert.equal(check.passed, true, check.detail);
            assert.match(check.detail, /1 through the profile/);
        });
    });

    test('an admin who has it through a permission set only passes', async () => {
        await withHarness([PLAIN_ADMIN], async (harness) => {
            grantThroughPermissionSet(harness.emulator, PLAIN_ADMIN);
            const { check } = await doctor(harness);
            assert.equal(check.passed, true, check.detail);
            assert.match(check.detail, /1 through a permission set only/);
        });
    });

    test('the OpenCX admin set alone does not count: it does not grant Customize Application', async () => {
        await withHarness([PLAIN_ADMIN], async (harness) => {
            const provisioned = await harness.run();
            assert.equal(provisioned.code, 0, provisioned.stderr);
            const { check } = await doctor(harness);
            assert.equal(check.passed, false);
        });
    });

    test('an admin without it is a warning with the fix; --check still exits 0', async () => {
        await withHarness(['admin@acme.example', PLAIN_ADMIN], async (harness) => {
            const provisioned = await harness.run();
            assert.equal(provisioned.code, 0, provisioned.stderr);
            // Said once, on the reps-and-admins step, with the fix.
            const said = provisioned.stdout
                .split('\n')
                .filter((line) => line.includes(PLAIN_ADMIN));
            assert.equal(said.length, 1, provisioned.stdout);
            assert.ok(said[0].startsWith(`${SYMBOLS.warn} [2/`), said[0]);
            assert.match(said[0], /Reps and admins: .*without Customize Application/);
            assert.match(said[0], /fix: Setup → Users/);

            const { code, check, checks } = await doctor(harness);
            assert.equal(check.passed, false);
            assert.equal(check.warning, true);
            assert.match(check.detail, new RegExp(PLAIN_ADMIN.replace('.', '\\.')));
            assert.doesNotMatch(check.detail, /admin@acme\.example/);
            assert.match(check.fix ?? '', /Setup → Users → <user>/);
            assert.match(check.fix ?? '', /Profile|profile/);
            assert.match(check.fix ?? '', /permission set/);
            for (const needed of [
                'Manage Custom Permissions',
                'View Roles and Role Hierarchy',
                'View Setup and Configuration',
                'Manage Translation',
                'Manage Territories'
            ]) {
                assert.ok(check.fix?.includes(needed), `the fix names ${needed}`);
            }
            const failed = checks.filter((item) => !item.passed && !item.warning);
            assert.deepEqual(
                failed.map((item) => item.id),
                [],
                'only the warning is left on a provisioned org'
            );
            assert.equal(code, 0, 'a warning does not fail --check');
            const text = await harness.run(['--check']);
            assert.ok(text.stdout.includes(`${SYMBOLS.warn} Admins can edit routing rules`));
            assert.match(text.stdout, /all \d+ checks passed/);
        });
    });

    test('the emulator answers the query as an org does, and refuses what it cannot answer', async () => {
        await withHarness([], async (harness) => {
            const { emulator } = harness;
            const conn = new Connection({
                instanceUrl: emulator.url,
                accessToken: emulator.state.accessToken,
                version: '66.0'
            });
            const ids = [userId(emulator, 'admin@acme.example'), userId(emulator, PLAIN_ADMIN)];
            const rows = await conn.query(
                `SELECT AssigneeId, PermissionSet.Name, PermissionSet.IsOwnedByProfile FROM PermissionSetAssignment WHERE PermissionSet.PermissionsCustomizeApplication = true AND AssigneeId IN ('${ids.join("', '")}')`
            );
            assert.deepEqual(
                rows.records.map((row) => [row.AssigneeId, row.PermissionSet?.IsOwnedByProfile]),
                [[ids[0], true]]
            );
            const refused = async (soql: string): Promise<string | undefined> => {
                try {
                    await conn.query(soql);
                    return undefined;
                } catch (error) {
                    return (error as { errorCode?: string }).errorCode;
                }
            };
            assert.equal(
                await refused(
                    'SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.PermissionsNoSuchThing = true'
                ),
                'INVALID_FIELD'
            );
            assert.equal(
                await refused(
                    'SELECT AssigneeId FROM PermissionSetAssignment WHERE (PermissionSet.PermissionsCustomizeApplication = true OR PermissionSet.IsOwnedByProfile = true)'
                ),
                'MALFORMED_QUERY'
            );
        });
    });

    test('many admins take one call (the IN-list split across queries inside one Composite)', async () => {
        const admins = Array.from(
            { length: 300 },
            (_, index) => `admin-${String(index).padStart(3, '0')}-${'x'.repeat(40)}@acme.example`
        );
        const harness = await createHarness({ users: admins, config: configFor([]) });
        try {
            const { emulator } = harness;
            grantThroughPermissionSet(emulator, admins[299]);
            const conn = new Connection({
                instanceUrl: emulator.url,
                accessToken: emulator.state.accessToken,
                version: '66.0'
            });
            const users = admins.map((username) => ({
                username,
                userId: userId(emulator, username)
            }));
            emulator.resetLog();
            const access = await readAdminAccess(conn, users);
            assert.equal(emulator.callCount(), 1, JSON.stringify(emulator.calls));
            assert.deepEqual(access.granted, [
                { username: admins[299], via: ['permission set Routing_Editors'] }
            ]);
            assert.equal(access.missing.length, 299);
        } finally {
            await harness.close();
        }
    });
});

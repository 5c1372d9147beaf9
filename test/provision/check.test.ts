// --check (the doctor): each cause of lost handoffs is reported as a failing check with a fix, and
// the exit code is non-zero; a provisioned org passes every check. Read-only throughout.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createHarness, repUsernames, type Harness } from './harness.ts';
import type { Emulator } from '../../testkit/emulator/index.ts';

interface CheckResult {
    id: string;
    passed: boolean;
    detail: string;
    fix?: string;
    /** Shown, not counted (the last rehearsal's verdict when there is none yet). */
    warning?: boolean;
}

const reps = repUsernames(3);
const config = { reps: reps.map((username) => ({ username })), admins: ['admin@acme.example'] };

async function check(harness: Harness, args: string[] = []) {
    harness.emulator.resetLog();
    const result = await harness.run(['--check', '--json', ...args]);
    const parsed = JSON.parse(result.stdout) as { ok: boolean; checks: CheckResult[] };
    assert.equal(harness.emulator.writeCount(), 0, '--check never writes');
    return {
        code: result.code,
        checks: parsed.checks,
        failed: parsed.checks.filter((item) => !item.passed && !item.warning).map((item) => item.id)
    };
}

async function provisioned(): Promise<Harness> {
    const harness = await createHarness({ users: [...reps, 'extra@acme.example'], config });
    const result = await harness.run();
    assert.equal(result.code, 0, result.stderr);
    return harness;
}

function findOne(emulator: Emulator, type: string, field: string, value: unknown) {
    const record = emulator.state.data.all(type).find((row) => row[field] === value);
    assert.ok(record, `${type} with ${field} = ${String(value)}`);
    return record;
}

describe('provision --check', () => {
    test('an org that was deployed but not provisioned fails with every missing piece', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            const { code, checks, failed } = await check(harness);
            assert.equal(code, 1);
            assert.deepEqual(failed.sort(), [
                'api-key',
                'channel-active',
                'deployment-published',
                'flow-active',
                'key-set-key',
                'queue-members:OpenCX_Anonymous_Visitors',
                'queue-members:OpenCX_Fallback',
                'queue-members:OpenCX_Verified_Visitors',
                // The config's reps have neither yet.
                'rep-permission-set',
                'rep-presence'
            ]);
            for (const item of checks.filter((entry) => !entry.passed && !entry.warning)) {
                assert.match(
                    item.fix ?? '',
                    /Setup →|npm run provision/,
                    `${item.id} names its fix`
                );
            }
        } finally {
            await harness.close();
        }
    });

    test('a provisioned org passes every check and exits 0; the human output says so', async () => {
        const harness = await provisioned();
        try {
            const { code, failed } = await check(harness);
            assert.deepEqual(failed, []);
            assert.equal(code, 0);
            const text = await harness.run(['--check']);
            assert.match(text.stdout, /all \d+ checks passed/);
        } finally {
            await harness.close();
        }
    });

    const causes: [string, string[], (emulator: Emulator) => void][] = [
        [
            'channel inactive (a changed channel also needs a new publish)',
            ['channel-active', 'deployment-published'],
            (emulator) => {
                const channel = findOne(
                    emulator,
                    'MessagingChannel',
                    'DeveloperName',
                    'OpenCX_Messaging'
                );
                emulator.state.data.update('MessagingChannel', channel.Id, { IsActive: false });
            }
        ],
        [
            'flow not set on the channel',
            ['channel-flow', 'deployment-published'],
            (emulator) => {
                const channel = findOne(
                    emulator,
                    'MessagingChannel',
                    'DeveloperName',
                    'OpenCX_Messaging'
                );
                emulator.state.data.update('MessagingChannel', channel.Id, {
                    SessionHandlerId: null
                });
            }
        ],
        [
            'flow deactivated',
            ['flow-active'],
            (emulator) => {
                const flow = emulator.state.tooling.all('FlowDefinition')[0];
                emulator.state.tooling.update('FlowDefinition', flow.Id, { ActiveVersionId: null });
            }
        ],
        [
            'deployment changed since the last publish',
            ['deployment-published'],
            (emulator) => {
                const deployment = emulator.state.tooling.all('EmbeddedServiceConfig')[0];
                emulator.state.tooling.update('EmbeddedServiceConfig', deployment.Id, {
                    MasterLabel: 'Renamed'
                });
            }
        ],
        [
            'queue without members',
            ['queue-members:OpenCX_Fallback'],
            (emulator) => {
                const queue = findOne(emulator, 'Group', 'DeveloperName', 'OpenCX_Fallback');
                for (const member of emulator.state.data
                    .all('GroupMember')
                    .filter((row) => row.GroupId === queue.Id)) {
                    emulator.state.data.delete('GroupMember', member.Id);
                }
            }
        ],
        [
            'rep without the permission set',
            ['rep-permission-set'],
            (emulator) => {
                const user = findOne(emulator, 'User', 'Username', 'rep2@acme.example');
                const repSet = findOne(emulator, 'PermissionSet', 'Name', 'OpenCX_Handoff_Rep');
                const assignment = emulator.state.data
                    .all('PermissionSetAssignment')
                    .find((row) => row.AssigneeId === user.Id && row.PermissionSetId === repSet.Id);
                assert.ok(assignment, 'rep2 has the rep permission set');
                emulator.state.data.delete('PermissionSetAssignment', assignment.Id);
            }
        ],
        [
            'queue member (not in the config) without presence or permission set',
            ['rep-permission-set', 'rep-presence'],
            (emulator) => {
                const user = findOne(emulator, 'User', 'Username', 'extra@acme.example');
                const queue = findOne(
                    emulator,
                    'Group',
                    'DeveloperName',
                    'OpenCX_Verified_Visitors'
                );
                emulator.state.data.insert('GroupMember', {
                    GroupId: queue.Id,
                    UserOrGroupId: user.Id
                });
            }
        ],
        [
            'rep without presence configuration',
            ['rep-presence'],
            (emulator) => {
                const user = findOne(emulator, 'User', 'Username', 'rep3@acme.example');
                const presence = findOne(emulator, 'PresenceUserConfigUser', 'UserId', user.Id);
                emulator.state.data.delete('PresenceUserConfigUser', presence.Id);
            }
        ],
        [
            'API key missing',
            ['api-key'],
            (emulator) => {
                emulator.state.credentials.get('OpenCX_API/OpenCX_API_Key')!.credentials = {};
            }
        ],
        [
            'rule naming a missing queue',
            ['rule-queues'],
            (emulator) => {
                const rule = findOne(
                    emulator,
                    'OpenCX_Routing_Rule__mdt',
                    'DeveloperName',
                    'Verified'
                );
                emulator.state.data.update('OpenCX_Routing_Rule__mdt', rule.Id, {
                    Queue_Developer_Name__c: 'OpenCX_VIP'
                });
            }
        ],
        [
            'key set issuer mismatch',
            ['key-set-issuer'],
            (emulator) => {
                emulator.state
                    .metadataOfType('PublicKeyCertificateSet')
                    .get('OpenCX_Identity_Keys')!.jwtIssuer = 'someone-else';
            }
        ],
        [
            'key removed from the key set',
            ['key-set-key', 'private-key'],
            (emulator) => {
                emulator.state
                    .metadataOfType('PublicKeyCertificateSet')
                    .get('OpenCX_Identity_Keys')!.publicKeyCertificateSetKeys = [];
            }
        ],
        [
            'Messaging turned off',
            ['messaging', 'metadata-deployed', 'deployment-published'],
            (emulator) => {
                emulator.state.data.undefine('MessagingChannel');
            }
        ],
        [
            'deployment not deployed',
            ['metadata-deployed'],
            (emulator) => {
                const deployment = emulator.state.tooling.all('EmbeddedServiceConfig')[0];
                emulator.state.tooling.delete('EmbeddedServiceConfig', deployment.Id);
            }
        ],
        [
            'org on an older API version',
            ['api-version'],
            (emulator) => {
                emulator.state.apiVersions = ['64.0', '65.0'];
            }
        ]
    ];
    for (const [cause, expected, breakIt] of causes) {
        test(`reports: ${cause}`, async () => {
            const harness = await provisioned();
            try {
                breakIt(harness.emulator);
                const { code, failed } = await check(harness);
                assert.equal(code, 1);
                assert.deepEqual(failed.sort(), [...expected].sort());
            } finally {
                await harness.close();
            }
        });
    }

    test('reports a config user that does not exist', async () => {
        const harness = await provisioned();
        try {
            harness.writeConfig({ reps: [...config.reps, { username: 'ghost@acme.example' }] });
            const { failed, checks } = await check(harness);
            assert.deepEqual(failed, ['config-users']);
            assert.match(
                checks.find((item) => item.id === 'config-users')!.detail,
                /ghost@acme\.example/
            );
        } finally {
            await harness.close();
        }
    });

    test('reports a local private key that is not the registered one', async () => {
        const harness = await provisioned();
        try {
            const { generatePrivateKeyPem } = await import('../../scripts/lib/identity-key.ts');
            writeFileSync(
                `${harness.dir}/.opencx/${harness.emulator.state.orgId}/identity-key.pem`,
                generatePrivateKeyPem()
            );
            const { failed } = await check(harness);
            assert.deepEqual(failed, ['private-key']);
        } finally {
            await harness.close();
        }
    });
});

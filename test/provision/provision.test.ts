// Provisioning against the emulator through real jsforce: a full run on an empty-but-deployed org,
// a second run that only reads, and --dry-run making no write at all.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { API_KEY, createHarness, orgFingerprint, repUsernames, type Harness } from './harness.ts';

const reps = repUsernames(6);
const config = {
    reps: [
        ...reps.slice(0, 4).map((username) => ({
            username,
            queues: ['OpenCX_Verified_Visitors', 'OpenCX_Fallback']
        })),
        ...reps.slice(4).map((username) => ({ username }))
    ],
    admins: ['admin@acme.example']
};

describe('provision: full run on an empty-but-deployed org', () => {
    let harness: Harness;
    let first: Awaited<ReturnType<Harness['run']>>;
    before(async () => {
        harness = await createHarness({ users: reps, config });
        first = await harness.run();
    });
    after(() => harness.close());

    test('succeeds with one progress line per step', () => {
        assert.equal(first.code, 0, first.stderr);
        const lines = first.stdout.split('\n').filter((line) => /^. \[\d\/7\]/.test(line));
        assert.deepEqual(
            lines.map((line) => line.replace(/:.*$/, '')),
            [
                '✓ [1/7] Preflight',
                '✓ [2/7] Reps and admins',
                '✓ [3/7] OpenCX API key',
                '✓ [4/7] Flow, channel, deployment',
                '✓ [5/7] User-verification key',
                '✓ [6/7] Org cache',
                '✓ [7/7] Dashboard values'
            ]
        );
    });

    test('sets up every rep, admin, the key, the flow, the channel and the deployment', () => {
        const state = harness.emulator.state;
        // 4 reps × 2 queues + 2 reps × 3 queues (default: every project queue).
        assert.deepEqual(orgFingerprint(harness.emulator), {
            queueMembers: 4 * 2 + 2 * 3,
            permissionSetAssignments: 6 + 1,
            presenceAssignments: 6,
            apiKeySet: true,
            flowActive: true,
            channelActive: true,
            published: true,
            certificates: 1,
            keySetKeys: 1,
            issuer: 'opencx-handoff'
        });
        const stored = state.credentials.get('OpenCX_API/OpenCX_API_Key')!;
        assert.deepEqual(stored.credentials.ApiKey, { value: API_KEY, encrypted: true });
    });

    test('writes the private key with mode 0600 and prints the six dashboard values', () => {
        const orgId = harness.emulator.state.orgId;
        const keyPath = `${harness.dir}/.opencx/${orgId}/identity-key.pem`;
        assert.ok(existsSync(keyPath));
        assert.equal(statSync(keyPath).mode & 0o777, 0o600);
        for (const [label, value] of [
            ['Instance URL', harness.emulator.url],
            ['ES Developer Name', 'OpenCX_Handoff'],
            ['Salesforce Org ID', orgId],
            ['Issuer', 'opencx-handoff'],
            ['Private key file', keyPath]
        ]) {
            assert.match(
                first.stdout,
                new RegExp(`\\n  ${label} +${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)
            );
        }
        assert.match(first.stdout, /\n {2}Auth Key ID +[A-Za-z0-9_-]{43}\n/);
    });

    test('batches the rep writes: one Composite call for all of them', () => {
        const compositeWrites = harness.emulator.calls.filter(
            (call) => call.isWrite && call.path.endsWith('/composite')
        );
        assert.equal(compositeWrites.length, 1);
    });

    test('a second run only reads and reports every step unchanged', async () => {
        harness.emulator.resetLog();
        const second = await harness.run(['--json']);
        assert.equal(second.code, 0, second.stderr);
        assert.equal(harness.emulator.writeCount(), 0);
        const result = JSON.parse(second.stdout) as { steps: { outcome: string }[] };
        assert.deepEqual(new Set(result.steps.map((step) => step.outcome)), new Set(['unchanged']));
    });
});

describe('provision --dry-run', () => {
    test('makes no write call, writes no key file, and prints the plan', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            const before = orgFingerprint(harness.emulator);
            const result = await harness.run(['--dry-run']);
            assert.equal(result.code, 0, result.stderr);
            assert.equal(harness.emulator.writeCount(), 0);
            assert.ok(harness.emulator.callCount() > 0);
            assert.deepEqual(orgFingerprint(harness.emulator), before);
            assert.equal(
                existsSync(`${harness.dir}/.opencx/${harness.emulator.state.orgId}`),
                false
            );
            assert.match(
                result.stdout,
                /would create: queue membership: rep1@acme\.example → OpenCX_Verified_Visitors/
            );
            assert.match(result.stdout, /would create: store the OpenCX API key/);
            assert.match(
                result.stdout,
                /would update: activate messaging channel OpenCX_Messaging/
            );
            assert.match(result.stdout, /would create: write the private key/);
        } finally {
            await harness.close();
        }
    });

    test('does not ask for the API key (no OPENCX_API_KEY, no terminal)', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            const result = await harness.run(['--dry-run'], { OPENCX_API_KEY: undefined });
            assert.equal(result.code, 0, result.stderr);
        } finally {
            await harness.close();
        }
    });
});

describe('provision against an org that serves API 66.0 at most', () => {
    test('leaves publishing to Setup and says so', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            harness.emulator.state.apiVersions = ['64.0', '65.0', '66.0'];
            const result = await harness.run();
            assert.equal(result.code, 0, result.stderr);
            assert.match(result.stdout, /publish OpenCX_Handoff in Setup/);
            assert.equal(orgFingerprint(harness.emulator).published, false);
        } finally {
            await harness.close();
        }
    });
});

describe('provision: batching', () => {
    test('450 reps: 1,350 rows in 9 collections of at most 200, sent in 2 Composite calls', async () => {
        const many = repUsernames(450);
        const queues = ['OpenCX_Verified_Visitors', 'OpenCX_Anonymous_Visitors', 'OpenCX_Fallback'];
        const harness = await createHarness({
            users: many,
            config: {
                reps: many.map((username, index) => ({ username, queues: [queues[index % 3]] }))
            }
        });
        try {
            const result = await harness.run(['--json']);
            assert.equal(result.code, 0, result.stderr);
            const reps = (
                JSON.parse(result.stdout) as {
                    steps: { step: string; details?: { created: number; writeCalls: number } }[];
                }
            ).steps.find((step) => step.step === 'reps')!;
            assert.deepEqual(
                reps.details && {
                    created: reps.details.created,
                    writeCalls: reps.details.writeCalls
                },
                {
                    created: 450 * 3,
                    writeCalls: 2
                }
            );
            const fingerprint = orgFingerprint(harness.emulator);
            assert.equal(fingerprint.queueMembers, 450);
            assert.equal(fingerprint.permissionSetAssignments, 450);
            assert.equal(fingerprint.presenceAssignments, 450);
        } finally {
            await harness.close();
        }
    });
});

// visitorVerification (issue 9) in provisioning: the key step runs only in 'verified' mode, the
// dashboard says what OpenCX needs in each mode, and the doctor compares the channel's authMode with
// the configured mode and shows the last handoff rehearsal's verdict.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeLastRehearsal } from '../../scripts/lib/rehearsal-verdict.ts';
import { createHarness, repUsernames } from './harness.ts';

const reps = repUsernames(2);
const base = { reps: reps.map((username) => ({ username })) };

interface CheckJson {
    id: string;
    passed: boolean;
    detail: string;
    fix?: string;
    warning?: boolean;
}

describe('provision: visitorVerification', () => {
    test('open: no key is made or registered, the dashboard says to leave the key fields empty', async () => {
        const harness = await createHarness({
            users: reps,
            channelAuthMode: 'UnAuth',
            config: { ...base, visitorVerification: 'open' }
        });
        try {
            const result = await harness.run();
            assert.equal(result.code, 0, result.stderr);
            assert.match(
                result.stdout,
                /User-verification key: unchanged — not used: visitorVerification is open/
            );
            assert.match(result.stdout, /Auth Key ID\s+\(leave empty: visitorVerification is open/);
            assert.equal(harness.emulator.state.metadata.get('PublicKeyCertificate')?.size ?? 0, 0);
            assert.equal(
                existsSync(
                    join(harness.dir, '.opencx', harness.emulator.state.orgId, 'identity-key.pem')
                ),
                false
            );
            const check = await harness.run(['--check', '--json']);
            const checks = (JSON.parse(check.stdout) as { checks: CheckJson[] }).checks;
            assert.equal(checks.find((item) => item.id === 'channel-auth-mode')?.passed, true);
            assert.equal(
                checks.some((item) => item.id.startsWith('key-set')),
                false
            );
        } finally {
            await harness.close();
        }
    });

    test('verified (the default) makes and registers the key', async () => {
        const harness = await createHarness({ users: reps, config: base });
        try {
            assert.equal((await harness.run()).code, 0);
            assert.equal(harness.emulator.state.metadata.get('PublicKeyCertificate')?.size, 1);
        } finally {
            await harness.close();
        }
    });

    test('an unknown mode is a config error naming the allowed values', async () => {
        const harness = await createHarness({
            users: reps,
            config: { ...base, visitorVerification: 'maybe' }
        });
        try {
            const result = await harness.run();
            assert.equal(result.code, 2);
            assert.match(
                result.stderr,
                /visitorVerification: must be one of verified, open \(got "maybe"\)/
            );
            assert.equal(harness.emulator.callCount(), 0);
        } finally {
            await harness.close();
        }
    });
});

describe('provision --check: channel authMode and the last rehearsal', () => {
    test('a channel deployed UnAuth fails the check in verified mode and names the fix', async () => {
        const harness = await createHarness({
            users: reps,
            channelAuthMode: 'UnAuth',
            config: base
        });
        try {
            const result = await harness.run(['--check', '--json']);
            const checks = (JSON.parse(result.stdout) as { checks: CheckJson[] }).checks;
            const authMode = checks.find((item) => item.id === 'channel-auth-mode');
            assert.equal(authMode?.passed, false);
            assert.match(
                authMode?.detail ?? '',
                /authMode UnAuth; visitorVerification "verified" needs Auth/
            );
            assert.match(authMode?.fix ?? '', /npm run deploy|"visitorVerification": "open"/);
            assert.equal(result.code, 1);
        } finally {
            await harness.close();
        }
    });

    test('no rehearsal yet: the doctor says how to run one (a warning, not a failure)', async () => {
        const harness = await createHarness({ users: reps, config: base });
        try {
            assert.equal((await harness.run()).code, 0);
            const result = await harness.run(['--check']);
            assert.match(
                result.stdout,
                /! Last handoff rehearsal: no rehearsal yet: run npm run handoff:test/
            );
            assert.equal(result.code, 0, result.stdout);
        } finally {
            await harness.close();
        }
    });

    test("the last rehearsal's verdict is shown, and a verdict asking for the other mode fails", async () => {
        const harness = await createHarness({ users: reps, config: base });
        try {
            assert.equal((await harness.run()).code, 0);
            writeLastRehearsal(join(harness.dir, '.opencx'), harness.emulator.state.orgId, {
                at: '2026-11-30T01:00:00.000Z',
                mode: 'verified',
                visitors: [],
                verdict: 'this org verifies visitors: verified is right',
                fix: null,
                needed: 'verified'
            });
            const passing = await harness.run(['--check']);
            assert.match(
                passing.stdout,
                /✓ Last handoff rehearsal: 2026-11-30T01:00:00.000Z \(verified\): this org verifies visitors/
            );
            writeLastRehearsal(join(harness.dir, '.opencx'), harness.emulator.state.orgId, {
                at: '2026-11-30T02:00:00.000Z',
                mode: 'verified',
                visitors: [],
                verdict: 'anonymous visitors get no token: use open',
                fix: 'set "visitorVerification": "open" in opencx.config.json and run npm run deploy',
                needed: 'open'
            });
            const failing = await harness.run(['--check']);
            assert.match(failing.stdout, /✗ Last handoff rehearsal: .*use open/);
            assert.match(failing.stdout, /fix: set "visitorVerification": "open"/);
            assert.equal(failing.code, 1);
        } finally {
            await harness.close();
        }
    });
});

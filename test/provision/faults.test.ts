// Interrupted runs converge: a run that fails at its k-th write (500, or the connection dropped after
// the write landed), then a clean rerun, ends in the same org state as an uninterrupted run, with
// nothing created twice. Also: an expired session, a slow answer, a dropped read.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, orgFingerprint, repUsernames } from './harness.ts';
import type { FaultEffect } from '../../testkit/emulator/index.ts';

const reps = repUsernames(12);
const config = {
    reps: reps.map((username, index) => ({
        username,
        queues:
            index % 2
                ? ['OpenCX_Verified_Visitors']
                : ['OpenCX_Anonymous_Visitors', 'OpenCX_Fallback']
    })),
    admins: ['admin@acme.example']
};

async function referenceRun() {
    const harness = await createHarness({ users: reps, config });
    try {
        const result = await harness.run();
        assert.equal(result.code, 0, result.stderr);
        return {
            fingerprint: orgFingerprint(harness.emulator),
            writes: harness.emulator.writeCount()
        };
    } finally {
        await harness.close();
    }
}

describe('provision: a run faulted at write k, then rerun, converges', async () => {
    const reference = await referenceRun();

    test('the uninterrupted run makes a handful of writes', () => {
        // reps (1 Composite), API key, flow, channel, publish, certificate, key set, org cache.
        assert.equal(reference.writes, 8);
    });

    const effects: [string, FaultEffect][] = [
        ['500', { status: 500 }],
        ['connection dropped after the write landed', { drop: 'after' }]
    ];
    for (const [label, effect] of effects) {
        for (let k = 1; k <= 8; k += 1) {
            test(`${label} at write ${k}`, async () => {
                const harness = await createHarness({ users: reps, config });
                try {
                    harness.emulator.injectFault({ on: { write: k }, effect });
                    const faulted = await harness.run();
                    assert.notEqual(faulted.code, 0, `write ${k} fault should fail the run`);
                    assert.match(faulted.stderr, /^error: /);
                    const rerun = await harness.run();
                    assert.equal(rerun.code, 0, rerun.stderr);
                    assert.deepEqual(orgFingerprint(harness.emulator), reference.fingerprint);
                    harness.emulator.resetLog();
                    const third = await harness.run();
                    assert.equal(third.code, 0);
                    assert.equal(
                        harness.emulator.writeCount(),
                        0,
                        'converged: a third run only reads'
                    );
                    // The emulator refuses a duplicate like an org; the script must never try one.
                    assert.deepEqual(harness.emulator.state.duplicateAttempts(), []);
                } finally {
                    await harness.close();
                }
            });
        }
    }
});

describe('provision: session and network trouble', () => {
    test('an expired session stops the run with the login command to run', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            harness.emulator.injectFault({ on: { call: 3 }, effect: { expireSession: true } });
            const result = await harness.run();
            assert.equal(result.code, 2, 'a login problem exits 2, as README promises');
            assert.match(
                result.stderr,
                /session .* has expired or is invalid: run sf org login web/
            );
            assert.equal(harness.emulator.writeCount(), 0);
        } finally {
            await harness.close();
        }
    });

    test('an expired session during the writes: rerun after login converges', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            harness.emulator.injectFault({ on: { write: 3 }, effect: { expireSession: true } });
            const result = await harness.run();
            assert.equal(result.code, 2, 'a login problem exits 2, as README promises');
            assert.match(result.stderr, /sf org login web/);
            harness.emulator.state.sessionExpired = false;
            assert.equal((await harness.run()).code, 0);
            assert.deepEqual(orgFingerprint(harness.emulator), (await referenceRun()).fingerprint);
        } finally {
            await harness.close();
        }
    });

    test('a slow answer only slows the run', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            harness.emulator.injectFault({
                on: { path: /\/composite$/ },
                effect: { delayMs: 400 },
                times: 2
            });
            const result = await harness.run();
            assert.equal(result.code, 0, result.stderr);
        } finally {
            await harness.close();
        }
    });

    test('a read whose connection drops is retried (jsforce retries GET)', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            harness.emulator.injectFault({
                on: { path: /\/tooling\/query$/, method: 'GET' },
                effect: { drop: 'before' }
            });
            const result = await harness.run();
            assert.equal(result.code, 0, result.stderr);
        } finally {
            await harness.close();
        }
    });

    test('a write whose connection drops before it lands says to rerun', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            harness.emulator.injectFault({ on: { write: 2 }, effect: { drop: 'before' } });
            const result = await harness.run();
            assert.equal(result.code, 1);
            assert.match(result.stderr, /Lost the connection .* Rerun the command/);
        } finally {
            await harness.close();
        }
    });
});

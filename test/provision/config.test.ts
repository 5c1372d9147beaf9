// A bad config file gives one clear error, exit code 2, and no write: bad JSON and missing or wrong
// fields before any call at all; unknown or deactivated users after the read-only lookups.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, repUsernames } from './harness.ts';

const reps = repUsernames(3);

async function runWith(config: unknown, users = reps, inactiveUsers: string[] = []) {
    const harness = await createHarness({ users, inactiveUsers, config });
    try {
        const result = await harness.run();
        return {
            ...result,
            calls: harness.emulator.callCount(),
            writes: harness.emulator.writeCount()
        };
    } finally {
        await harness.close();
    }
}

describe('provision: bad config', () => {
    test('invalid JSON names the line and column, before any API call', async () => {
        const result = await runWith(
            '{\n  "reps": [\n    { "username": "rep1@acme.example" },\n  ]\n}'
        );
        assert.equal(result.code, 2);
        assert.match(result.stderr, /opencx\.config\.json: not valid JSON: .* at line 4, column 3/);
        assert.equal(result.calls, 0);
    });

    test('a missing field is named with its path, before any API call', async () => {
        const result = await runWith({
            reps: [{ username: 'rep1@acme.example' }, { queues: ['OpenCX_Fallback'] }]
        });
        assert.equal(result.code, 2);
        assert.match(result.stderr, /reps\[1\]\.username: missing field/);
        assert.equal(result.calls, 0);
    });

    test('no reps list at all', async () => {
        const result = await runWith({ admins: ['admin@acme.example'] });
        assert.equal(result.code, 2);
        assert.match(result.stderr, /reps: missing field/);
    });

    test('every problem is listed at once: unknown field, unknown queue, bad username, duplicate', async () => {
        const result = await runWith({
            reps: [
                { username: 'rep1@acme.example', queue: ['OpenCX_Fallback'] },
                { username: 'rep2@acme.example', queues: ['OpenCX_VIP'] },
                { username: 'not-a-username' },
                { username: 'REP1@acme.example' }
            ]
        });
        assert.equal(result.code, 2);
        assert.match(result.stderr, /reps\[0\]\.queue: unknown field/);
        assert.match(
            result.stderr,
            /reps\[1\]\.queues\[0\]: "OpenCX_VIP" is not a queue of this project/
        );
        assert.match(
            result.stderr,
            /reps\[2\]\.username: "not-a-username" is not a Salesforce username/
        );
        assert.match(result.stderr, /reps\[3\]\.username: "REP1@acme\.example" is listed twice/);
        assert.equal(result.calls, 0);
    });

    test('a user the org does not have: one error naming them, nothing written', async () => {
        const result = await runWith({
            reps: [{ username: 'rep1@acme.example' }, { username: 'nobody@acme.example' }],
            admins: ['ghost-admin@acme.example']
        });
        assert.equal(result.code, 2);
        assert.match(result.stderr, /no user with username nobody@acme\.example/);
        assert.match(result.stderr, /no user with username ghost-admin@acme\.example/);
        assert.equal(result.writes, 0);
    });

    test('a deactivated user: error, nothing written', async () => {
        const result = await runWith(
            { reps: [{ username: 'rep1@acme.example' }, { username: 'left@acme.example' }] },
            reps,
            ['left@acme.example']
        );
        assert.equal(result.code, 2);
        assert.match(result.stderr, /user left@acme\.example is deactivated/);
        assert.equal(result.writes, 0);
    });

    test('no config file: says how to make one', async () => {
        const harness = await createHarness({ users: reps });
        try {
            const result = await harness.run();
            assert.equal(result.code, 2);
            assert.match(result.stderr, /file not found: copy opencx\.config\.example\.json/);
            assert.equal(harness.emulator.callCount(), 0);
        } finally {
            await harness.close();
        }
    });

    test('the committed example config is valid for this project', async () => {
        const { loadConfig } = await import('../../scripts/provision/config.ts');
        const { loadProjectNames, PROJECT_ROOT } = await import('../../scripts/lib/project.ts');
        const config = loadConfig(`${PROJECT_ROOT}/opencx.config.example.json`, loadProjectNames());
        assert.ok(config.reps.length > 0);
    });
});

describe('locateJsonError', () => {
    test('points at the first character that breaks the grammar', async () => {
        const { locateJsonError } = await import('../../scripts/lib/json-text.ts');
        const offset = (text: string) => locateJsonError(text)?.offset ?? -1;
        assert.equal(offset('{"a": [1, 2]}'), -1);
        assert.equal(offset('{"a": [1, 2,]}'), 12);
        assert.equal(offset('{"a": 1 "b": 2}'), 8);
        assert.equal(offset('{"a": tru}'), 6);
        assert.equal(offset('{"a": "x"'), 9);
        assert.equal(offset('{"a": 1} x'), 9);
    });
});

// Secrets stay secret: the OpenCX API key and the private key never appear in stdout, stderr or the
// --json document, whatever the run does (success, second run, dry run, check, failure). The CLI runs
// as a real child process here, so what is checked is exactly what a terminal or CI log would get.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_KEY, createHarness, repUsernames, type Harness, type RunOutput } from './harness.ts';

const reps = repUsernames(2);
const config = { reps: reps.map((username) => ({ username })) };

function assertNoSecrets(output: RunOutput, privateKeyPem: string | undefined, label: string) {
    const everything = `${output.stdout}\n${output.stderr}`;
    assert.ok(!everything.includes(API_KEY), `${label}: API key leaked`);
    assert.ok(!everything.includes(API_KEY.slice(0, 12)), `${label}: part of the API key leaked`);
    assert.ok(!/PRIVATE KEY/.test(everything), `${label}: a private key block leaked`);
    if (privateKeyPem) {
        const body = privateKeyPem.split('\n').filter((line) => line && !line.startsWith('-----'));
        for (const line of body)
            assert.ok(!everything.includes(line), `${label}: private key material leaked`);
    }
}

describe('provision: secrets never reach the output', () => {
    let harness: Harness;
    const outputs: [string, RunOutput][] = [];
    let privateKeyPem: string;
    before(async () => {
        harness = await createHarness({ users: reps, config });
        outputs.push(['dry run', await harness.spawn(['--dry-run'])]);
        outputs.push(['first run --json', await harness.spawn(['--json'])]);
        outputs.push(['second run', await harness.spawn([])]);
        outputs.push(['--update-api-key', await harness.spawn(['--update-api-key', '--json'])]);
        outputs.push(['--check --json', await harness.spawn(['--check', '--json'])]);
        harness.emulator.injectFault({
            on: { path: /named-credentials/, method: 'PUT' },
            effect: {
                status: 400,
                body: [{ errorCode: 'INVALID_INPUT', message: 'bad credential' }]
            },
            times: 10
        });
        outputs.push(['failed --update-api-key', await harness.spawn(['--update-api-key'])]);
        privateKeyPem = readFileSync(
            `${harness.dir}/.opencx/${harness.emulator.state.orgId}/identity-key.pem`,
            'utf8'
        );
    });
    after(() => harness.close());

    test('the runs did what they should (so the check below means something)', () => {
        assert.deepEqual(
            outputs.map(([label, output]) => [label, output.code]),
            [
                ['dry run', 0],
                ['first run --json', 0],
                ['second run', 0],
                ['--update-api-key', 0],
                ['--check --json', 0],
                ['failed --update-api-key', 1]
            ]
        );
        assert.equal(
            harness.emulator.state.credentials.get('OpenCX_API/OpenCX_API_Key')!.credentials.ApiKey
                .value,
            API_KEY
        );
    });

    test('no API key or private key in stdout or stderr', () => {
        for (const [label, output] of outputs) assertNoSecrets(output, privateKeyPem, label);
    });

    test('--json prints exactly one JSON document on stdout and nothing on stderr', () => {
        for (const [label, output] of outputs.filter(([name]) => name.includes('--json'))) {
            assert.doesNotThrow(() => JSON.parse(output.stdout), label);
            assert.equal(output.stdout.trim().startsWith('{'), true, label);
            assert.equal(output.stderr, '', label);
        }
        const first = JSON.parse(outputs[1][1].stdout) as {
            ok: boolean;
            dashboard: Record<string, string>;
        };
        assert.equal(first.ok, true);
        assert.deepEqual(Object.keys(first.dashboard), [
            'Instance URL',
            'ES Developer Name',
            'Salesforce Org ID',
            'Auth Key ID',
            'Issuer',
            'Private key file'
        ]);
    });
});

describe('provision --help and bad usage', () => {
    test('--help documents every option', async () => {
        const harness = await createHarness();
        try {
            const output = await harness.spawn(['--help']);
            assert.equal(output.code, 0);
            for (const flag of [
                '--target-org',
                '--instance-url',
                '--config',
                '--dry-run',
                '--check',
                '--json',
                '--rotate-key',
                '--update-api-key',
                'OPENCX_API_KEY',
                'SF_ACCESS_TOKEN'
            ]) {
                assert.ok(output.stdout.includes(flag), flag);
            }
        } finally {
            await harness.close();
        }
    });

    test('an unknown option exits 2 with a pointer to --help', async () => {
        const harness = await createHarness();
        try {
            const output = await harness.spawn(['--frobnicate']);
            assert.equal(output.code, 2);
            assert.match(output.stderr, /unknown option --frobnicate \(see --help\)/);
        } finally {
            await harness.close();
        }
    });

    test('no API key and no terminal: a clear error before any write', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            const output = await harness.spawn([], { OPENCX_API_KEY: '' });
            assert.equal(output.code, 2);
            assert.match(output.stderr, /set OPENCX_API_KEY/);
            assert.equal(harness.emulator.writeCount(), 0);
        } finally {
            await harness.close();
        }
    });
});

// What `npm run deploy` prints: exactly one JSON document with --json in every outcome (progress on
// stderr), exit codes, progress while waiting, the deadline, the access token never shown, and
// the key set the org already has left alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deployBehaviour } from '../../testkit/emulator/routes/metadata-deploy.ts';
import { ACCESS_TOKEN, deployTo, spawnDeploy, useEmptyOrgs, type RunOutput } from './support.ts';

const { org, emulators } = useEmptyOrgs();

/** stdout is exactly one JSON document; returns it. */
function oneDocument(stdout: string[] | string): Record<string, unknown> {
    const textOut = Array.isArray(stdout) ? stdout.join('\n') : stdout;
    const document = JSON.parse(textOut) as Record<string, unknown>;
    assert.equal(typeof document, 'object');
    assert.equal(document.command, 'deploy');
    return document;
}

test('--json: one document on stdout for success, failure, login and timeout; progress on stderr', async () => {
    const success = await deployTo(await org(), ['--json']);
    assert.equal(success.code, 0);
    assert.equal(success.stdout.length, 1);
    assert.equal(oneDocument(success.stdout).ok, true);
    assert.equal(
        oneDocument(success.stdout).next,
        `npm run provision -- --instance-url ${emulators[0].url}`
    );
    assert.ok(success.stderr.some((line) => /Phase 1\/3 references/.test(line)));

    const failing = await org();
    deployBehaviour(failing.state).failComponents.set('Queue:OpenCX_Fallback', 'Queue: bad value');
    const failure = await deployTo(failing, ['--json']);
    assert.equal(failure.code, 1);
    assert.equal(failure.stdout.length, 1);
    assert.equal(oneDocument(failure.stdout).ok, false);

    const expired = await org();
    expired.expireSession();
    const login = await deployTo(expired, ['--json']);
    assert.equal(login.code, 2);
    assert.equal(login.stdout.length, 1);
    assert.equal((oneDocument(login.stdout).error as { code: string }).code, 'LOGIN');

    const slow = await org();
    deployBehaviour(slow.state).pollsBeforeDone = 10_000;
    const timeout = await deployTo(slow, ['--json', '--wait', '0.01']);
    assert.equal(timeout.code, 1);
    assert.equal(timeout.stdout.length, 1);
    const error = oneDocument(timeout.stdout).error as { code: string; fix: string };
    assert.equal(error.code, 'TIMEOUT');
    assert.match(error.fix, /sf project deploy report --job-id 0Af\w+/);
});

test('--dry-run prints the phases and touches nothing', async () => {
    const emulator = await org();
    const output = await deployTo(emulator, ['--dry-run']);
    assert.equal(output.code, 0);
    assert.equal(emulator.callCount(), 0);
    const textOut = output.stdout.join('\n');
    assert.match(textOut, /Phase 1 references: .*\n( {4}.*\n)* {4}Flow:OpenCX_Route_Handoff/);
    assert.match(textOut, /Phase 2 channel: [\s\S]*MessagingChannel:OpenCX_Messaging/);
    assert.match(textOut, /Phase 3 console: [\s\S]*PermissionSet:OpenCX_Handoff_Rep/);
    const json = await deployTo(emulator, [
        '--dry-run',
        '--json',
        '--visitor-verification',
        'open'
    ]);
    assert.equal(json.stdout.length, 1);
    const phases = oneDocument(json.stdout).phases as { components: string[] }[];
    assert.ok(
        !phases
            .flatMap((phase) => phase.components)
            .some((name) => name.startsWith('PublicKeyCertificateSet'))
    );
    assert.equal(emulator.callCount(), 0);
});

test('every wait prints progress at least every heartbeat', async () => {
    const emulator = await org();
    deployBehaviour(emulator.state).pollsBeforeDone = 2;
    const output = await deployTo(emulator, [], { pollMs: 1500, heartbeatMs: 400 });
    assert.equal(output.code, 0, output.stdout.join('\n'));
    const gaps = output.times.slice(1).map((time, index) => time - output.times[index]);
    assert.ok(Math.max(...gaps) < 400 * 1.9, `longest silence ${Math.max(...gaps)} ms`);
    assert.ok(
        output.stdout.filter((line) => /phase 1 references: Pending/.test(line)).length >= 2,
        'the same state repeated while waiting'
    );
});

test('the access token never reaches output, even when the org quotes it', async () => {
    const emulator = await org();
    deployBehaviour(emulator.state).failComponents.set(
        'Flow:OpenCX_Route_Handoff',
        `session ${ACCESS_TOKEN} may not deploy flows`
    );
    for (const args of [[], ['--json']]) {
        const output: RunOutput = await deployTo(emulator, args);
        const all = [...output.stdout, ...output.stderr].join('\n');
        assert.equal(output.code, 1);
        assert.ok(!all.includes(ACCESS_TOKEN), all);
        assert.match(all, /session \[redacted\] may not deploy flows/);
    }
});

test('a key set the org already has (with the provisioned key) is not deployed again', async () => {
    const emulator = await org();
    assert.equal((await deployTo(emulator)).code, 0);
    const keySet = emulator.state
        .metadataOfType('PublicKeyCertificateSet')
        .get('OpenCX_Identity_Keys')!;
    keySet.publicKeyCertificateSetKeys = [{ publicKeyCertificate: 'OpenCX_Identity_Key_1' }];
    deployBehaviour(emulator.state).requests.length = 0;
    const again = await deployTo(emulator, ['--json']);
    assert.equal(again.code, 0);
    const requested = deployBehaviour(emulator.state).requests.flatMap(
        (request) => request.components
    );
    assert.ok(!requested.some((name) => name.startsWith('PublicKeyCertificateSet:')));
    // The cache partition has no cache here: deployed again as shipped (cache-partition.test.ts).
    assert.deepEqual(oneDocument(again.stdout).kept, [
        'PublicKeyCertificateSet:OpenCX_Identity_Keys'
    ]);
    assert.deepEqual(
        emulator.state.metadataOfType('PublicKeyCertificateSet').get('OpenCX_Identity_Keys')!
            .publicKeyCertificateSetKeys,
        [{ publicKeyCertificate: 'OpenCX_Identity_Key_1' }]
    );
});

test('child process: --help, usage errors as text (exit 2) and as one JSON document', async () => {
    const help = await spawnDeploy(['--help']);
    assert.equal(help.code, 0);
    assert.match(
        help.stdout,
        /^Usage: npm run deploy -- --target-org <alias\|username> \[options\]/
    );
    assert.match(help.stdout, /--validate/);
    assert.match(help.stdout, /Exit codes: 0 /);

    const usage = await spawnDeploy(['--target-org', 'x', '--visitor-verification', 'maybe']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stdout, '');
    assert.match(
        usage.stderr,
        /^error: --visitor-verification takes verified or open \(got maybe\)/
    );

    const jsonUsage = await spawnDeploy(['--json', '--bogus']);
    assert.equal(jsonUsage.code, 2);
    assert.equal(jsonUsage.stderr, '');
    assert.equal((oneDocument(jsonUsage.stdout).error as { code: string }).code, 'USAGE');

    const noOrg = await spawnDeploy(['--json']);
    assert.equal(noOrg.code, 2);
    assert.match((oneDocument(noOrg.stdout).error as { message: string }).message, /--target-org/);

    const secret = await spawnDeploy(['--json', '--instance-url', 'ftp://x', '--bogus'], {
        SF_ACCESS_TOKEN: ACCESS_TOKEN
    });
    assert.ok(!secret.stdout.includes(ACCESS_TOKEN));
});

test("the deploy library's warnings are progress lines, not noise on stdout under --json", async () => {
    const emulator = await org();
    emulator.state.apiVersions = ['62.0', '63.0', '64.0', '65.0'];
    const output = await deployTo(emulator, ['--json']);
    assert.equal(output.code, 0, output.stderr.join('\n'));
    assert.equal(output.stdout.length, 1);
    assert.ok(
        output.stderr.some((line) =>
            /^warning: The requested API version \(66\.0\) is higher than the org supports\. {2}Using 65\.0\./.test(
                line
            )
        ),
        output.stderr.join('\n')
    );
});

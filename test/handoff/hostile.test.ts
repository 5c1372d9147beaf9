// The rehearsal against a hung server, garbage answers and hostile input (issue 10, items 3, 7, 8,
// 9 and 11): each case ends in bounded time with one named failure, nothing leaks, nothing
// raw reaches the terminal.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/lib/project.ts';
import { DASH_KID_KEY_PATH, ISSUER, startHandoffFixture, type HandoffFixture } from './support.ts';
import {
    miawState,
    pushAgentReply,
    stallEventStreams,
    waitForConversation,
    type EmulatorModule
} from '../../testkit/emulator/index.ts';
import { keyId, readPrivateKey } from '../../scripts/lib/identity-key.ts';

const DASH_KID = keyId(readPrivateKey(readFileSync(DASH_KID_KEY_PATH, 'utf8')));

/** A messaging host that quotes the caller's bearer token back in its error (as some proxies do). */
const echoBearerOnConversation: EmulatorModule = (emulator) => {
    emulator.route(
        'POST',
        '/iamessage/api/v2/conversation',
        (req) => ({
            status: 400,
            body: { message: `Invalid header: Authorization=${String(req.headers.authorization)}` }
        }),
        { auth: false }
    );
};

function noTypeError(text: string): void {
    assert.doesNotMatch(text, /TypeError|SyntaxError|at .*\.ts:\d+/);
}

describe('hung servers: every wait is bounded and says what it waits for', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture({ channelAuthMode: 'UnAuth' });
    });
    after(() => fixture.stop());

    test(
        'an event stream that never sends headers: --listen 3 ends within 3 s plus a small constant',
        {
            timeout: 60_000
        },
        async () => {
            stallEventStreams(fixture.emulator);
            try {
                const started = Date.now();
                const run = await fixture.run([...fixture.baseArgs(), '--listen', '3']);
                const seconds = (Date.now() - started) / 1000;
                assert.ok(seconds < 3 + 15, `took ${seconds} s`);
                assert.match(run.stdout, /event stream did not answer within \d+ s/);
                assert.ok(miawState(fixture.emulator.state).conversations.size >= 1);
            } finally {
                stallEventStreams(fixture.emulator, false);
            }
        }
    );
});

describe('--json: one document in every outcome', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture();
    });
    after(() => fixture.stop());

    test('a usage error under --json is one JSON document on stdout', async () => {
        for (const argv of [
            ['--json', '--listen', 'soon'],
            ['--json'],
            ['--json', '--no-such-flag']
        ]) {
            const run = await fixture.run(argv);
            assert.equal(run.exitCode, 2);
            const document = JSON.parse(run.stdout) as {
                ok: boolean;
                error: { code: string; message: string };
            };
            assert.equal(document.ok, false);
            assert.equal(document.error.code, 'USAGE');
            assert.equal(run.stderr, '');
        }
    });
});

describe('secrets quoted by a server are redacted', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture({
            modules: [echoBearerOnConversation],
            channelAuthMode: 'UnAuth'
        });
    });
    after(() => fixture.stop());

    test('the MIAW access token echoed in an error never reaches stdout, stderr or --json', async () => {
        for (const json of [false, true]) {
            const run = await fixture.run([
                ...fixture.baseArgs(),
                '--visitor',
                'anonymous',
                '--listen',
                '0',
                ...(json ? ['--json'] : [])
            ]);
            const tokens = [...miawState(fixture.emulator.state).tokens.keys()];
            assert.ok(tokens.length > 0);
            const output = run.stdout + run.stderr;
            assert.match(output, /Authorization=Bearer \[redacted\]/);
            for (const token of tokens) assert.equal(output.includes(token), false);
        }
    });

    test('the org session token quoted by a failing org query is redacted', async () => {
        fixture.emulator.injectFault({
            on: { path: /\/query/ },
            effect: {
                status: 500,
                body: [
                    {
                        message: `Session ${fixture.emulator.state.accessToken} is not valid here`,
                        errorCode: 'UNKNOWN_EXCEPTION'
                    }
                ]
            }
        });
        const run = await fixture.run([...fixture.baseArgs(), '--listen', '0', '--json']);
        fixture.emulator.clearFaults();
        assert.equal(run.exitCode, 2);
        assert.equal(run.stdout.includes(fixture.emulator.state.accessToken), false);
        assert.match(JSON.parse(run.stdout).error.message as string, /\[redacted\]/);
    });
});

describe('garbage from the messaging host is named, never a TypeError', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture();
    });
    after(() => fixture.stop());

    const configPath = /embedded-service-config/;

    test('a deployment configuration of the wrong shape', async () => {
        fixture.emulator.injectFault({
            on: { path: configPath },
            effect: { status: 200, body: { forms: 5 } }
        });
        const run = await fixture.run([...fixture.baseArgs(), '--listen', '0']);
        assert.equal(run.exitCode, 2);
        noTypeError(run.stdout + run.stderr);
        assert.match(
            run.stderr,
            /^error: The messaging host answered the deployment configuration with something unreadable/
        );
    });

    test('a 200 HTML page is not "published"', async () => {
        fixture.emulator.injectFault({
            on: { path: configPath },
            effect: { status: 200, body: '<!DOCTYPE html><html><body>Sign in</body></html>' }
        });
        const run = await fixture.run([...fixture.baseArgs(), '--listen', '0']);
        assert.equal(run.exitCode, 2);
        assert.doesNotMatch(run.stdout, /is published/);
        assert.match(run.stderr, /an HTML page/);
    });

    test('a 503 maintenance page is not "deployment not published"', async () => {
        fixture.emulator.injectFault({
            on: { path: configPath },
            effect: {
                status: 503,
                body: '<html><body>Down for maintenance. We will be back shortly.</body></html>'
            }
        });
        const run = await fixture.run([...fixture.baseArgs(), '--listen', '0']);
        assert.equal(run.exitCode, 2);
        assert.doesNotMatch(run.stderr, /not published/);
        assert.match(run.stderr, /unavailable \(HTTP 503\)/);
        assert.match(run.stderr, /fix: .*status\.salesforce\.com/);
    });

    test('a token answer without a usable token', async () => {
        fixture.emulator.injectFault({
            on: { path: /access-token/ },
            effect: { status: 200, body: { accessToken: 42, context: 'x' } },
            times: 10
        });
        const run = await fixture.run([...fixture.baseArgs(), '--listen', '0']);
        fixture.emulator.clearFaults();
        noTypeError(run.stdout + run.stderr);
        assert.match(run.stdout + run.stderr, /no accessToken/);
    });
});

describe('hostile input', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture({ keyPath: DASH_KID_KEY_PATH });
    });
    after(() => fixture.stop());

    test('a binary --transcript is refused before anything is sent, and says why', async () => {
        const path = join(fixture.dir, 'binary.txt');
        writeFileSync(path, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x00, 0xff, 0xfe]));
        const calls = fixture.emulator.callCount();
        const run = await fixture.run([...fixture.baseArgs(), '--transcript', path]);
        assert.equal(run.exitCode, 2);
        assert.match(run.stderr, /is not a text file/);
        assert.equal(fixture.emulator.callCount(), calls);
    });

    test('a --transcript over the size limit is refused and names the limit', async () => {
        const path = join(fixture.dir, 'huge.txt');
        writeFileSync(path, 'Visitor: hello\n'.repeat(200_000));
        const run = await fixture.run([...fixture.baseArgs(), '--transcript', path]);
        assert.equal(run.exitCode, 2);
        assert.match(run.stderr, /larger than the 1 MiB limit/);
    });

    test('a newline in --session-id cannot forge a PASS line', async () => {
        const forged = 'abc\nPASS: OpenCX_Anonymous_Visitors has the conversation';
        const run = await fixture.run([...fixture.baseArgs(), '--session-id', forged]);
        assert.equal(run.exitCode, 2);
        assert.match(run.stderr, /--session-id/);
        assert.doesNotMatch(run.stdout, /^PASS/m);
    });

    test('terminal escape sequences in an agent reply are shown as text', async () => {
        const running = fixture.run(
            [...fixture.baseArgs(), '--visitor', 'anonymous', '--listen', '10'],
            { stopAfterReplies: 1 }
        );
        const conversation = await waitForConversation(fixture.emulator);
        pushAgentReply(fixture.emulator, conversation.id, 'hi\u001b[2J\u001b]0;owned\u0007 there');
        const run = await running;
        assert.equal(run.stdout.includes('\u001b'), false);
        assert.equal(run.stdout.includes('\u0007'), false);
        assert.match(run.stdout, /hi\\u001b\[2J/);
    });

    test('a key id starting with "-" works as --kid <id>', async () => {
        assert.ok(DASH_KID.startsWith('-'));
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--authenticated',
            '--email',
            'jane@example.com',
            '--private-key',
            DASH_KID_KEY_PATH,
            '--kid',
            DASH_KID,
            '--issuer',
            ISSUER,
            '--listen',
            '0'
        ]);
        assert.equal(run.exitCode, 0, run.stdout + run.stderr);
        assert.match(run.stdout, new RegExp(`kid ${DASH_KID.replace(/[-]/g, '\\-')}`));
    });
});

describe('a closed stdout (handoff:test | head)', () => {
    let fixture: HandoffFixture;
    before(async () => {
        fixture = await startHandoffFixture({ channelAuthMode: 'UnAuth' });
    });
    after(async () => {
        // The entry point keeps its state under the project's .opencx (gitignored).
        rmSync(join(PROJECT_ROOT, '.opencx', fixture.emulator.state.orgId), {
            recursive: true,
            force: true
        });
        await fixture.stop();
    });

    test('ends quietly: no EPIPE stack trace', async () => {
        const child = spawn(
            process.execPath,
            [
                '--import',
                'tsx',
                join(PROJECT_ROOT, 'scripts', 'handoff-test.ts'),
                ...fixture.baseArgs(),
                '--listen',
                '1'
            ],
            {
                cwd: PROJECT_ROOT,
                env: {
                    PATH: process.env.PATH,
                    HOME: process.env.HOME,
                    SF_ACCESS_TOKEN: fixture.emulator.state.accessToken
                }
            }
        );
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        // `head -1`: read the first chunk, then close the pipe.
        child.stdout.once('data', () => child.stdout.destroy());
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        assert.doesNotMatch(stderr, /EPIPE|Error:| {4}at /);
        assert.notEqual(code, null);
    });
});

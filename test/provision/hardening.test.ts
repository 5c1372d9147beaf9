// Provisioning as a hostile user and a flaky network meet it (issue 10): the key file, hangs and
// retries, scale, races, login, --json purity, secrets in echoed errors, garbage answers, config edge
// cases. Each test failed on the code before the fix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    lstatSync,
    mkdirSync,
    mkdtempSync,
    readFileSync,
    readdirSync,
    symlinkSync,
    writeFileSync
} from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { API_KEY, createHarness, orgFingerprint, repUsernames, type Harness } from './harness.ts';

const reps = repUsernames(4);
const config = { reps: reps.map((username) => ({ username })), admins: [] };
const FAST = { OPENCX_REQUEST_TIMEOUT_SECONDS: '2' };

async function withHarness<T>(
    options: Parameters<typeof createHarness>[0],
    body: (harness: Harness) => Promise<T>
): Promise<T> {
    const harness = await createHarness(options);
    try {
        return await body(harness);
    } finally {
        await harness.close();
    }
}

/** Fails the test instead of hanging when the command does not end in time. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
    return Promise.race([
        promise,
        new Promise<T>((_, reject) =>
            setTimeout(() => reject(new Error(`no result within ${ms} ms (hung)`)), ms).unref()
        )
    ]);
}

function keyPathIn(harness: Harness): string {
    return join(harness.dir, '.opencx', harness.emulator.state.orgId, 'identity-key.pem');
}

describe('class 1: the key file is written atomically', () => {
    test('a 0-byte key file left by a killed run does not block every rerun', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            const path = keyPathIn(harness);
            mkdirSync(join(path, '..'), { recursive: true });
            writeFileSync(path, '', { mode: 0o600 });
            const result = await harness.run();
            assert.equal(result.code, 0, result.stderr);
            assert.match(readFileSync(path, 'utf8'), /BEGIN PRIVATE KEY/);
            assert.equal(lstatSync(path).mode & 0o777, 0o600);
        });
    });

    test('--rotate-key keeps the working key until the new one is registered', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            assert.equal((await harness.run()).code, 0);
            const path = keyPathIn(harness);
            const before = readFileSync(path, 'utf8');
            harness.emulator.injectFault({
                on: { path: /\/services\/Soap\/m\//, writesOnly: true },
                effect: { status: 500 }
            });
            const failed = await harness.run(['--rotate-key']);
            assert.equal(failed.code, 1);
            assert.equal(readFileSync(path, 'utf8'), before, 'the working key was replaced');
            const leftovers = readdirSync(join(path, '..')).filter((name) => name.includes('.tmp'));
            assert.deepEqual(leftovers, []);
            const rerun = await harness.run(['--rotate-key']);
            assert.equal(rerun.code, 0, rerun.stderr);
            assert.notEqual(readFileSync(path, 'utf8'), before);
            assert.equal(lstatSync(path).mode & 0o777, 0o600);
        });
    });
});

describe('class 2: never writes where the user did not mean', () => {
    test('--rotate-key refuses a symlink and leaves its target alone', async () => {
        await withHarness({ users: reps }, async (harness) => {
            const victim = join(harness.dir, 'victim.txt');
            writeFileSync(victim, 'precious\n');
            const link = join(harness.dir, 'key.pem');
            symlinkSync(victim, link);
            harness.writeConfig({ ...config, identity: { privateKeyPath: link } });
            const result = await harness.run(['--rotate-key']);
            assert.equal(result.code, 2);
            assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
            assert.match(result.stderr, /symbolic link/);
            assert.doesNotMatch(result.stderr, /--rotate-key replaces it/);
        });
    });

    test('a file that is not a key is never offered to --rotate-key, and --rotate-key refuses it', async () => {
        await withHarness({ users: reps }, async (harness) => {
            const path = join(harness.dir, 'notes.pem');
            writeFileSync(path, 'my notes\n');
            harness.writeConfig({ ...config, identity: { privateKeyPath: path } });
            const plain = await harness.run();
            assert.equal(plain.code, 2);
            assert.doesNotMatch(plain.stderr, /--rotate-key/);
            const rotate = await harness.run(['--rotate-key']);
            assert.equal(rotate.code, 2);
            assert.equal(readFileSync(path, 'utf8'), 'my notes\n');
        });
    });

    test('a dangling symlink gives a clear message, not EEXIST on every rerun', async () => {
        await withHarness({ users: reps }, async (harness) => {
            const link = join(harness.dir, 'key.pem');
            symlinkSync(join(harness.dir, 'gone.pem'), link);
            harness.writeConfig({ ...config, identity: { privateKeyPath: link } });
            const result = await harness.run();
            assert.equal(result.code, 2);
            assert.doesNotMatch(result.stderr, /EEXIST/);
            assert.match(result.stderr, /symbolic link/);
            assert.equal(harness.emulator.writeCount(), 0, 'refused before any write');
        });
    });

    test('a folder at the key path is refused as not a regular file', async () => {
        await withHarness({ users: reps }, async (harness) => {
            const folder = join(harness.dir, 'key-folder');
            mkdirSync(folder);
            harness.writeConfig({ ...config, identity: { privateKeyPath: folder } });
            const result = await harness.run();
            assert.equal(result.code, 2);
            assert.match(result.stderr, /not a regular file/);
        });
    });
});

describe('class 3: deadlines, progress and correct retries', () => {
    test('a hung request ends the run with a named timeout, and progress is printed while waiting', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            harness.emulator.injectFault({
                on: { path: /named-credentials\/credential/, method: 'GET' },
                effect: { hang: true },
                times: 5
            });
            const started = Date.now();
            const result = await within(15_000, harness.run([], FAST));
            assert.equal(result.code, 1);
            assert.match(result.stderr, /no answer .* within 2 s/);
            assert.match(result.stderr, /still working/);
            assert.ok(Date.now() - started < 12_000);
            assert.equal(harness.emulator.writeCount(), 0);
        });
    });

    test('many quick requests in one step still print progress once the run has been silent', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            // Each answer alone is quicker than the progress interval (0.5 s at a 2 s deadline).
            harness.emulator.injectFault({
                on: { path: /\/services\/data\/v[\d.]+\/(composite|query|tooling)/ },
                effect: { delayMs: 250 },
                times: 10
            });
            const result = await harness.run([], FAST);
            assert.equal(result.code, 0, result.stderr);
            assert.match(result.stderr, /still working/);
        });
    });

    test('jsforce alone, after a 503 on PUT, resends an empty body and hangs (why its retry is off)', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            const { Connection } = await import('jsforce');
            const conn = new Connection({
                instanceUrl: harness.emulator.url,
                accessToken: harness.emulator.state.accessToken,
                version: '66.0'
            });
            harness.emulator.injectFault({
                on: { path: /named-credentials\/credential/, method: 'PUT' },
                effect: { status: 503, body: 'Service Unavailable' }
            });
            const put = conn.request({
                method: 'PUT',
                url: '/named-credentials/credential',
                body: JSON.stringify({ externalCredential: 'x', principalName: 'y' }),
                headers: { 'content-type': 'application/json' }
            });
            const outcome = await Promise.race([
                put.then(
                    () => 'answered',
                    () => 'failed'
                ),
                new Promise((resolve) => setTimeout(() => resolve('hung'), 3000).unref())
            ]);
            // If this fails, jsforce fixed its retry; scripts/lib/http.ts could use it again.
            assert.equal(outcome, 'hung');
        });
    });

    test('--update-api-key after one 503 resends the body and finishes (jsforce resent an empty body)', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            assert.equal((await harness.run()).code, 0);
            harness.emulator.injectFault({
                on: { path: /named-credentials\/credential/, method: 'PUT' },
                effect: { status: 503, body: 'Service Unavailable' }
            });
            const result = await within(
                15_000,
                harness.run(['--update-api-key'], {
                    ...FAST,
                    OPENCX_API_KEY: 'ocx_live_NEW_KEY_0123'
                })
            );
            assert.equal(result.code, 0, result.stderr);
            const stored = [...harness.emulator.state.credentials.values()][0];
            assert.equal(stored.credentials.ApiKey.value, 'ocx_live_NEW_KEY_0123');
        });
    });
});

describe('class 4: scale', () => {
    test('200 reps with long usernames: user lookups stay under the 16 KB URI limit', async () => {
        const long = Array.from(
            { length: 200 },
            (_, index) =>
                `representative.with.a.rather.long.name.${index + 1}@subsidiary.department.acme-corporation.example`
        );
        await withHarness(
            { users: long, config: { reps: long.map((username) => ({ username })) } },
            async (harness) => {
                const result = await harness.run();
                assert.equal(result.code, 0, result.stderr);
                assert.equal(
                    harness.emulator.calls.filter((call) => call.status === 431).length,
                    0
                );
            }
        );
    });

    test('grouping 30,000 records for writing is linear', { timeout: 10_000 }, async () => {
        const { saveRecords } = await import('../../scripts/lib/batch.ts');
        const conn = {
            version: '66.0',
            request: async (request: { body: string }) => {
                const body = JSON.parse(request.body) as {
                    compositeRequest?: { body: { records: unknown[] } }[];
                    records?: unknown[];
                };
                const ok = (count: number) =>
                    Array.from({ length: count }, () => ({ id: 'x', success: true, errors: [] }));
                if (body.records) return ok(body.records.length);
                return {
                    compositeResponse: (body.compositeRequest ?? []).map((sub, index) => ({
                        body: ok(sub.body.records.length),
                        httpStatusCode: 200,
                        referenceId: `r${index}`
                    }))
                };
            }
        };
        const records = Array.from({ length: 30_000 }, (_, index) => ({
            type: 'GroupMember',
            fields: { GroupId: '00G', UserOrGroupId: `005${index}` }
        }));
        const started = performance.now();
        const outcome = await saveRecords(conn as never, records);
        assert.equal(outcome.results.length, 30_000);
        assert.ok(performance.now() - started < 3_000, `${performance.now() - started} ms`);
    });
});

describe('class 5: two runs at once', () => {
    test('both keys stay registered; the run that had to merge says so', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            const otherMachine = mkdtempSync(join(tmpdir(), 'opencx-other-'));
            writeFileSync(join(otherMachine, 'opencx.config.json'), JSON.stringify(config));
            // The first key write waits 1.5 s: the other run plans, registers and finishes meanwhile.
            harness.emulator.injectFault({
                on: { path: /\/services\/Soap\/m\//, writesOnly: true },
                effect: { delayMs: 1500 }
            });
            const [first, second] = await Promise.all([
                harness.run(),
                harness.run([], {}, otherMachine)
            ]);
            const kids = [first, second].map(
                (run) => /Auth Key ID\s+(\S+)/.exec(run.stdout)?.[1] ?? ''
            );
            const { certificateName } = await import('../../scripts/lib/identity-key.ts');
            const keySet = harness.emulator.state.metadata
                .get('PublicKeyCertificateSet')
                ?.get('OpenCX_Identity_Keys');
            const registered = (
                keySet?.publicKeyCertificateSetKeys as { publicKeyCertificate: string }[]
            ).map((key) => key.publicKeyCertificate);
            for (const [index, run] of [first, second].entries()) {
                if (run.code !== 0) {
                    assert.match(run.stderr, /another run/);
                    continue;
                }
                assert.ok(registered.includes(certificateName(kids[index])), `run ${index + 1}`);
            }
            assert.match(
                `${first.stdout}${second.stdout}${first.stderr}${second.stderr}`,
                /another run/,
                `${first.stdout}\n---\n${second.stdout}`
            );
        });
    });
});

describe('class 6: login and exit codes', () => {
    test('INVALID_SESSION_ID from the Metadata API gets the renew command and exit 2', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            harness.emulator.injectFault({
                on: { path: /\/services\/Soap\/m\// },
                effect: { expireSession: true }
            });
            const result = await harness.run();
            assert.match(result.stderr, /sf org login web|SF_ACCESS_TOKEN/);
            assert.equal(result.code, 2);
        });
    });

    test('a bad SF_ACCESS_TOKEN exits 2 (login), as README promises', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            const result = await harness.spawn([], { SF_ACCESS_TOKEN: 'not-a-valid-token-at-all' });
            assert.equal(result.code, 2, result.stderr);
            assert.match(result.stderr, /SF_ACCESS_TOKEN/);
        });
    });
});

describe('class 7: --json prints exactly one JSON document in every outcome', () => {
    for (const args of [['--bogus'], ['--target-org', 'x'], ['--check', '--dry-run']]) {
        test(`usage error ${args.join(' ')}`, async () => {
            await withHarness({ users: reps, config }, async (harness) => {
                const result = await harness.spawn(['--json', ...args]);
                assert.equal(result.code, 2);
                const document = JSON.parse(result.stdout) as { ok: boolean; error: unknown };
                assert.equal(document.ok, false);
                assert.ok(document.error);
            });
        });
    }
});

describe('class 8: secrets quoted by the server are redacted', () => {
    for (const json of [false, true]) {
        test(`an error echoing the API key${json ? ' (--json)' : ''}`, async () => {
            await withHarness({ users: reps, config }, async (harness) => {
                harness.emulator.injectFault({
                    on: { path: /named-credentials\/credential/, method: 'POST' },
                    effect: {
                        status: 400,
                        body: [{ errorCode: 'INVALID_INPUT', message: `bad value ${API_KEY}` }]
                    }
                });
                const result = await harness.run(json ? ['--json'] : []);
                assert.equal(result.code, 1);
                const everything = `${result.stdout}\n${result.stderr}`;
                assert.equal(everything.includes(API_KEY), false, 'the API key leaked');
                assert.match(everything, /\[redacted\]/);
                if (json) JSON.parse(result.stdout);
            });
        });
    }
});

describe('class 9: garbage answers are a named failure that writes nothing', () => {
    const html = '<html><body><h1>Service temporarily unavailable</h1></body></html>';
    const cases: [
        string,
        RegExp,
        { status: number; body: string; headers: Record<string, string> }
    ][] = [
        [
            'an HTML page for a query',
            /\/query$/,
            { status: 200, body: html, headers: { 'content-type': 'text/html' } }
        ],
        [
            'malformed JSON for a query',
            /\/query$/,
            {
                status: 200,
                body: '{"totalSize": 1, "records": [',
                headers: { 'content-type': 'application/json' }
            }
        ]
    ];
    for (const [label, path, effect] of cases) {
        test(label, async () => {
            await withHarness({ users: reps, config }, async (harness) => {
                harness.emulator.injectFault({ on: { path, method: 'GET' }, effect, times: 100 });
                const result = await harness.run();
                assert.equal(result.code, 1);
                assert.match(result.stderr, /unreadable answer/);
                assert.doesNotMatch(result.stderr, /TypeError|is not iterable|undefined/);
                assert.equal(harness.emulator.writeCount(), 0);
            });
        });
    }

    test('a garbage key-state read is not "not set": no duplicate POST', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            assert.equal((await harness.run()).code, 0);
            harness.emulator.resetLog();
            harness.emulator.injectFault({
                on: { path: /named-credentials\/credential/, method: 'GET' },
                effect: { status: 200, body: html, headers: { 'content-type': 'text/html' } }
            });
            const result = await harness.run();
            assert.equal(result.code, 1);
            assert.match(result.stderr, /unreadable answer/);
            assert.equal(harness.emulator.writeCount(), 0);
        });
    });
});

describe('class 10: config edge cases', () => {
    test('a UTF-8 byte-order mark is named, with line:column', async () => {
        await withHarness({ users: reps }, async (harness) => {
            harness.writeConfig(`\ufeff${JSON.stringify(config)}`);
            const result = await harness.run();
            assert.equal(result.code, 2);
            assert.match(result.stderr, /byte-order mark/);
            assert.match(result.stderr, /line 1, column 1/);
            assert.equal(harness.emulator.callCount(), 0);
        });
    });

    test('10 MB of "[" gives a line and a column, not NaN', async () => {
        await withHarness({ users: reps }, async (harness) => {
            harness.writeConfig('['.repeat(10 * 1024 * 1024));
            const result = await within(20_000, harness.run());
            assert.equal(result.code, 2);
            assert.match(result.stderr, /line 1, column \d+/);
            assert.doesNotMatch(result.stderr, /NaN/);
        });
    });
});

describe('duplicate writes: the script never attempts one', () => {
    test('a full run, a faulted run and a rerun attempt no DUPLICATE_VALUE write', async () => {
        await withHarness({ users: reps, config }, async (harness) => {
            harness.emulator.injectFault({ on: { write: 1 }, effect: { drop: 'after' } });
            await harness.run();
            assert.equal((await harness.run()).code, 0);
            assert.equal((await harness.run()).code, 0);
            assert.deepEqual(harness.emulator.state.duplicateAttempts(), []);
            assert.equal(orgFingerprint(harness.emulator).queueMembers > 0, true);
        });
    });
});

// The stored `sf` login path (--target-org): @salesforce/core reads the login from ~/.sfdx,
// refreshes the session, and the run goes on through jsforce. Runs in child processes with a
// temporary HOME, so the real ~/.sfdx is never read or written.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator, type Emulator } from '../../testkit/emulator/index.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project.ts';

const TSX = pathToFileURL(join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

function runNode(args: string[], home: string, cwd: string) {
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
        const env = {
            ...process.env,
            HOME: home,
            SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
            SF_DISABLE_TELEMETRY: 'true',
            OPENCX_API_KEY: 'ocx_test_key_stored_login'
        };
        const child = spawn(process.execPath, ['--no-warnings', '--import', TSX, ...args], {
            cwd,
            env,
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
}

describe('provision --target-org (stored sf login)', () => {
    let emulator: Emulator;
    let home: string;
    before(async () => {
        emulator = await startEmulator({ users: ['rep1@acme.example'] });
        home = mkdtempSync(join(tmpdir(), 'opencx-home-'));
        writeFileSync(
            join(home, 'opencx.config.json'),
            JSON.stringify({ reps: [{ username: 'rep1@acme.example' }] })
        );
        const saved = await runNode(
            [
                join(PROJECT_ROOT, 'test', 'provision', 'save-login.ts'),
                emulator.url,
                emulator.state.accessToken,
                'admin@acme.example'
            ],
            home,
            home
        );
        assert.equal(saved.code, 0, saved.stderr);
    });
    after(async () => {
        await emulator.stop();
        rmSync(home, { recursive: true, force: true });
    });

    test('provisions through the stored login of an alias', async () => {
        const result = await runNode(
            [join(PROJECT_ROOT, 'scripts', 'provision.ts'), '--target-org', 'emu'],
            home,
            home
        );
        assert.equal(result.code, 0, result.stderr);
        assert.match(result.stdout, /provisioning for emu: Acme Support/);
        assert.match(result.stdout, /\[5\/7\] User-verification key: created/);
    });

    test('an alias with no stored login says how to log in', async () => {
        const result = await runNode(
            [join(PROJECT_ROOT, 'scripts', 'provision.ts'), '--target-org', 'nope', '--check'],
            home,
            home
        );
        assert.equal(result.code, 2);
        assert.match(
            result.stderr,
            /No Salesforce login named "nope" on this computer: run sf org login web --alias nope/
        );
    });

    test('an expired session that cannot be refreshed says how to log in again', async () => {
        emulator.expireSession();
        const result = await runNode(
            [join(PROJECT_ROOT, 'scripts', 'provision.ts'), '--target-org', 'emu', '--check'],
            home,
            home
        );
        assert.equal(result.code, 2);
        assert.match(result.stderr, /run sf org login web --alias emu/);
    });
});

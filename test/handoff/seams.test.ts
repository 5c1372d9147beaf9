// The rehearsal as a program calls it: one working folder for every relative path (config, state
// folder), the config parsed as deploy and provisioning parse it, the throwaway key said once and
// plainly in open mode, and rehearsal conversations marked OpencxChannel "rehearsal".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHandoffCommand } from '../../scripts/handoff/command.ts';
import { lastRehearsalPath } from '../../scripts/lib/rehearsal-verdict.ts';
import { setChannelAuthMode } from '../../testkit/emulator/index.ts';
import { handoffOf, startHandoffFixture, type HandoffFixture } from './support.ts';

describe('runHandoffCommand in a given working folder', () => {
    let fixture: HandoffFixture;
    let admin: string;
    before(async () => {
        fixture = await startHandoffFixture();
        admin = mkdtempSync(join(tmpdir(), 'handoff-cwd-'));
    });
    after(async () => {
        rmSync(admin, { recursive: true, force: true });
        await fixture.stop();
    });

    async function runIn(cwd: string, args: string[]) {
        let stdout = '';
        let stderr = '';
        const outcome = await runHandoffCommand([...fixture.baseArgs(), '--listen', '0', ...args], {
            stdout: (text) => (stdout += text),
            stderr: (text) => (stderr += text),
            env: { SF_ACCESS_TOKEN: fixture.emulator.state.accessToken },
            cwd
        });
        return { ...outcome, stdout, stderr };
    }

    test('open mode from cwd/opencx.config.json, verdict in cwd/.opencx; the throwaway key said once, no warning', async () => {
        writeFileSync(
            join(admin, 'opencx.config.json'),
            JSON.stringify({ visitorVerification: 'open', reps: [] })
        );
        setChannelAuthMode(fixture.emulator, 'UnAuth');
        try {
            const run = await runIn(admin, []);
            assert.equal(run.exitCode, 0, run.stdout + run.stderr);
            assert.equal(run.result!.mode, 'open');
            const orgId = fixture.emulator.state.orgId;
            assert.ok(existsSync(lastRehearsalPath(join(admin, '.opencx'), orgId)));
            const said = run.stdout
                .split('\n')
                .filter((line) => /throwaway key/.test(line) && !/access token/.test(line));
            assert.deepEqual(said, [
                '  the verified-visitor probe signs with a throwaway key: open mode has no identity key'
            ]);
            assert.doesNotMatch(run.stdout, /! no identity key/);
        } finally {
            setChannelAuthMode(fixture.emulator, 'Auth');
        }
    });

    test('verified mode without a key still warns about the throwaway key', async () => {
        const bare = mkdtempSync(join(tmpdir(), 'handoff-cwd-'));
        try {
            const run = await runIn(bare, ['--visitor', 'verified']);
            assert.match(run.stdout, /! no identity key at .*: signing with a throwaway key/);
        } finally {
            rmSync(bare, { recursive: true, force: true });
        }
    });

    test('a relative --config and --state-dir are those of cwd', async () => {
        writeFileSync(
            join(admin, 'other.json'),
            JSON.stringify({ visitorVerification: 'verified', reps: [] })
        );
        const run = await runIn(admin, [
            '--config',
            'other.json',
            '--state-dir',
            'state',
            '--visitor',
            'verified',
            '--json'
        ]);
        assert.equal(run.result?.mode, 'verified', run.stdout + run.stderr);
        const saved = lastRehearsalPath(join(admin, 'state'), fixture.emulator.state.orgId);
        assert.equal(JSON.parse(readFileSync(saved, 'utf8')).mode, 'verified');
    });

    test('a byte-order mark is refused with line:column, as deploy and provisioning refuse it', async () => {
        writeFileSync(join(admin, 'bom.json'), '\ufeff{"visitorVerification":"open","reps":[]}');
        const calls = fixture.emulator.calls.length;
        const run = await runIn(admin, ['--config', 'bom.json']);
        assert.equal(run.exitCode, 2);
        assert.match(
            run.stderr,
            /bom\.json is not valid JSON: the file starts with a byte-order mark .* at line 1, column 1/
        );
        assert.equal(fixture.emulator.calls.length, calls, 'nothing sent');
    });

    test('the rehearsal sends OpencxChannel "rehearsal" (the doctor leaves it out), --channel overrides', async () => {
        const run = await fixture.run([
            ...fixture.baseArgs(),
            '--visitor',
            'anonymous',
            '--listen',
            '0'
        ]);
        assert.equal(run.exitCode, 0, run.stdout + run.stderr);
        const handoff = handoffOf(run.result, 'anonymous');
        assert.equal(handoff.routingAttributes.OpencxChannel, 'rehearsal');
        assert.equal(handoff.session?.stamped.OpenCX_Channel__c, 'rehearsal');
        const web = await fixture.run([
            ...fixture.baseArgs(),
            '--visitor',
            'anonymous',
            '--channel',
            'web',
            '--listen',
            '0'
        ]);
        assert.equal(handoffOf(web.result, 'anonymous').routingAttributes.OpencxChannel, 'web');
    });
});

// Seams of open mode and of the programmatic entry point:
//  - open mode sends every visitor OpenCX marks verified to the fallback queue while OpenCX Setting
//    Allow_Unchecked_Verified_Claims__c is off (issue 12): provisioning's output and the doctor say
//    so, as a warning, where the admin decides;
//  - the doctor's routing summary leaves the rehearsal's own handoffs out and says how many;
//  - buildRunOptions(parsed, env, cwd) reads the config and keeps .opencx in that one folder.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRunOptions, parseArgs } from '../../scripts/provision/cli.ts';
import { runProvision } from '../../scripts/provision/run.ts';
import {
    UNCHECKED_CLAIMS_QUERY,
    readUncheckedClaims,
    uncheckedClaimsWarning
} from '../../scripts/provision/unchecked-claims.ts';
import { REHEARSAL_QUERY } from '../../scripts/provision/routing-summary.ts';
import type { OrgState } from '../../testkit/emulator/index.ts';
import { API_KEY, createHarness, repUsernames, type Harness } from './harness.ts';

const reps = repUsernames(1);
const base = { reps: reps.map((username) => ({ username })) };
const WARNING =
    "in open mode, visitors OpenCX marks verified go to OpenCX_Fallback; to route them by OpenCX's claim, turn on Allow Unchecked Verified Claims (Setup → Custom Metadata Types → OpenCX Setting → Default)";

interface CheckJson {
    id: string;
    passed: boolean;
    warning?: boolean;
    detail: string;
    fix?: string;
}

async function withHarness(
    mode: 'open' | 'verified',
    run: (harness: Harness) => Promise<void>
): Promise<void> {
    const harness = await createHarness({
        users: reps,
        channelAuthMode: mode === 'open' ? 'UnAuth' : 'Auth',
        config: { ...base, visitorVerification: mode }
    });
    try {
        await run(harness);
    } finally {
        await harness.close();
    }
}

function setUncheckedClaims(state: OrgState, on: boolean): void {
    for (const row of state.data.all('OpenCX_Setting__mdt'))
        state.data.update('OpenCX_Setting__mdt', row.Id, {
            Allow_Unchecked_Verified_Claims__c: on
        });
}

async function doctorChecks(harness: Harness): Promise<CheckJson[]> {
    const result = await harness.run(['--check', '--json']);
    return (JSON.parse(result.stdout) as { checks: CheckJson[] }).checks;
}

describe('open mode: verified claims and OpenCX Setting Allow Unchecked Verified Claims', () => {
    test('the warning names the fallback queue and the Setup path', () => {
        assert.equal(uncheckedClaimsWarning('OpenCX_Fallback'), WARNING);
    });

    test('provisioning in open mode warns while the setting is off (text and --json), and passes', async () => {
        await withHarness('open', async (harness) => {
            const result = await harness.run();
            assert.equal(result.code, 0, result.stderr);
            assert.ok(
                result.stdout.includes(`! Verified claims in open mode: ${WARNING}`),
                result.stdout
            );
            const json = JSON.parse((await harness.run(['--json'])).stdout) as {
                ok: boolean;
                warnings?: CheckJson[];
            };
            assert.equal(json.ok, true);
            assert.deepEqual(
                json.warnings?.map((check) => [check.id, check.warning, check.detail]),
                [['unchecked-claims', true, WARNING]]
            );
        });
    });

    test('the doctor in open mode warns (not a failure) while off, passes once on', async () => {
        await withHarness('open', async (harness) => {
            assert.equal((await harness.run()).code, 0);
            const off = (await doctorChecks(harness)).find((c) => c.id === 'unchecked-claims');
            assert.deepEqual([off?.passed, off?.warning, off?.detail], [false, true, WARNING]);
            const text = await harness.run(['--check']);
            assert.ok(text.stdout.includes(`! Verified claims in open mode: ${WARNING}`));

            setUncheckedClaims(harness.emulator.state, true);
            const on = (await doctorChecks(harness)).find((c) => c.id === 'unchecked-claims');
            assert.equal(on?.passed, true);
            assert.match(on?.detail ?? '', /is on/);
            const provisioned = await harness.run();
            assert.doesNotMatch(provisioned.stdout, /Verified claims in open mode/);
        });
    });

    test('verified mode: no such line (Salesforce checks the claim there)', async () => {
        await withHarness('verified', async (harness) => {
            const result = await harness.run();
            assert.equal(result.code, 0, result.stderr);
            assert.doesNotMatch(result.stdout, /Verified claims in open mode/);
            const checks = await doctorChecks(harness);
            assert.equal(
                checks.some((c) => c.id === 'unchecked-claims'),
                false
            );
        });
    });

    test('a setting the org cannot show is a warning naming the cause, never a crash', async () => {
        await withHarness('open', async (harness) => {
            harness.emulator.state.data.undefine('OpenCX_Setting__mdt');
            const check = (await doctorChecks(harness)).find((c) => c.id === 'unchecked-claims');
            assert.equal(check?.warning, true);
            assert.match(
                check?.detail ?? '',
                /could not read OpenCX Setting Default \(INVALID_TYPE/
            );
            assert.match(check?.fix ?? '', /npm run deploy/);
        });
    });

    test('the setting is read with one SOQL query on the custom metadata rows', async () => {
        const sent: string[] = [];
        const read = await readUncheckedClaims(async (soql) => {
            sent.push(soql);
            return [{ DeveloperName: 'Default', Allow_Unchecked_Verified_Claims__c: true }];
        });
        assert.deepEqual(sent, [UNCHECKED_CLAIMS_QUERY]);
        assert.equal(read.on, true);
        assert.equal((await readUncheckedClaims(async () => [])).on, false, 'no Default row: off');
    });
});

describe("the doctor's routing summary leaves the rehearsal out", () => {
    test('rehearsal handoffs (OpencxChannel rehearsal) are not counted; the line says how many', async () => {
        await withHarness('verified', async (harness) => {
            const { data } = harness.emulator.state;
            const now = new Date().toISOString();
            const insert = (outcome: string, channel: string | null) =>
                data.insert('MessagingSession', {
                    Name: 'MS',
                    Status: 'Ended',
                    Chat_Consumer_Type__c: 'Premium',
                    OpenCX_Channel__c: channel,
                    OpenCX_Routing_Outcome__c: outcome,
                    OpenCX_Routed_At__c: now
                });
            // The emulator defines MessagingSession on its first routing; the doctor reads it.
            if (!data.hasType('MessagingSession')) {
                data.define('MessagingSession', {
                    keyPrefix: '0Mw',
                    fields: [
                        'Name',
                        'Status',
                        'Chat_Consumer_Type__c',
                        'OpenCX_Channel__c',
                        'OpenCX_Routing_Outcome__c',
                        'OpenCX_Routed_At__c'
                    ]
                });
            }
            insert('Rule_Matched', 'web');
            insert('No_Rule', null);
            insert('No_Rule', 'rehearsal');
            insert('Rule_Matched', 'rehearsal');
            insert('Rule_Matched', 'rehearsal');
            const summary = (await doctorChecks(harness)).find((c) => c.id === 'routing-summary');
            assert.equal(
                summary?.detail,
                '1 of 2 fell back; 2 handoff(s): No_Rule 1, Rule_Matched 1; fell back most: "Premium" 1; ' +
                    '3 rehearsal handoff(s) left out (OpencxChannel rehearsal, npm run handoff:test)'
            );
            assert.match(REHEARSAL_QUERY, /OpenCX_Channel__c = 'rehearsal'$/);
        });
    });
});

describe('buildRunOptions(parsed, env, cwd): one working folder for every relative path', () => {
    test('the default opencx.config.json and .opencx are those of cwd, not of the process', async () => {
        await withHarness('open', async (harness) => {
            const elsewhere = mkdtempSync(join(tmpdir(), 'opencx-cwd-'));
            try {
                // The folder given has the config (open mode); the process's cwd has none.
                writeFileSync(
                    join(elsewhere, 'opencx.config.json'),
                    JSON.stringify({ ...base, visitorVerification: 'open' })
                );
                assert.equal(existsSync(join(process.cwd(), 'opencx.config.json')), false);
                const out: string[] = [];
                const parsed = parseArgs(['--instance-url', harness.emulator.url]);
                const env = {
                    SF_ACCESS_TOKEN: harness.emulator.state.accessToken,
                    OPENCX_API_KEY: API_KEY
                };
                const options = buildRunOptions(parsed, env, elsewhere);
                const code = await runProvision(options, {
                    stdout: (line) => out.push(line),
                    stderr: (line) => out.push(line)
                });
                assert.equal(code, 0, out.join('\n'));
                assert.match(out.join('\n'), /visitorVerification open/);
                assert.equal(options.stateDir, join(elsewhere, '.opencx'));
                const relative = parseArgs([
                    '--instance-url',
                    harness.emulator.url,
                    '--config',
                    'opencx.config.json',
                    '--check'
                ]);
                const checkOut: string[] = [];
                const checked = await runProvision(buildRunOptions(relative, env, elsewhere), {
                    stdout: (line) => checkOut.push(line),
                    stderr: (line) => checkOut.push(line)
                });
                assert.notEqual(checked, 2, checkOut.join('\n'));
                assert.match(checkOut.join('\n'), /check for .*visitorVerification open/);
            } finally {
                rmSync(elsewhere, { recursive: true, force: true });
            }
        });
    });
});

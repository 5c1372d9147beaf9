// Shared setup of the handoff tests: an emulator with the MIAW routes on an org that the real
// provisioning (`npm run provision`, run in-process) has finished: reps, API key, flow and channel
// activated, user-verification key written and registered. Then the one step an admin does by
// hand at API 66 (provisioning prints it): publish the deployment in Setup. And a way to run
// `npm run handoff:test` in-process against it.
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
    miawRoutes,
    setChannelAuthMode,
    startEmulator,
    type Emulator,
    type EmulatorModule,
    type MiawOptions
} from '../../testkit/emulator/index.ts';
import { runProvision } from '../../scripts/provision/run.ts';
import { keyId, readPrivateKey } from '../../scripts/lib/identity-key.ts';
import { runHandoffCommand, type CommandOutcome } from '../../scripts/handoff/command.ts';
import type { HandoffReport, RehearsalResult } from '../../scripts/handoff/rehearse.ts';

/** The handoff of one visitor kind in a result (fails the test when there is none). */
export function handoffOf(
    result: RehearsalResult | undefined,
    kind: 'anonymous' | 'verified'
): HandoffReport {
    const handoff = result?.handoffs.find((item) => item.visitor.kind === kind);
    if (!handoff) throw new Error(`no ${kind} handoff in ${JSON.stringify(result?.visitors)}`);
    return handoff;
}

export const ISSUER = 'opencx-handoff';

/**
 * A fixed identity key whose kid (RFC 7638 thumbprint) starts with "-", as about 1 in 64 random
 * keys' do: every run signs with it, so `--kid <id>` is tested on the hard case each time, not by
 * chance. A test key, registered only in the emulator.
 */
export const DASH_KID_KEY_PATH = new URL('./fixtures/dash-kid-key.pem', import.meta.url).pathname;

export interface HandoffFixtureOptions extends MiawOptions {
    /** Route modules registered before the MIAW routes (theirs win). */
    modules?: EmulatorModule[];
    /** A private key (PEM file) provisioning finds in place instead of generating one. */
    keyPath?: string;
    /** The channel's user verification (default: as force-app ships it, Auth). */
    channelAuthMode?: 'Auth' | 'UnAuth';
}

export interface HandoffFixture {
    emulator: Emulator;
    /** The private key provisioning wrote, and its kid (registered in the key set). */
    keyPath: string;
    kid: string;
    /** A key of the right shape that the org does not know. */
    otherKeyPath: string;
    dir: string;
    /** Runs the command in-process; returns its exit code, stdout and stderr. */
    run(argv: string[], options?: { stopAfterReplies?: number }): Promise<CommandRun>;
    /** The flags that point the command at the emulator. */
    baseArgs(): string[];
    /** Where the command keeps its state (the fixture's own .opencx). */
    stateDir: string;
    stop(): Promise<void>;
}

export interface CommandRun extends CommandOutcome {
    stdout: string;
    stderr: string;
}

/** Runs the real provisioning against the emulator; returns the private key path it wrote. */
async function provision(emulator: Emulator, dir: string): Promise<string> {
    const configPath = join(dir, 'opencx.config.json');
    writeFileSync(
        configPath,
        JSON.stringify({
            reps: [
                {
                    username: 'ada@acme.example',
                    queues: [
                        'OpenCX_Verified_Visitors',
                        'OpenCX_Anonymous_Visitors',
                        'OpenCX_Fallback'
                    ]
                }
            ]
        })
    );
    let output = '';
    const code = await runProvision(
        {
            instanceUrl: emulator.url,
            accessToken: emulator.state.accessToken,
            configPath,
            configExplicit: true,
            dryRun: false,
            check: false,
            json: true,
            rotateKey: false,
            updateApiKey: false,
            stateDir: join(dir, '.opencx'),
            env: {},
            readApiKey: async () => 'sk-test-not-a-real-key'
        },
        { stdout: (line) => (output += line), stderr: (line) => (output += line) }
    );
    if (code !== 0) throw new Error(`provisioning the emulator failed (${code}): ${output}`);
    const result = JSON.parse(output) as {
        steps: { step: string; details?: { privateKeyPath?: string } }[];
    };
    const keyPath = result.steps.find((step) => step.details?.privateKeyPath)?.details
        ?.privateKeyPath;
    if (!keyPath) throw new Error(`provisioning reported no private key path: ${output}`);
    return keyPath;
}

/** The admin's manual step after provisioning at API 66: Setup → Embedded Service Deployments → Publish. */
export function publishDeployment(emulator: Emulator): void {
    const deployment = emulator.state.tooling.all('EmbeddedServiceConfig')[0];
    emulator.state.publishedDeployments.set(deployment.Id, 1);
}

export async function startHandoffFixture(
    options: HandoffFixtureOptions = {}
): Promise<HandoffFixture> {
    const emulator = await startEmulator({
        modules: [...(options.modules ?? []), miawRoutes(options)],
        users: ['ada@acme.example']
    });
    const dir = mkdtempSync(join(tmpdir(), 'handoff-test-'));
    const stateDir = join(dir, '.opencx');
    if (options.keyPath) {
        mkdirSync(join(stateDir, emulator.state.orgId), { recursive: true, mode: 0o700 });
        writeFileSync(
            join(stateDir, emulator.state.orgId, 'identity-key.pem'),
            readFileSync(options.keyPath),
            { mode: 0o600 }
        );
    }
    const keyPath = await provision(emulator, dir);
    publishDeployment(emulator);
    if (options.channelAuthMode) setChannelAuthMode(emulator, options.channelAuthMode);
    const otherKeyPath = join(dir, 'other-key.pem');
    writeFileSync(
        otherKeyPath,
        generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
            type: 'pkcs8',
            format: 'pem'
        }),
        { mode: 0o600 }
    );
    const fixture: HandoffFixture = {
        emulator,
        keyPath,
        kid: keyId(readPrivateKey(readFileSync(keyPath, 'utf8'))),
        otherKeyPath,
        dir,
        stateDir,
        baseArgs: () => [
            '--instance-url',
            emulator.url,
            '--messaging-host',
            emulator.url,
            '--verify-timeout',
            '2'
        ],
        async run(argv, runOptions = {}) {
            let stdout = '';
            let stderr = '';
            const outcome = await runHandoffCommand(argv, {
                stdout: (text) => (stdout += text),
                stderr: (text) => (stderr += text),
                env: { SF_ACCESS_TOKEN: emulator.state.accessToken },
                stopAfterReplies: runOptions.stopAfterReplies,
                stateDir
            });
            return { ...outcome, stdout, stderr };
        },
        stop: () => emulator.stop()
    };
    return fixture;
}

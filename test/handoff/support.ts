// Shared setup of the handoff tests: an emulator with the MIAW routes on an org that the real
// provisioning (`npm run provision`, run in-process) has finished: reps, API key, flow and channel
// activated, user-verification key written and registered. Then the one step an admin does by
// hand at API 66 (provisioning prints it): publish the deployment in Setup. And a way to run
// `npm run handoff:test` in-process against it.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../../testkit/emulator/index.ts';
import { miawRoutes, type MiawOptions } from '../../testkit/emulator/index.ts';
import { runProvision } from '../../scripts/provision/run.ts';
import { keyId, readPrivateKey } from '../../scripts/lib/identity-key.ts';
import { runHandoffCommand, type CommandOutcome } from '../../scripts/handoff/command.ts';

export const ISSUER = 'opencx-handoff';

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

export async function startHandoffFixture(options: MiawOptions = {}): Promise<HandoffFixture> {
    const emulator = await startEmulator({
        modules: [miawRoutes(options)],
        users: ['ada@acme.example']
    });
    const dir = mkdtempSync(join(tmpdir(), 'handoff-test-'));
    const keyPath = await provision(emulator, dir);
    publishDeployment(emulator);
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
                stopAfterReplies: runOptions.stopAfterReplies
            });
            return { ...outcome, stdout, stderr };
        },
        stop: () => emulator.stop()
    };
    return fixture;
}

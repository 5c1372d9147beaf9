// Test harness for provisioning: an emulator org, a temporary folder (config file, key file, publish
// record), and two ways to run the command: in-process (fast; the same code path as the CLI after
// argument parsing) and as a real child process (for stdout/stderr/exit-code checks).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator, type Emulator } from '../../testkit/emulator/index.ts';
import type { StartOptions } from '../../testkit/emulator/index.ts';
import { buildRunOptions, parseArgs } from '../../scripts/provision/cli.ts';
import { runProvision } from '../../scripts/provision/run.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project.ts';

/** tsx's loader by absolute URL: the child runs in a temporary folder with no node_modules. */
const TSX_LOADER = pathToFileURL(
    join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')
).href;

export const API_KEY = 'ocx_live_TEST_SECRET_3f9a1c77d2b84e0c';

export interface RunOutput {
    code: number;
    stdout: string;
    stderr: string;
}

export interface Harness {
    emulator: Emulator;
    dir: string;
    configPath: string;
    writeConfig: (config: unknown) => void;
    /** Runs provisioning in-process with the given extra arguments (cwd: another machine's folder). */
    run: (
        args?: string[],
        env?: Record<string, string | undefined>,
        cwd?: string
    ) => Promise<RunOutput>;
    /** Runs `tsx scripts/provision.ts` as a child process (stdin is not a terminal). */
    spawn: (args?: string[], env?: Record<string, string | undefined>) => Promise<RunOutput>;
    close: () => Promise<void>;
}

export function repUsernames(count: number): string[] {
    return Array.from({ length: count }, (_, index) => `rep${index + 1}@acme.example`);
}

export async function createHarness(
    options: StartOptions & { config?: unknown } = {}
): Promise<Harness> {
    const emulator = await startEmulator(options);
    const dir = mkdtempSync(join(tmpdir(), 'opencx-provision-'));
    const configPath = join(dir, 'opencx.config.json');
    const writeConfig = (config: unknown) =>
        writeFileSync(
            configPath,
            typeof config === 'string' ? config : JSON.stringify(config, null, 2)
        );
    if (options.config !== undefined) writeConfig(options.config);
    const baseArgs = () => ['--instance-url', emulator.url, '--config', configPath];
    const baseEnv = () => ({
        SF_ACCESS_TOKEN: emulator.state.accessToken,
        OPENCX_API_KEY: API_KEY
    });
    return {
        emulator,
        dir,
        configPath,
        writeConfig,
        run: async (args = [], env = {}, cwd = dir) => {
            const out: string[] = [];
            const err: string[] = [];
            const parsed = parseArgs([...baseArgs(), ...args]);
            const code = await runProvision(
                buildRunOptions(parsed, { ...baseEnv(), ...env }, cwd),
                {
                    stdout: (line) => out.push(line),
                    stderr: (line) => err.push(line)
                }
            );
            return { code, stdout: out.join('\n'), stderr: err.join('\n') };
        },
        spawn: (args = [], env = {}) =>
            new Promise<RunOutput>((resolveRun, reject) => {
                // Asynchronous: the emulator answers from this same process.
                const child = spawn(
                    process.execPath,
                    [
                        '--import',
                        TSX_LOADER,
                        join(PROJECT_ROOT, 'scripts', 'provision.ts'),
                        ...baseArgs(),
                        ...args
                    ],
                    {
                        cwd: dir,
                        env: { ...process.env, ...baseEnv(), ...env },
                        stdio: ['ignore', 'pipe', 'pipe']
                    }
                );
                let stdout = '';
                let stderr = '';
                child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
                child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
                child.on('error', reject);
                child.on('close', (code) => resolveRun({ code: code ?? 1, stdout, stderr }));
            }),
        close: async () => {
            await emulator.stop();
            rmSync(dir, { recursive: true, force: true });
        }
    };
}

/** What provisioning changes in the org, in a comparable form (counts and switches). */
export function orgFingerprint(emulator: Emulator) {
    const { data, tooling, metadata, credentials, publishedDeployments } = emulator.state;
    const keySet = metadata.get('PublicKeyCertificateSet')?.get('OpenCX_Identity_Keys');
    const flow = tooling.all('FlowDefinition')[0];
    return {
        queueMembers: data.all('GroupMember').length,
        // Assignments of permission sets, not the one of each user's profile the org always has.
        permissionSetAssignments: data
            .all('PermissionSetAssignment')
            .filter((row) => data.findById(String(row.PermissionSetId))?.IsOwnedByProfile !== true)
            .length,
        presenceAssignments: data.all('PresenceUserConfigUser').length,
        apiKeySet: [...credentials.values()].some(
            (credential) => 'ApiKey' in credential.credentials
        ),
        flowActive:
            Boolean(flow?.ActiveVersionId) && flow?.ActiveVersionId === flow?.LatestVersionId,
        channelActive: data.all('MessagingChannel')[0]?.IsActive === true,
        published: [...publishedDeployments.values()].reduce((sum, count) => sum + count, 0) > 0,
        certificates: metadata.get('PublicKeyCertificate')?.size ?? 0,
        keySetKeys: (keySet?.publicKeyCertificateSetKeys as unknown[] | undefined)?.length ?? 0,
        issuer: keySet?.jwtIssuer
    };
}

// Test support for `npm run deploy`: a snapshot of the committed project (other work in progress in
// the working tree does not disturb the run), an empty emulator org with an opaque-looking session
// token, and runDeploy() in-process over HTTP, collecting stdout/stderr lines.
import { execFileSync, spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator, type Emulator } from '../../testkit/emulator/index.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project.ts';
import { parseDeployArgs } from '../../scripts/deploy/cli.ts';
import { runDeploy } from '../../scripts/deploy/run.ts';

/** Looks like a real session id (00D…!…), so @salesforce/core uses it without a userinfo call. */
export const ACCESS_TOKEN = '00D5g00000OpenCX!AQ4AQFakeSessionTokenForTests.9kq2';

export interface RunOutput {
    code: number;
    stdout: string[];
    stderr: string[];
    /** When each line (stdout or stderr) was written. */
    times: number[];
}

let snapshot: string | undefined;

/** force-app, sfdx-project.json and .forceignore as committed (HEAD), extracted once per process. */
export function projectSnapshot(): string {
    if (snapshot) return snapshot;
    const dir = mkdtempSync(join(tmpdir(), 'opencx-deploy-project-'));
    const archive = execFileSync(
        'git',
        ['archive', 'HEAD', 'force-app', 'sfdx-project.json', '.forceignore'],
        {
            cwd: PROJECT_ROOT,
            maxBuffer: 64 * 1024 * 1024
        }
    );
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    snapshot = dir;
    return dir;
}

/** A home folder of its own, so @salesforce/core reads and writes nothing of the machine's. */
export function isolatedHome(): string {
    const home = mkdtempSync(join(tmpdir(), 'opencx-deploy-home-'));
    mkdirSync(join(home, '.sf'), { recursive: true });
    process.on('exit', () => rmSync(home, { recursive: true, force: true }));
    return home;
}

export async function emptyOrg(): Promise<Emulator> {
    const emulator = await startEmulator({ empty: true });
    emulator.state.accessToken = ACCESS_TOKEN;
    return emulator;
}

/** runDeploy in-process against the emulator with extra arguments. */
export async function deployTo(
    emulator: Emulator,
    args: string[] = [],
    options: { projectRoot?: string; cwd?: string; heartbeatMs?: number; pollMs?: number } = {}
): Promise<RunOutput> {
    const env = { SF_ACCESS_TOKEN: ACCESS_TOKEN };
    const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'opencx-deploy-cwd-'));
    const parsed = parseDeployArgs(['--instance-url', emulator.url, ...args], env, cwd);
    const output: RunOutput = { code: -1, stdout: [], stderr: [], times: [] };
    const record = (into: string[]) => (line: string) => {
        into.push(line);
        output.times.push(Date.now());
    };
    output.code = await runDeploy(
        parsed,
        { stdout: record(output.stdout), stderr: record(output.stderr) },
        {
            projectRoot: options.projectRoot ?? projectSnapshot(),
            env,
            pollMs: options.pollMs ?? 20,
            heartbeatMs: options.heartbeatMs
        }
    );
    return output;
}

const TSX_LOADER = pathToFileURL(
    join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')
).href;

/** `tsx scripts/deploy.ts` as a real child process. */
export function spawnDeploy(
    args: string[],
    env: Record<string, string> = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn(
            process.execPath,
            ['--import', TSX_LOADER, join(PROJECT_ROOT, 'scripts', 'deploy.ts'), ...args],
            {
                cwd: mkdtempSync(join(tmpdir(), 'opencx-deploy-cwd-')),
                env: { PATH: process.env.PATH ?? '', HOME: isolatedHome(), ...env }
            }
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
}

/**
 * For a test file: HOME isolated before its tests, every org it made (or pushed onto `emulators`)
 * stopped after them. `org()` makes an empty org (the emulator before any deploy).
 */
export function useEmptyOrgs(): { org: () => Promise<Emulator>; emulators: Emulator[] } {
    const emulators: Emulator[] = [];
    before(() => {
        process.env.HOME = isolatedHome();
    });
    after(async () => {
        for (const emulator of emulators) await emulator.stop();
    });
    const org = async () => {
        const emulator = await emptyOrg();
        emulators.push(emulator);
        return emulator;
    };
    return { org, emulators };
}

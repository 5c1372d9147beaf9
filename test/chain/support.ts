// The admin's whole path on one emulator, from an org that has the platform but none of the
// project: `npm run deploy` → `npm run provision` → `npm run handoff:test` (→ `provision --check`),
// each through its programmatic entry point, or `deploy` as a real child process. The admin's
// folder holds the one opencx.config.json every command reads and the .opencx state folder
// provisioning writes and the rehearsal reads. Each run records the calls it made (the emulator's
// call log between its start and end).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
    miawRoutes,
    startEmulator,
    type CallRecord,
    type Emulator
} from '../../testkit/emulator/index.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project.ts';
import type { VisitorVerification } from '../../scripts/lib/visitor-verification.ts';
import { parseDeployArgs } from '../../scripts/deploy/cli.ts';
import { runDeploy } from '../../scripts/deploy/run.ts';
import { buildRunOptions, parseArgs } from '../../scripts/provision/cli.ts';
import { runProvision } from '../../scripts/provision/run.ts';
import { runHandoffCommand, type CommandOutcome } from '../../scripts/handoff/command.ts';

/** Looks like a real session id (00D…!…): @salesforce/core uses it without a userinfo call. */
export const ACCESS_TOKEN = '00D5g00000OpenCX!AQ4AQFakeChainSessionToken.7hd3';
export const API_KEY = 'ocx_live_CHAIN_SECRET_5b1e90c4a7';
export const REP = 'ada@acme.example';
export const ADMIN = 'grace@acme.example';

const TSX_LOADER = pathToFileURL(
    join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')
).href;

export interface CommandRun {
    command: string;
    code: number;
    stdout: string;
    stderr: string;
    /** The calls this run made, and how many of them changed org state. */
    calls: CallRecord[];
}

export interface HandoffRun extends CommandRun {
    outcome: CommandOutcome;
}

let snapshot: string | undefined;

/** force-app and sfdx-project.json as committed (others' work in progress does not disturb us). */
function projectSnapshot(): string {
    if (snapshot) return snapshot;
    const dir = mkdtempSync(join(tmpdir(), 'opencx-chain-project-'));
    const archive = execFileSync(
        'git',
        ['archive', 'HEAD', 'force-app', 'sfdx-project.json', '.forceignore'],
        { cwd: PROJECT_ROOT, maxBuffer: 64 * 1024 * 1024 }
    );
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    snapshot = dir;
    return dir;
}

export class AdminPath {
    /** The admin's project folder: opencx.config.json and .opencx/. */
    readonly dir = mkdtempSync(join(tmpdir(), 'opencx-chain-admin-'));
    readonly configPath = join(this.dir, 'opencx.config.json');
    readonly stateDir = join(this.dir, '.opencx');
    readonly runs: CommandRun[] = [];

    private constructor(
        readonly emulator: Emulator,
        readonly mode: VisitorVerification,
        /** Run every command as a child process in the admin's folder (flags and defaults only). */
        readonly asChildren: boolean
    ) {
        process.on('exit', () => rmSync(this.dir, { recursive: true, force: true }));
    }

    /** A platform-only org (Messaging and Omni-Channel on, users) with the MIAW routes. */
    static async start(mode: VisitorVerification, asChildren = false): Promise<AdminPath> {
        const emulator = await startEmulator({
            platformOnly: true,
            users: [REP, ADMIN],
            modules: [miawRoutes()]
        });
        emulator.state.accessToken = ACCESS_TOKEN;
        const path = new AdminPath(emulator, mode, asChildren);
        path.writeConfig({
            visitorVerification: mode,
            reps: [{ username: REP }],
            admins: [ADMIN]
        });
        return path;
    }

    writeConfig(config: unknown): void {
        writeFileSync(this.configPath, JSON.stringify(config, null, 4));
    }

    private env(): Record<string, string> {
        return { SF_ACCESS_TOKEN: ACCESS_TOKEN, OPENCX_API_KEY: API_KEY };
    }

    private async record<T extends CommandRun>(
        command: string,
        body: () => Promise<Omit<T, 'command' | 'calls'>>
    ): Promise<T> {
        const first = this.emulator.calls.length;
        const result = await body();
        const run = { command, ...result, calls: this.emulator.calls.slice(first) } as T;
        this.runs.push(run);
        return run;
    }

    /** `npm run deploy -- --instance-url …` in-process, config read from the admin's folder. */
    deploy(args: string[] = []): Promise<CommandRun> {
        if (this.asChildren) return this.deployAsChild(args);
        return this.record(`deploy ${args.join(' ')}`.trim(), async () => {
            const out: string[] = [];
            const err: string[] = [];
            const parsed = parseDeployArgs(
                ['--instance-url', this.emulator.url, ...args],
                this.env(),
                this.dir
            );
            const code = await runDeploy(
                parsed,
                { stdout: (line) => out.push(line), stderr: (line) => err.push(line) },
                { projectRoot: projectSnapshot(), env: this.env(), pollMs: 20 }
            );
            return { code, stdout: out.join('\n'), stderr: err.join('\n') };
        });
    }

    /** `npx tsx scripts/deploy.ts --instance-url …` as a child process in the admin's folder. */
    deployAsChild(args: string[] = []): Promise<CommandRun> {
        return this.record(`deploy (child) ${args.join(' ')}`.trim(), () =>
            spawnScript('deploy.ts', ['--instance-url', this.emulator.url, ...args], {
                cwd: this.dir,
                env: this.env()
            })
        );
    }

    /** `npm run provision -- --instance-url …` in-process, cwd the admin's folder. */
    provision(args: string[] = []): Promise<CommandRun> {
        if (this.asChildren) {
            return this.record(`provision (child) ${args.join(' ')}`.trim(), () =>
                spawnScript('provision.ts', ['--instance-url', this.emulator.url, ...args], {
                    cwd: this.dir,
                    env: this.env()
                })
            );
        }
        return this.record(`provision ${args.join(' ')}`.trim(), async () => {
            const out: string[] = [];
            const err: string[] = [];
            const parsed = parseArgs(['--instance-url', this.emulator.url, ...args]);
            const code = await runProvision(buildRunOptions(parsed, this.env(), this.dir), {
                stdout: (line) => out.push(line),
                stderr: (line) => err.push(line)
            });
            return { code, stdout: out.join('\n'), stderr: err.join('\n') };
        });
    }

    /**
     * `npm run handoff:test -- --instance-url …` in-process, in the admin's folder (its config and
     * .opencx, as provisioning left them); the messaging host of an emulator cannot follow from its
     * URL, so it is passed.
     */
    rehearse(args: string[] = []): Promise<HandoffRun> {
        if (this.asChildren) return this.rehearseAsChild(args);
        return this.record<HandoffRun>(`handoff:test ${args.join(' ')}`.trim(), async () => {
            let stdout = '';
            let stderr = '';
            const outcome = await runHandoffCommand(
                [
                    '--instance-url',
                    this.emulator.url,
                    '--messaging-host',
                    this.emulator.url,
                    '--verify-timeout',
                    '3',
                    '--listen',
                    '0',
                    ...args
                ],
                {
                    stdout: (text) => (stdout += text),
                    stderr: (text) => (stderr += text),
                    env: this.env(),
                    cwd: this.dir
                }
            );
            return { code: outcome.exitCode, stdout, stderr, outcome };
        });
    }

    /**
     * `npx tsx scripts/handoff-test.ts --json` in the admin's folder: the config and the state
     * folder are the defaults (opencx.config.json, .opencx), as provisioning left them.
     */
    private rehearseAsChild(args: string[]): Promise<HandoffRun> {
        return this.record<HandoffRun>(
            `handoff:test (child) ${args.join(' ')}`.trim(),
            async () => {
                const run = await spawnScript(
                    'handoff-test.ts',
                    [
                        '--instance-url',
                        this.emulator.url,
                        '--messaging-host',
                        this.emulator.url,
                        '--verify-timeout',
                        '3',
                        '--listen',
                        '0',
                        '--json',
                        ...args
                    ],
                    { cwd: this.dir, env: this.env() }
                );
                let result: CommandOutcome['result'];
                try {
                    result = JSON.parse(run.stdout) as CommandOutcome['result'];
                } catch {
                    result = undefined;
                }
                return { ...run, outcome: { exitCode: run.code, result } };
            }
        );
    }

    stop(): Promise<void> {
        return this.emulator.stop();
    }
}

function spawnScript(
    script: string,
    args: string[],
    options: { cwd: string; env: Record<string, string> }
): Promise<{ code: number; stdout: string; stderr: string }> {
    const home = mkdtempSync(join(tmpdir(), 'opencx-chain-home-'));
    mkdirSync(join(home, '.sf'), { recursive: true });
    return new Promise((resolve) => {
        const child = spawn(
            process.execPath,
            ['--import', TSX_LOADER, join(PROJECT_ROOT, 'scripts', script), ...args],
            {
                cwd: options.cwd,
                env: { PATH: process.env.PATH ?? '', HOME: home, ...options.env }
            }
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('close', (code) => {
            rmSync(home, { recursive: true, force: true });
            resolve({ code: code ?? -1, stdout, stderr });
        });
    });
}

/** Calls, writes and the split by API of a run (for the report). */
export function callFigures(run: CommandRun): string {
    const by = new Map<string, number>();
    for (const call of run.calls) {
        const api = call.path.startsWith('/services/Soap/m/')
            ? 'Metadata SOAP'
            : call.path.includes('/tooling/')
              ? 'Tooling'
              : call.path.startsWith('/iamessage/')
                ? 'MIAW'
                : call.path.includes('/connect/') || call.path.includes('/named-credentials/')
                  ? 'Connect'
                  : 'REST';
        by.set(api, (by.get(api) ?? 0) + 1);
    }
    const writes = run.calls.filter((call) => call.isWrite).length;
    const split = [...by].map(([api, count]) => `${api} ${count}`).join(', ');
    return `${run.command}: ${run.calls.length} calls (${writes} writes; ${split})`;
}

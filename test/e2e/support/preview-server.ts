// Starts the console preview the way `npm start` does (node preview/server.mjs) on a free port,
// and reads the address it prints. PREVIEW_URL reuses a server that is already running (the e2e
// runner starts one for all test files, so the bundle is built once).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

export interface RunningPreview {
    url: string;
    output(): string;
    stop(): Promise<number | null>;
}

/** Spawns the preview server and resolves once it says the bundle is ready. */
export async function spawnPreview(
    args: string[] = ['--port', '0'],
    options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}
): Promise<RunningPreview> {
    const child = spawn(process.execPath, ['preview/server.mjs', ...args], {
        cwd: projectRoot,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe']
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
            () => reject(new Error(`preview did not start in time:\n${output}`)),
            options.timeoutMs ?? 120_000
        );
        const check = () => {
            const ready = /preview: open (http:\/\/localhost:\d+\/)/.exec(output);
            if (ready) {
                clearTimeout(timer);
                resolve(ready[1]);
            }
        };
        child.stdout.on('data', check);
        child.on('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`preview exited with ${code} before it was ready:\n${output}`));
        });
    });
    return { url, output: () => output, stop: () => stopChild(child) };
}

/** Ctrl-C, as a developer would; resolves with the exit code. */
export async function stopChild(child: ChildProcess): Promise<number | null> {
    if (child.exitCode !== null) return child.exitCode;
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = (await exited) as [number | null];
    return code;
}

/** The preview for a test file: the shared one (PREVIEW_URL) or a fresh one. */
export async function usePreview(): Promise<RunningPreview> {
    const shared = process.env.PREVIEW_URL;
    if (shared) return { url: shared, output: () => '', stop: async () => null };
    return spawnPreview();
}

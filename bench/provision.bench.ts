// Provisioning against the emulator for 10 to 50,000 reps: API calls (reads and writes), wall time,
// peak memory of the command (a child process; the emulator answers from this one) and its longest
// silence (nothing on stdout or stderr) for a first run on an empty-but-deployed org and a second
// run (reads only). Target for
// the first run's calls: ceil(N/200) + k, k independent of N. Reports figures; never fails on them.
//   npm run bench -- provision          (REPS=10,200,2000,10000,50000 to change the sizes)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PROJECT_ROOT } from '../scripts/lib/project.ts';
import { API_KEY, createHarness, repUsernames, type Harness } from '../test/provision/harness.ts';

const SIZES = (process.env.REPS ?? '10,200,2000,10000,50000').split(',').map(Number);
const QUEUES = ['OpenCX_Verified_Visitors', 'OpenCX_Anonymous_Visitors', 'OpenCX_Fallback'];

interface RunFigures {
    calls: number;
    writes: number;
    ms: number;
    peakRssMb: number;
    longestSilenceMs: number;
    progressLines: number;
}

const TSX_LOADER = pathToFileURL(
    join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')
).href;

/** The child's peak resident memory so far (Linux VmHWM), in bytes; 0 elsewhere. */
function peakRss(pid: number | undefined): number {
    try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
    } catch {
        return 0;
    }
}

/**
 * One run of `npm run provision` as a child process (the emulator answers from this one), timing
 * every chunk the command prints and sampling its peak memory.
 */
async function timedRun(harness: Harness): Promise<RunFigures> {
    harness.emulator.resetLog();
    const startedAt = performance.now();
    let lastOutput = startedAt;
    let longestSilence = 0;
    let peak = 0;
    const child = spawn(
        process.execPath,
        [
            '--import',
            TSX_LOADER,
            join(PROJECT_ROOT, 'scripts', 'provision.ts'),
            '--instance-url',
            harness.emulator.url,
            '--config',
            harness.configPath
        ],
        {
            cwd: harness.dir,
            env: {
                ...process.env,
                SF_ACCESS_TOKEN: harness.emulator.state.accessToken,
                OPENCX_API_KEY: API_KEY
            },
            stdio: ['ignore', 'pipe', 'pipe']
        }
    );
    const output = () => {
        const now = performance.now();
        longestSilence = Math.max(longestSilence, now - lastOutput);
        lastOutput = now;
    };
    let stderr = '';
    child.stdout.on('data', output);
    child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        output();
    });
    const sampler = setInterval(() => (peak = Math.max(peak, peakRss(child.pid))), 25);
    const code = await new Promise<number>((resolve) =>
        child.on('close', (exit) => resolve(exit ?? 1))
    );
    clearInterval(sampler);
    const ms = performance.now() - startedAt;
    if (code !== 0) throw new Error(`run failed: ${stderr}`);
    return {
        calls: harness.emulator.callCount(),
        writes: harness.emulator.writeCount(),
        ms,
        peakRssMb: peak / 2 ** 20,
        longestSilenceMs: longestSilence,
        progressLines: (stderr.match(/still working/g) ?? []).length
    };
}

async function measure(reps: number) {
    const users = repUsernames(reps);
    const harness = await createHarness({
        users,
        // Each rep in one queue (round robin) and the admin: reps × 3 rows to write.
        config: {
            reps: users.map((username, index) => ({ username, queues: [QUEUES[index % 3]] })),
            admins: ['admin@acme.example']
        }
    });
    try {
        const first = await timedRun(harness);
        const second = await timedRun(harness);
        return { reps, first, second, target: Math.ceil(reps / 200) };
    } finally {
        await harness.close();
    }
}

function row(figures: RunFigures): string {
    return [
        `${figures.calls} (${figures.writes})`.padEnd(14),
        figures.ms.toFixed(0).padStart(8),
        figures.peakRssMb.toFixed(0).padStart(8),
        `${figures.longestSilenceMs.toFixed(0)} (${figures.progressLines})`.padStart(12)
    ].join(' | ');
}

async function main(): Promise<void> {
    const rows = [];
    for (const size of SIZES) {
        rows.push(await measure(size));
        (globalThis as { gc?: () => void }).gc?.();
    }
    // k: the calls that do not depend on N, measured at the smallest size.
    const k = rows[0].first.calls - rows[0].target;
    console.log(
        'provisioning against the emulator (1st run on an empty-but-deployed org; 2nd run = rerun, reads only)'
    );
    console.log(
        'the command runs as a child process; peak MB = its VmHWM; silent ms = longest time without output (progress lines printed)'
    );
    console.log(
        'reps   | target ceil(N/200)+k | 1st: calls (writes) |  ms      | peak MB  | silent ms (progress) | 2nd: calls (writes) |  ms      | peak MB  | silent ms (progress)'
    );
    for (const item of rows) {
        console.log(
            `${String(item.reps).padEnd(6)} | ${`${item.target}+${k} = ${item.target + k}`.padEnd(20)} | ${row(item.first)} | ${row(item.second)}`
        );
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});

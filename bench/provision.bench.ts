// Provisioning against the emulator for 10 to 50,000 reps: API calls (reads and writes), wall time,
// peak memory (RSS of this process, emulator included) and the longest silence (no line on stdout
// or stderr) of a first run on an empty-but-deployed org and of a second run (reads only). Target for
// the first run's calls: ceil(N/200) + k, k independent of N. Reports figures; never fails on them.
//   npm run bench -- provision          (REPS=10,200,2000,10000,50000 to change the sizes)
import { buildRunOptions, parseArgs } from '../scripts/provision/cli.ts';
import { runProvision } from '../scripts/provision/run.ts';
import { API_KEY, createHarness, repUsernames, type Harness } from '../test/provision/harness.ts';

const SIZES = (process.env.REPS ?? '10,200,2000,10000,50000').split(',').map(Number);
const QUEUES = ['OpenCX_Verified_Visitors', 'OpenCX_Anonymous_Visitors', 'OpenCX_Fallback'];

interface RunFigures {
    calls: number;
    writes: number;
    ms: number;
    peakRssMb: number;
    longestSilenceMs: number;
}

/** One in-process run, timing every printed line and sampling memory. */
async function timedRun(harness: Harness): Promise<RunFigures> {
    harness.emulator.resetLog();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const startedAt = performance.now();
    let lastLine = startedAt;
    let longestSilence = 0;
    const line = () => {
        const now = performance.now();
        longestSilence = Math.max(longestSilence, now - lastLine);
        lastLine = now;
    };
    const parsed = parseArgs([
        '--instance-url',
        harness.emulator.url,
        '--config',
        harness.configPath
    ]);
    const options = buildRunOptions(
        parsed,
        { SF_ACCESS_TOKEN: harness.emulator.state.accessToken, OPENCX_API_KEY: API_KEY },
        harness.dir
    );
    const errors: string[] = [];
    const code = await runProvision(options, {
        stdout: line,
        stderr: (text) => {
            errors.push(text);
            line();
        }
    });
    const ms = performance.now() - startedAt;
    clearInterval(sampler);
    if (code !== 0) throw new Error(`run failed: ${errors.join('\n')}`);
    return {
        calls: harness.emulator.callCount(),
        writes: harness.emulator.writeCount(),
        ms,
        peakRssMb: Math.max(peak, process.memoryUsage().rss) / 2 ** 20,
        longestSilenceMs: Math.max(longestSilence, performance.now() - lastLine)
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
        figures.longestSilenceMs.toFixed(0).padStart(10)
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
    console.log('peak RSS is this process: the emulator and its org state included');
    console.log(
        'reps   | target ceil(N/200)+k | 1st: calls (writes) |  ms      | peak MB  | silent ms  | 2nd: calls (writes) |  ms      | peak MB  | silent ms'
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

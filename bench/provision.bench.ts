// Provisioning against the emulator for 10, 200 and 2,000 reps: API calls (reads and writes) and wall
// time of a first run on an empty-but-deployed org and of a second run (reads only). Target for the
// first run: ceil(N/200) + k calls, k independent of N. Reports figures; never fails on them.
//   npm run bench -- provision          (REPS=10,200,2000 to change the sizes)
import { createHarness, repUsernames } from '../test/provision/harness.ts';

const SIZES = (process.env.REPS ?? '10,200,2000').split(',').map(Number);
const QUEUES = ['OpenCX_Verified_Visitors', 'OpenCX_Anonymous_Visitors', 'OpenCX_Fallback'];

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
        const startedAt = performance.now();
        const first = await harness.run();
        const firstMs = performance.now() - startedAt;
        if (first.code !== 0) throw new Error(`first run failed: ${first.stderr}`);
        const firstCalls = harness.emulator.callCount();
        const firstWrites = harness.emulator.writeCount();
        harness.emulator.resetLog();
        const againAt = performance.now();
        const second = await harness.run();
        const secondMs = performance.now() - againAt;
        if (second.code !== 0) throw new Error(`second run failed: ${second.stderr}`);
        return {
            reps,
            firstCalls,
            firstWrites,
            firstMs,
            secondCalls: harness.emulator.callCount(),
            secondWrites: harness.emulator.writeCount(),
            secondMs,
            target: Math.ceil(reps / 200)
        };
    } finally {
        await harness.close();
    }
}

async function main(): Promise<void> {
    const rows = [];
    for (const size of SIZES) rows.push(await measure(size));
    // k: the calls that do not depend on N, measured at the smallest size.
    const k = rows[0].firstCalls - rows[0].target;
    console.log(
        'provisioning against the emulator (first run on an empty-but-deployed org; second run = rerun)'
    );
    console.log(
        'reps   | 1st run calls (writes) | target ceil(N/200)+k | 1st run ms | 2nd run calls (writes) | 2nd run ms'
    );
    for (const row of rows) {
        console.log(
            `${String(row.reps).padEnd(6)} | ${`${row.firstCalls} (${row.firstWrites})`.padEnd(22)} | ${`${row.target}+${k} = ${row.target + k}`.padEnd(20)} | ${row.firstMs.toFixed(0).padStart(10)} | ${`${row.secondCalls} (${row.secondWrites})`.padEnd(22)} | ${row.secondMs.toFixed(0).padStart(10)}`
        );
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});

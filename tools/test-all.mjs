// `npm test`: every check the project has, in order, then one closing summary line.
// A step that fails does not stop the others (so one run shows everything that is wrong);
// the exit code is non-zero when any step failed.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const scripts = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8')
).scripts;

/** Where the browser tests find Chromium; null when this machine has none. */
export function findChromium() {
    const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
    return candidates.find((path) => path && existsSync(path)) ?? null;
}

const steps = [
    { name: 'build:check', why: 'committed LWC .js matches its .ts' },
    { name: 'typecheck', why: 'tsc --strict' },
    { name: 'lint', why: 'eslint' },
    { name: 'format:check', why: 'prettier' },
    { name: 'test:unit', why: 'LWC jest tests' },
    { name: 'test:node', why: 'metadata, flow, Apex, provisioning, emulator tests' },
    { name: 'scan:flows', why: 'Lightning Flow Scanner' },
    { name: 'check:apex', why: 'Apex parser, PMD, apex-ls' },
    { name: 'convert', why: 'sf project convert source' },
    {
        name: 'test:e2e',
        why: 'console preview in headless Chromium',
        skip: () =>
            findChromium()
                ? null
                : 'no Chromium found (set CHROME_PATH or apt-get install chromium)'
    }
];

function run(step) {
    return new Promise((resolve) => {
        const started = Date.now();
        const child = spawn('npm', ['run', '--silent', step.name], {
            cwd: root,
            stdio: ['ignore', 'pipe', 'pipe']
        });
        let tail = '';
        const keep = (chunk, stream) => {
            stream.write(chunk);
            tail = (tail + chunk.toString()).slice(-20000);
        };
        child.stdout.on('data', (chunk) => keep(chunk, process.stdout));
        child.stderr.on('data', (chunk) => keep(chunk, process.stderr));
        child.on('close', (code) =>
            resolve({ code, seconds: (Date.now() - started) / 1000, tail })
        );
    });
}

/** Test counts as the runners print them (jest: "Tests: 3 passed, 4 total"; node: "ℹ pass 3"). */
function counts(tail) {
    const jest =
        /Tests:\s+(?:(\d+) failed, )?(?:(\d+) skipped, )?(?:(\d+) passed, )?(\d+) total/.exec(tail);
    if (jest)
        return {
            passed: Number(jest[3] ?? 0),
            failed: Number(jest[1] ?? 0),
            skipped: Number(jest[2] ?? 0)
        };
    const pass = /ℹ pass (\d+)/.exec(tail);
    if (pass) {
        return {
            passed: Number(pass[1]),
            failed: Number(/ℹ fail (\d+)/.exec(tail)?.[1] ?? 0),
            skipped:
                Number(/ℹ skipped (\d+)/.exec(tail)?.[1] ?? 0) +
                Number(/ℹ todo (\d+)/.exec(tail)?.[1] ?? 0)
        };
    }
    return null;
}

const results = [];
const started = Date.now();
for (const step of steps) {
    if (!scripts[step.name]) {
        results.push({ ...step, status: 'skipped', note: 'no such npm script yet' });
        continue;
    }
    const skipReason = step.skip?.();
    if (skipReason) {
        console.log(`\n▶ ${step.name}: skipped, ${skipReason}`);
        results.push({ ...step, status: 'skipped', note: skipReason });
        continue;
    }
    console.log(`\n▶ ${step.name} (${step.why})`);
    const outcome = await run(step);
    results.push({
        ...step,
        status: outcome.code === 0 ? 'passed' : 'FAILED',
        seconds: outcome.seconds,
        tests: counts(outcome.tail)
    });
}

console.log('\nSummary');
for (const r of results) {
    const tests = r.tests
        ? `  ${r.tests.passed} passed, ${r.tests.failed} failed, ${r.tests.skipped} skipped`
        : '';
    const time = r.seconds !== undefined ? ` ${r.seconds.toFixed(1)} s` : '';
    console.log(
        `  ${r.status.padEnd(7)} ${r.name.padEnd(13)}${time}${tests}${r.note ? `  (${r.note})` : ''}`
    );
}
const failed = results.filter((r) => r.status === 'FAILED');
const skipped = results.filter((r) => r.status === 'skipped');
const total = results.reduce(
    (sum, r) => ({
        passed: sum.passed + (r.tests?.passed ?? 0),
        failed: sum.failed + (r.tests?.failed ?? 0),
        skipped: sum.skipped + (r.tests?.skipped ?? 0)
    }),
    { passed: 0, failed: 0, skipped: 0 }
);
const e2eSkipped = skipped.find((r) => r.name === 'test:e2e' && r.note?.includes('Chromium'));
console.log(
    `\nnpm test: ${failed.length ? `FAILED (${failed.map((r) => r.name).join(', ')})` : 'passed'}; ` +
        `${results.length - failed.length - skipped.length}/${results.length} steps passed, ${skipped.length} skipped` +
        `${e2eSkipped ? ' (e2e tests skipped: no Chromium)' : ''}; ` +
        `tests ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped; ` +
        `${((Date.now() - started) / 1000).toFixed(0)} s`
);
process.exit(failed.length ? 1 : 0);

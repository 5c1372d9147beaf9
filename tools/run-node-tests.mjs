// Runs the Node-side tests (test/**/*.test.ts: metadata cross-checks, flow evaluator, Apex checks,
// provisioning against the emulator, ...) with Node's own test runner and tsx.
// Usage: node tools/run-node-tests.mjs [folder-or-file ...]   (default: test/)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function collect(path, out) {
    const stat = statSync(path);
    if (stat.isFile()) {
        if (path.endsWith('.test.ts')) out.push(path);
        return out;
    }
    for (const entry of readdirSync(path).sort()) {
        if (entry === 'node_modules' || entry.startsWith('.')) continue;
        collect(join(path, entry), out);
    }
    return out;
}

const targets = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const passThrough = process.argv.slice(2).filter((arg) => arg.startsWith('--'));
const files = (targets.length ? targets : ['test'])
    .flatMap((target) => collect(join(root, target), []))
    .map((file) => relative(root, file));

if (files.length === 0) {
    console.log('no node tests found');
    process.exit(0);
}

// Most of these tests wait on sockets and timers (emulator round trips, deadlines, heartbeats), not
// the CPU: three files at a time took the suite from 228 s to 93 s on 2 cores. Node's default
// (cores - 1) would run them one by one here. OPENCX_TEST_CONCURRENCY overrides.
const concurrency = passThrough.some((arg) => arg.startsWith('--test-concurrency'))
    ? []
    : [`--test-concurrency=${process.env.OPENCX_TEST_CONCURRENCY ?? 3}`];
const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', ...concurrency, ...passThrough, ...files],
    {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' }
    }
);
process.exit(result.status ?? 1);

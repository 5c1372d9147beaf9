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

const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', ...passThrough, ...files],
    {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' }
    }
);
process.exit(result.status ?? 1);

// `npm run test:e2e`: the console preview in headless Chromium (test/e2e/*.e2e.ts, node:test).
// Starts one preview server for all test files (the bundle is built once) and hands its address
// to them in PREVIEW_URL. Without a Chromium on the machine it says so in one line and exits 0.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const chromium = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (path) => path && existsSync(path)
);
const files = readdirSync(join(root, 'test/e2e'))
    .filter((file) => file.endsWith('.e2e.ts'))
    .sort()
    .map((file) => join('test/e2e', file));
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const selected = only.length ? files.filter((file) => only.some((o) => file.includes(o))) : files;

if (!chromium) {
    console.log(
        `test:e2e: skipped ${selected.length} file(s), no Chromium found (set CHROME_PATH or apt-get install chromium)`
    );
    process.exit(0);
}

const server = spawn(process.execPath, ['preview/server.mjs', '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe']
});
let output = '';
server.stdout.on('data', (chunk) => (output += chunk));
server.stderr.on('data', (chunk) => (output += chunk));
const url = await new Promise((resolve) => {
    server.stdout.on('data', () => {
        const ready = /preview: open (http:\/\/localhost:\d+\/)/.exec(output);
        if (ready) resolve(ready[1]);
    });
    server.on('exit', () => resolve(null));
});
if (!url) {
    console.error(`test:e2e: the preview server did not start:\n${output}`);
    process.exit(1);
}
console.log(output.trim());

const result = spawnSync(
    process.execPath,
    [
        '--import',
        'tsx',
        '--test',
        '--test-reporter=spec',
        '--test-concurrency=1',
        ...process.argv.slice(2).filter((arg) => arg.startsWith('--')),
        ...selected
    ],
    {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, PREVIEW_URL: url, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' }
    }
);

// Ctrl-C, as a developer stops `npm start`: it must exit 0 and say so.
const exited = new Promise((resolve) =>
    server.exitCode === null ? server.on('exit', resolve) : resolve(server.exitCode)
);
server.kill('SIGINT');
const code = await exited;
if (code !== 0 || !/preview: stopped \(SIGINT\)/.test(output)) {
    console.error(
        `test:e2e: the preview server did not stop cleanly on Ctrl-C (exit ${code}):\n${output}`
    );
    process.exit(1);
}
process.exit(result.status ?? 1);

// `npm run bench`: runs every benchmark in bench/ (bench/*.bench.ts or .mjs) one after the other.
// Benchmarks report figures; they never pass or fail on wall-clock time.
// Usage: npm run bench [-- name-filter]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv[2] ?? '';
const files = readdirSync(join(root, 'bench'))
    .filter((file) => /\.bench\.(ts|mjs)$/.test(file) && file.includes(filter))
    .sort();
let failed = 0;
for (const file of files) {
    console.log(`\n▶ bench/${file}`);
    const result = spawnSync(process.execPath, ['--import', 'tsx', join('bench', file)], {
        cwd: root,
        stdio: 'inherit'
    });
    if (result.status !== 0) failed += 1;
}
console.log(`\nbench: ${files.length - failed}/${files.length} benchmarks ran`);
process.exit(failed ? 1 : 0);

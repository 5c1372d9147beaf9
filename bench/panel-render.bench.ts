// `npm run bench -- panel-render`: how long the OpenCX panel takes to render a 2,000- and a
// 20,000-turn transcript in jsdom, how many DOM nodes it creates, and how often each transcript
// slice renders (once, when the cost is linear). Reports figures, never fails on time.
//   BENCH_TURNS=2000,20000 the lengths; BENCH_RUNS=<n> runs per length (default 5, 2 over 5,000)
// The real components run under jest (sfdx-lwc-jest compiles the TypeScript LWCs and templates),
// driven by bench/panel-render.jest.js; this script starts it and prints what it measured.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
const folder = mkdtempSync(join(tmpdir(), 'panel-bench-'));
const output = join(folder, 'figures.json');
// jest's bin is not in its package exports: resolve the package, then its bin beside it.
const jest = join(
    dirname(createRequire(import.meta.url).resolve('jest/package.json')),
    'bin/jest.js'
);

interface Figures {
    turns: number;
    runs: number;
    firstRenderMs: number;
    medianRenderMs: number;
    minRenderMs: number;
    maxRenderMs: number;
    domElements: number;
    domTextNodes: number;
    elementsPerTurn: number;
    turnElementsPerTurn: number;
    slices: number;
    maxRendersPerSlice: number;
    totalSliceRenders: number;
}

function measure(turns: number): Figures {
    const runs = process.env.BENCH_RUNS ?? (turns > 5000 ? '2' : '5');
    const result = spawnSync(
        process.execPath,
        [
            jest,
            '--config',
            join(root, 'jest.config.js'),
            '--testMatch',
            '<rootDir>/bench/panel-render.jest.js',
            '--runInBand',
            '--coverage=false'
        ],
        {
            cwd: root,
            encoding: 'utf8',
            env: {
                ...process.env,
                BENCH_OUT: output,
                BENCH_TURNS: String(turns),
                BENCH_RUNS: runs,
                NODE_ENV: 'test'
            }
        }
    );
    if (result.status !== 0) {
        console.error(result.stdout, result.stderr);
        rmSync(folder, { recursive: true, force: true });
        process.exit(1);
    }
    return JSON.parse(readFileSync(output, 'utf8')) as Figures;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
for (const turns of (process.env.BENCH_TURNS ?? '2000,20000').split(',').map(Number)) {
    const figures = measure(turns);
    console.log(`panel-render: ${figures.turns}-turn transcript in jsdom (${figures.runs} runs)`);
    console.log(`  first render (cold)   ${ms(figures.firstRenderMs)}`);
    console.log(
        `  render median         ${ms(figures.medianRenderMs)} (min ${ms(figures.minRenderMs)}, max ${ms(figures.maxRenderMs)})`
    );
    console.log(
        `  DOM                   ${figures.domElements} elements (${figures.elementsPerTurn.toFixed(1)} per turn), ${figures.domTextNodes} text nodes`
    );
    console.log(
        `  turn DOM              ${figures.turnElementsPerTurn.toFixed(2)} elements per turn inside the slices`
    );
    console.log(
        `  slice renders         ${figures.totalSliceRenders} for ${figures.slices} slices (at most ${figures.maxRendersPerSlice} each)`
    );
}
rmSync(folder, { recursive: true, force: true });

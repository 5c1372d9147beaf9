// Console preview in Chromium with long transcripts (2,000 and 20,000 turns): how long until the
// first transcript turn shows, the longest main-thread task (Long Tasks API), DOM nodes and JS heap
// in all and per turn. Reports figures; never fails on them. Goal (issue 11): linear cost, no task
// over 50 ms (no long task at all), first turn under 150 ms after the panel mounts, on 2 cores.
// Three ways the panel mounts (SCENARIOS):
//   cold   the panel is the first component on the page (`?chrome=plain`): it pays the engine's
//          and the base components' first use, which a console has paid long before;
//   first  the page's record actions are base components, as a console's are: the panel's own
//          first open (its components and code still cold);
//   next   another session opened in the same console: the panel mounts again in a page where
//          it has shown the `verified` sample.
//   npm run bench -- preview     RUNS=<n> page loads per length (default 5; 20,000 turns: RUNS20K,
//                                default 3); BENCH_TURNS=2000,20000 the lengths;
//                                BENCH_SCENARIOS=cold,first,next; PREVIEW_URL=<url> measures a
//                                running preview (started with OPENCX_PREVIEW_STRESS_TURNS=20000
//                                for the long sample)
import { launchChromium, findChromium } from '../test/e2e/support/chromium.ts';
import { spawnPreview, type RunningPreview } from '../test/e2e/support/preview-server.ts';
import { cpus, loadavg } from 'node:os';
import { PANEL } from '../test/e2e/support/panel-dom.ts';
import type { Page } from 'playwright-core';

const LENGTHS = (process.env.BENCH_TURNS ?? '2000,20000').split(',').map(Number);
const RUNS = Number(process.env.RUNS ?? 5);
const RUNS_LONG = Number(process.env.RUNS20K ?? 3);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'cold,first,next').split(',') as Scenario[];
type Scenario = 'cold' | 'first' | 'next';
/** The sample the `next` scenario shows before the measured one. */
const EARLIER_SAMPLE = 'verified';
/** A READY sample with a short transcript: its DOM and heap are subtracted for "per turn". */
const BASELINE_SAMPLE = 'anonymous';

// Runs in the page before any of its scripts: keeps the browser's own querySelector and
// MutationObserver (synthetic shadow patches both), records long tasks and the first turn.
const instrument = (turnSelector: string) => `(() => {
    const bench = { longTasks: [], firstTurnInserted: null, firstTurnPainted: null };
    window.__bench = bench;
    const query = Document.prototype.querySelector;
    const queryAll = Document.prototype.querySelectorAll;
    bench.count = (selector) => queryAll.call(document, selector).length;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
            bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
        }
    }).observe({ type: 'longtask', buffered: true });
    const Observer = window.MutationObserver;
    // Again for each panel the page mounts (the "next" scenario shows a second sample).
    bench.watchFirstTurn = () => {
        bench.firstTurnInserted = null;
        bench.firstTurnPainted = null;
        const observer = new Observer(() => {
            if (bench.firstTurnInserted === null && query.call(document, ${JSON.stringify(turnSelector)})) {
                bench.firstTurnInserted = performance.now();
                requestAnimationFrame(() => setTimeout(() => {
                    bench.firstTurnPainted = performance.now();
                }, 0));
                observer.disconnect();
            }
        });
        observer.observe(document, { childList: true, subtree: true });
    };
    bench.watchFirstTurn();
})();`;

interface Run {
    mountToFirstTurnMs: number;
    navigationToFirstTurnMs: number;
    firstTurnPaintedMs: number;
    allTurnsMs: number;
    longestTaskMs: number;
    longestStartupTaskMs: number;
    tasksOver50: number;
    tasksOver200: number;
    domNodes: number;
    elements: number;
    jsHeapMb: number;
}

interface Baseline {
    domNodes: number;
    jsHeapMb: number;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

type Browser = Awaited<ReturnType<typeof launchChromium>>;
type LongTask = { start: number; duration: number };

/**
 * Loads the page so that the panel mounts as the scenario says. For `next`: the earlier sample
 * first, then the measured one in the same page, with the long-task record and the first-turn
 * watch started over (show() removes the earlier panel before the new one mounts).
 */
async function openPanel(page: Page, url: string, sample: string, scenario: Scenario) {
    if (scenario !== 'next') {
        const chrome = scenario === 'cold' ? '&chrome=plain' : '';
        await page.goto(`${url}?sample=${sample}&latency=0${chrome}`);
        return;
    }
    await page.goto(`${url}?sample=${EARLIER_SAMPLE}&latency=0`);
    await page.locator(PANEL.settled).waitFor({ timeout: 60_000 });
    await page.waitForFunction(`window.__bench.count(${JSON.stringify(PANEL.turn)}) > 0`);
    await page.waitForTimeout(500);
    await page.evaluate(`(() => {
        window.__bench.longTasks.length = 0;
        window.opencxPreview.show(${JSON.stringify(sample)});
        window.__bench.watchFirstTurn();
    })()`);
}

/** One page load of a sample; waits until `turns` transcript turns are in the DOM. */
async function measure(
    chromium: Browser,
    url: string,
    { sample, turns, scenario }: { sample: string; turns: number; scenario: Scenario }
) {
    const context = await chromium.browser.newContext({
        locale: 'en-US',
        timezoneId: 'UTC',
        viewport: { width: 1400, height: 900 }
    });
    try {
        const page = await context.newPage();
        await page.addInitScript(instrument(PANEL.turn));
        const cdp = await context.newCDPSession(page);
        await cdp.send('Performance.enable');
        await openPanel(page, url, sample, scenario);
        await page.waitForFunction(
            `window.__bench.count(${JSON.stringify(PANEL.turn)}) >= ${turns}`,
            undefined,
            { timeout: 240_000, polling: 50 }
        );
        const allTurnsAt = (await page.evaluate('performance.now()')) as number;
        // Let trailing work (layout, idle callbacks) land in the long-task record.
        await page.waitForTimeout(1000);
        await cdp.send('HeapProfiler.collectGarbage');
        const { metrics } = (await cdp.send('Performance.getMetrics')) as {
            metrics: { name: string; value: number }[];
        };
        const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
        const inPage = (await page.evaluate(`({
            bench: window.__bench,
            mountedAt: window.opencxPreview.mountedAt,
            elements: window.__bench.count('*')
        })`)) as {
            bench: { longTasks: LongTask[]; firstTurnInserted: number; firstTurnPainted: number };
            mountedAt: number;
            elements: number;
        };
        return { metric, inPage, allTurnsAt };
    } finally {
        await context.close();
    }
}

function toRun(measured: Awaited<ReturnType<typeof measure>>, index: number): Run {
    const { metric, inPage, allTurnsAt } = measured;
    // The page mounts the panel in a task of its own: tasks before it are the page loading
    // (parsing and running the bundle), the mount task and those after it are the panel's.
    const panelTasks = inPage.bench.longTasks.filter((task) => task.start >= inPage.mountedAt - 1);
    const durations = panelTasks.map((task) => task.duration);
    const startup = inPage.bench.longTasks
        .filter((task) => !panelTasks.includes(task))
        .map((task) => task.duration);
    if (process.env.VERBOSE) {
        const tasks = inPage.bench.longTasks
            .map((t) => `${Math.round(t.start - inPage.mountedAt)}+${Math.round(t.duration)}`)
            .join(' ');
        console.log(`run ${index + 1}: long tasks ${tasks} (ms from panel mount + duration)`);
    }
    return {
        mountToFirstTurnMs: inPage.bench.firstTurnInserted - inPage.mountedAt,
        navigationToFirstTurnMs: inPage.bench.firstTurnInserted,
        firstTurnPaintedMs: inPage.bench.firstTurnPainted - inPage.mountedAt,
        allTurnsMs: allTurnsAt - inPage.mountedAt,
        longestTaskMs: durations.length ? Math.max(...durations) : 0,
        longestStartupTaskMs: startup.length ? Math.max(...startup) : 0,
        // The Long Tasks API reports tasks over 50 ms only: each one it reports is over the goal.
        tasksOver50: durations.length,
        tasksOver200: durations.filter((d) => d > 200).length,
        domNodes: metric('Nodes'),
        elements: inPage.elements,
        jsHeapMb: metric('JSHeapUsedSize') / 1024 / 1024
    };
}

interface Verdict {
    scenario: Scenario;
    turns: number;
    firstTurnMs: number;
    worstTaskMs: number;
}

function report(
    { turns, scenario }: { turns: number; scenario: Scenario },
    runs: Run[],
    baseline: Baseline,
    load: () => string
): Verdict {
    const rows: [string, keyof Run, string][] = [
        ['first turn in DOM after panel mount', 'mountToFirstTurnMs', 'ms'],
        ['first turn painted after panel mount', 'firstTurnPaintedMs', 'ms'],
        ['first turn in DOM after navigation start', 'navigationToFirstTurnMs', 'ms'],
        [`all ${turns} turns in DOM after panel mount`, 'allTurnsMs', 'ms'],
        ['longest task from panel mount on (Long Tasks)', 'longestTaskMs', 'ms'],
        ['  tasks over 50 ms (long tasks)', 'tasksOver50', ''],
        ['  tasks over 200 ms', 'tasksOver200', ''],
        ['longest task loading the page (bundle)', 'longestStartupTaskMs', 'ms'],
        ['DOM nodes (CDP Performance.getMetrics)', 'domNodes', ''],
        ['elements in the document', 'elements', ''],
        ['JS heap used after GC', 'jsHeapMb', 'MB']
    ];
    console.log(
        `\nstress-${turns}, ${scenario}: ${runs.length} page loads, median (min-max); load average after: ${load()}`
    );
    for (const [label, key, unit] of rows) {
        const values = runs.map((run) => run[key]);
        const fmt = (v: number) => (unit === 'MB' ? v.toFixed(1) : Math.round(v).toString());
        console.log(
            `  ${label.padEnd(46)} ${fmt(median(values)).padStart(7)} ${unit.padEnd(2)} (${fmt(Math.min(...values))}-${fmt(Math.max(...values))})`
        );
    }
    const nodesPerTurn = (median(runs.map((r) => r.domNodes)) - baseline.domNodes) / turns;
    const heapPerTurnKb =
        ((median(runs.map((r) => r.jsHeapMb)) - baseline.jsHeapMb) * 1024) / turns;
    console.log(
        `  ${'per turn (minus the short anonymous sample)'.padEnd(46)} ${nodesPerTurn.toFixed(1)} DOM nodes, ${heapPerTurnKb.toFixed(2)} KB heap`
    );
    const worstTask = Math.max(...runs.map((run) => run.longestTaskMs));
    const firstTurn = median(runs.map((run) => run.mountToFirstTurnMs));
    console.log(`  goal: ${goal(worstTask, firstTurn)}`);
    return { scenario, turns, firstTurnMs: firstTurn, worstTaskMs: worstTask };
}

function goal(worstTask: number, firstTurn: number): string {
    return (
        `no task over 50 ms (worst ${Math.round(worstTask)} ms: ${worstTask <= 50 ? 'met' : 'MISSED'}), ` +
        `first turn under 150 ms (median ${Math.round(firstTurn)} ms: ${firstTurn < 150 ? 'met' : 'MISSED'})`
    );
}

/** Every scenario and length in a few lines, for the note and the docs. */
function summarize(verdicts: Verdict[]): void {
    console.log('\nsummary (goal: no task over 50 ms, first turn under 150 ms after mount)');
    for (const { scenario, turns, firstTurnMs, worstTaskMs } of verdicts) {
        console.log(
            `  ${String(turns).padStart(6)} turns, ${scenario.padEnd(5)}: ${goal(worstTaskMs, firstTurnMs)}`
        );
    }
}

/** The preview to measure: PREVIEW_URL, or one started with the long stress samples bundled. */
async function startPreview(): Promise<RunningPreview> {
    const shared = process.env.PREVIEW_URL;
    if (shared) return { url: shared, output: () => '', stop: async () => null };
    const extra = LENGTHS.find((turns) => turns !== 2000);
    // --no-cache: the bundle's disk cache does not know about the environment variable.
    return extra
        ? spawnPreview(['--port', '0', '--no-cache'], {
              env: { OPENCX_PREVIEW_STRESS_TURNS: String(extra) },
              timeoutMs: 300_000
          })
        : spawnPreview();
}

/** The baseline sample, then every length, with the panel mounted as the scenario says. */
async function benchScenario(
    chromium: Browser,
    url: string,
    scenario: Scenario,
    load: () => string
): Promise<Verdict[]> {
    const base = toRun(
        await measure(chromium, url, { sample: BASELINE_SAMPLE, turns: 1, scenario }),
        0
    );
    const baseline = { domNodes: base.domNodes, jsHeapMb: base.jsHeapMb };
    const verdicts: Verdict[] = [];
    for (const turns of LENGTHS) {
        const runs: Run[] = [];
        const count = turns > 5000 ? RUNS_LONG : RUNS;
        const sample = `stress-${turns}`;
        for (let i = 0; i < count; i++) {
            runs.push(toRun(await measure(chromium, url, { sample, turns, scenario }), i));
        }
        verdicts.push(report({ turns, scenario }, runs, baseline, load));
    }
    return verdicts;
}

async function main() {
    if (!findChromium()) {
        console.log(
            'preview bench: skipped, no Chromium found (set CHROME_PATH or apt-get install chromium)'
        );
        return;
    }
    const startedServer = performance.now();
    const preview = await startPreview();
    const bundled = /bundled in ([\d.]+) s/.exec(preview.output())?.[1];
    if (bundled) {
        console.log(
            `preview server ready in ${((performance.now() - startedServer) / 1000).toFixed(1)} s (bundle ${bundled} s)`
        );
    }
    // Other work on the machine skews every figure: say how busy it was.
    const load = () => loadavg()[0].toFixed(1);
    console.log(`${cpus().length} CPUs, load average ${load()} before the runs`);
    const chromium = await launchChromium();
    try {
        const verdicts: Verdict[] = [];
        for (const scenario of SCENARIOS) {
            verdicts.push(...(await benchScenario(chromium, preview.url, scenario, load)));
        }
        summarize(verdicts);
    } finally {
        await chromium.close();
        await preview.stop();
    }
}

main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
});

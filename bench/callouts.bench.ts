// `npm run bench -- callouts`: OpenCX callouts of the console panel, as a MODEL of the Apex client
// (OpenCxApiClient: session, then history pages by `next` cursor; org cache per answer; time
// budget before each request). No org runs here: the model replays OpenCxApiClient's call pattern
// with its constants read from the .cls, so the figures move when the Apex does. Reports figures;
// never fails on them.
//   1. callouts for panel opens by many reps, without and with the org cache (and the busiest
//      minute against OpenCX's 100 requests a minute per API key);
//   2. the worst wait for the rep when every callout is slow, before and after the time budget;
//   3. an Apex heap estimate for a 25-page transcript.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const samples = require('../force-app/test/opencx-samples.js') as {
    fixtures: { sessionVerified: { id: string } };
    generateHistoryPages(options: { turns: number; pageSize?: number }): HistoryPage[];
    toConversation(options: object): { turns: unknown[] };
};
interface HistoryPage {
    items: unknown[];
    next: string | null;
}

// ---- the Apex constants the model follows -------------------------------------------------
const apex = readFileSync(join(root, 'force-app/main/default/classes/OpenCxApiClient.cls'), 'utf8');
function constant(name: string): number {
    const match = new RegExp(`${name}\\s*=\\s*(\\d+)`).exec(apex);
    if (!match)
        throw new Error(`OpenCxApiClient.cls has no ${name}: update bench/callouts.bench.ts`);
    return Number(match[1]);
}
const NOW = {
    requestTimeoutMs: constant('REQUEST_TIMEOUT_MS'),
    minRequestTimeoutMs: constant('MIN_REQUEST_TIMEOUT_MS'),
    budgetMs: constant('OPEN_TIME_BUDGET_MS'),
    maxPages: constant('MAX_HISTORY_PAGES'),
    changingTtlS: constant('CHANGING_TTL_SECONDS'),
    completeTtlS: constant('COMPLETE_PAGE_TTL_SECONDS')
};
/** The client before issue 11: 10 s per request, 60 s of history checked after each page. */
const BEFORE = { requestTimeoutMs: 10_000, historyBudgetMs: 60_000, maxPages: 25 };
const RATE_LIMIT_PER_MINUTE = 100;

// ---- 1. callouts for many opens -----------------------------------------------------------
/** Deterministic pseudo-random numbers (mulberry32), so every run prints the same figures. */
function random(seed: number): () => number {
    let state = seed;
    return () => {
        state = (state + 0x6d2b79f5) | 0;
        let t = Math.imul(state ^ (state >>> 15), 1 | state);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

interface Scenario {
    label: string;
    reps: number;
    sessions: number;
    opens: number;
    minutes: number;
    /** Share of opens that are a Refresh (bypass the cache read). */
    refreshShare: number;
}

/** History pages per session: mostly short conversations, a few long ones (up to the cap). */
function pagesOf(session: number): number {
    const mix = [1, 1, 1, 2, 2, 3, 4, 6, 12, 25];
    return mix[session % mix.length];
}

interface Open {
    atS: number;
    rep: number;
    session: number;
    refresh: boolean;
}

function opensOf(scenario: Scenario): Open[] {
    const next = random(11);
    const opens: Open[] = [];
    for (let i = 0; i < scenario.opens; i++) {
        opens.push({
            atS: next() * scenario.minutes * 60,
            rep: Math.floor(next() * scenario.reps),
            session: Math.floor(next() * scenario.sessions),
            refresh: next() < scenario.refreshShare
        });
    }
    return opens.sort((a, b) => a.atS - b.atS);
}

/** Callout times (s) of every open; with a cache, what OpenCxApiClient would still send. */
function replay(opens: Open[], useCache: boolean): number[] {
    const expires = new Map<string, number>();
    const callouts: number[] = [];
    const read = (key: string, atS: number, refresh: boolean, ttlS: number) => {
        const hit = useCache && !refresh && (expires.get(key) ?? -1) > atS;
        if (hit) return;
        callouts.push(atS);
        if (useCache) expires.set(key, atS + ttlS);
    };
    for (const open of opens) {
        read(`s:${open.session}`, open.atS, open.refresh, NOW.changingTtlS);
        const pages = Math.min(pagesOf(open.session), NOW.maxPages);
        for (let page = 1; page <= pages; page++) {
            const last = page === pages;
            read(
                `h:${open.session}:${page}`,
                open.atS,
                open.refresh,
                last ? NOW.changingTtlS : NOW.completeTtlS
            );
        }
    }
    return callouts;
}

function busiestMinute(times: number[]): number {
    let best = 0;
    let start = 0;
    for (let end = 0; end < times.length; end++) {
        while (times[end] - times[start] >= 60) start++;
        best = Math.max(best, end - start + 1);
    }
    return best;
}

const scenarios: Scenario[] = [
    {
        label: '100 opens of 10 sessions by 50 reps',
        reps: 50,
        sessions: 10,
        opens: 100,
        minutes: 10,
        refreshShare: 0.1
    },
    {
        label: '1,000 opens of 100 sessions by 500 reps',
        reps: 500,
        sessions: 100,
        opens: 1000,
        minutes: 10,
        refreshShare: 0.1
    }
];
console.log('callouts (model of OpenCxApiClient; 10 % of opens are Refresh; over 10 minutes)');
console.log(
    `  ${'scenario'.padEnd(42)} ${'no cache'.padStart(9)} ${'cache'.padStart(7)} ${'busiest min'.padStart(24)}`
);
for (const scenario of scenarios) {
    const opens = opensOf(scenario);
    const without = replay(opens, false);
    const withCache = replay(opens, true);
    console.log(
        `  ${scenario.label.padEnd(42)} ${String(without.length).padStart(9)} ${String(withCache.length).padStart(7)} ` +
            `${`${busiestMinute(without)} -> ${busiestMinute(withCache)} /${RATE_LIMIT_PER_MINUTE}`.padStart(24)}`
    );
}

// ---- 2. worst wait with every callout slow ----------------------------------------------
/** The client before issue 11: history budget counted from the first page, checked after each. */
function waitBefore(answerMs: (timeoutMs: number) => number, pages: number) {
    let elapsed = answerMs(BEFORE.requestTimeoutMs);
    const historyStart = elapsed;
    let read = 0;
    do {
        elapsed += answerMs(BEFORE.requestTimeoutMs);
        read++;
    } while (
        read < pages &&
        read < BEFORE.maxPages &&
        elapsed - historyStart < BEFORE.historyBudgetMs
    );
    return { waitMs: elapsed, pagesRead: read, callouts: read + 1 };
}

/** The client now: every request's timeout cut to the budget left; none below the minimum. */
function waitNow(answerMs: (timeoutMs: number) => number, pages: number) {
    let elapsed = 0;
    let callouts = 0;
    let read = -1; // the session first
    while (read < Math.min(pages, NOW.maxPages)) {
        const timeoutMs = Math.min(NOW.requestTimeoutMs, Math.max(0, NOW.budgetMs - elapsed));
        if (timeoutMs < NOW.minRequestTimeoutMs) break;
        elapsed += Math.min(answerMs(timeoutMs), timeoutMs);
        callouts++;
        read++;
    }
    return { waitMs: elapsed, pagesRead: Math.max(read, 0), callouts };
}

const justUnder = (timeoutMs: number) => timeoutMs - 10;
console.log('\nworst wait for the rep, 25-page transcript, every answer 10 ms under its timeout');
const before = waitBefore(justUnder, 25);
const now = waitNow(justUnder, 25);
console.log(
    `  before: ${(before.waitMs / 1000).toFixed(1)} s, ${before.callouts} callouts, ${before.pagesRead} pages, then the rest as truncated`
);
console.log(
    `  now:    ${(now.waitMs / 1000).toFixed(1)} s, ${now.callouts} callouts, ${now.pagesRead} pages, partial transcript (TIME_BUDGET)`
);
console.log(
    `  every answer times out: before ${(BEFORE.requestTimeoutMs / 1000).toFixed(0)} s to the error, now ${(NOW.requestTimeoutMs / 1000).toFixed(0)} s; ` +
        `a late page timing out: before the whole open failed, now the pages read so far show (partial)`
);

// ---- 3. Apex heap for a 25-page transcript ----------------------------------------------
const pages = samples.generateHistoryPages({ turns: 2500, pageSize: 100 });
const conversation = samples.toConversation({
    stamp: { OpenCX_Session_Id__c: samples.fixtures.sessionVerified.id },
    session: samples.fixtures.sessionVerified,
    historyPages: pages
});
const pageChars = pages.map((page) => JSON.stringify(page).length);
const itemsChars = pages.reduce((sum, page) => sum + JSON.stringify(page.items).length, 0);
const turnsChars = JSON.stringify(conversation.turns).length;
const answerChars = JSON.stringify(conversation).length;
const kb = (chars: number) => `${(chars / 1024).toFixed(0)} KB`;
console.log('\nApex heap estimate, 25 pages x 100 turns (JSON characters as bytes; a lower bound)');
console.log(
    `  one history page body                 ${kb(Math.max(...pageChars))} (cache item limit 100 KB)`
);
console.log(`  parsed history items (all pages)      ${kb(itemsChars)}`);
console.log(`  OpenCxConversation.turns              ${kb(turnsChars)}`);
console.log(
    `  serialized answer to the panel        ${kb(answerChars)} (${(answerChars / conversation.turns.length).toFixed(0)} bytes a turn)`
);
const peak = Math.max(...pageChars) + itemsChars + turnsChars + answerChars;
console.log(`  peak (page + items + turns + answer)  ${kb(peak)} of the 6 MB synchronous limit`);
// Option c (not built): one history page per Apex call; what one such call would hold.
const firstPageTurns = conversation.turns.slice(0, pages[0].items.length);
const pageCall =
    pageChars[0] +
    JSON.stringify(pages[0].items).length +
    2 * JSON.stringify(firstPageTurns).length;
console.log(
    `  one page per Apex call (option c)     ${kb(pageCall)} per call (body, items, turns, answer)`
);

// The real opencxConversationPanel in headless Chromium, one suite per preview sample: what a rep
// sees (trace key, link, badges, summary, transcript order, errors and retry), what the keyboard
// reaches, and that hostile OpenCX text stays text. A screenshot per sample goes to
// test-output/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import {
    buildSamples,
    type PreviewConversation,
    type PreviewSample
} from '../../preview/samples.mjs';
import { launchChromium, type LaunchedChromium } from './support/chromium.ts';
import { PANEL, describeFocus, measureLayout, readTurns, tabOrder } from './support/panel-dom.ts';
import { projectRoot, usePreview, type RunningPreview } from './support/preview-server.ts';

// OPENCX_SCREENSHOTS=<dir> puts them elsewhere (e.g. outside the repository for a review).
const screenshots = process.env.OPENCX_SCREENSHOTS ?? join(projectRoot, 'test-output/screenshots');
const samples = new Map(buildSamples().map((sample) => [sample.id, sample]));

function sample(id: string): PreviewSample {
    const found = samples.get(id);
    assert.ok(found, `preview sample ${id} exists`);
    return found;
}

function conversationOf(id: string, call = 1): PreviewConversation {
    const answers = sample(id).answers;
    const answer = answers[Math.min(call, answers.length) - 1];
    assert.ok('data' in answer && answer.data, `${id} answers data on call ${call}`);
    return answer.data;
}

function errorOf(id: string): string {
    const answer = sample(id).answers[0];
    assert.ok('error' in answer, `${id} answers an error first`);
    return answer.error.message;
}

const squash = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

/** The CSS class the transcript gives a turn (visitor, AI and agent are told apart). */
function turnClass(turn: PreviewConversation['turns'][number]): string {
    if (turn.kind === 'event') return 'turn_event';
    if (turn.kind === 'note') return 'turn_note';
    return (
        { visitor: 'turn_visitor', ai: 'turn_ai', human_agent: 'turn_agent' }[turn.author ?? ''] ??
        'turn_other'
    );
}

let preview: RunningPreview;
let chromium: LaunchedChromium;

before(async () => {
    mkdirSync(screenshots, { recursive: true });
    [preview, chromium] = await Promise.all([usePreview(), launchChromium()]);
});

after(async () => {
    await chromium?.close();
    await preview?.stop();
});

async function screenshot(page: Page, id: string) {
    await page.screenshot({ path: join(screenshots, `${id}.png`), fullPage: true });
}

interface OpenedSample {
    page: Page;
    context: BrowserContext;
    /** Uncaught errors and console errors of the page. */
    problems: string[];
    /** JavaScript dialogs (alert/confirm/prompt) the page tried to open. */
    dialogs: string[];
    apexCalls(): Promise<{ name: string; params: Record<string, unknown> }[]>;
}

/** The panel's column: a width in CSS pixels, or 'full' (the panel across the workspace). */
type PanelWidth = number | 'full';

/** A fresh rep: own browser context (en-US, UTC unless told), the sample's record page. */
async function openSample(
    id: string,
    options: {
        locale?: string;
        timezoneId?: string;
        query?: string;
        screenshot?: string;
        panelWidth?: PanelWidth;
    } = {}
): Promise<OpenedSample> {
    const context = await chromium.browser.newContext({
        locale: options.locale ?? 'en-US',
        timezoneId: options.timezoneId ?? 'UTC',
        // A narrow column sits beside the conversation in a console of ordinary width.
        viewport: { width: typeof options.panelWidth === 'number' ? 1024 : 1400, height: 900 },
        permissions: ['clipboard-read', 'clipboard-write']
    });
    const page = await context.newPage();
    const problems: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('dialog', (dialog) => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
    });
    // Any script the OpenCX text manages to run calls one of these (the fixtures use alert).
    await page.addInitScript(`for (const name of ['alert', 'confirm', 'prompt', 'print']) {
        const original = window[name].bind(window);
        window[name] = (...args) => { window.__xssRan = name; return original(...args); };
    }`);
    const width = options.panelWidth === undefined ? '' : `&panelWidth=${options.panelWidth}`;
    await page.goto(`${preview.url}?sample=${id}&latency=50${width}${options.query ?? ''}`);
    await page.locator(PANEL.settled).waitFor();
    if (options.screenshot) {
        // As the rep first sees it: loaded, the whole transcript in, nothing clicked yet.
        const first = sample(id).answers[0];
        const data = 'data' in first ? first.data : null;
        const turns = data?.state === 'READY' ? data.turns.length : 0;
        if (turns > 0)
            await page
                .locator(PANEL.turn)
                .nth(turns - 1)
                .waitFor({ state: 'attached' });
        await screenshot(page, options.screenshot);
    }
    return {
        page,
        context,
        problems,
        dialogs,
        apexCalls: () =>
            page.evaluate('window.opencxPreview.calls().filter((call) => call.kind === "apex")')
    };
}

/** The ready state: trace key, link, badges, summary and transcript against the sample's DTO. */
async function assertReady(page: Page, conversation: PreviewConversation, badges: string[]) {
    assert.equal(squash(await page.locator(PANEL.traceKey).textContent()), conversation.sessionId);
    const link = page.locator(PANEL.sessionLink);
    assert.equal(await link.getAttribute('href'), conversation.sessionUrl);
    assert.match(conversation.sessionUrl ?? '', /^https:\/\/platform\.open\.cx\/inbox\//);
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.deepEqual((await link.getAttribute('rel'))?.split(/\s+/).sort(), [
        'noopener',
        'noreferrer'
    ]);
    // The assistive text tells screen-reader users about the new tab.
    assert.match(squash(await link.textContent()), /^Open in OpenCX, opens in a new tab$/);

    assert.deepEqual(
        await page
            .locator(PANEL.badge)
            .allTextContents()
            .then((texts) => texts.map(squash)),
        badges
    );
    assert.equal(
        squash(await page.locator(PANEL.summary).textContent()),
        squash(conversation.summary)
    );

    const count = conversation.turns.length;
    // A long transcript may arrive in slices: wait for the last turn before counting.
    if (count > 0)
        await page
            .locator(PANEL.turn)
            .nth(count - 1)
            .waitFor({ state: 'attached' });
    assert.equal(
        squash(await page.locator(PANEL.turnCount).textContent()),
        `${count.toLocaleString('en-US')} ${count === 1 ? 'entry' : 'entries'}`
    );
    const turns = await readTurns(page);
    assert.equal(turns.length, count, 'one list item per transcript turn');
    turns.forEach((view, index) => {
        const turn = conversation.turns[index];
        assert.ok(
            view.className.split(' ').includes(turnClass(turn)),
            `turn ${index}: ${view.className} is ${turnClass(turn)}`
        );
        assert.equal(
            view.datetime,
            turn.createdAt && new Date(turn.createdAt).toISOString(),
            `turn ${index} time`
        );
        if (turn.kind !== 'event') assert.equal(view.text, turn.text, `turn ${index} text`);
    });
    return turns;
}

describe('verified visitor, long transcript', () => {
    const id = 'verified-long';
    const conversation = conversationOf(id);
    let opened: OpenedSample;
    before(async () => (opened = await openSample(id, { screenshot: id })));
    after(async () => opened?.context.close());

    test('shows trace key, https link to OpenCX in a new tab, badges and the handoff summary', async () => {
        assert.ok(conversation.turns.length >= 300, 'hundreds of turns');
        assert.equal(conversation.sentiment, 'angry');
        await assertReady(opened.page, conversation, ['Verified visitor', 'Sentiment: Angry']);
    });

    test('renders every turn in order, visitor, AI and agent told apart, events as separators', async () => {
        const turns = await readTurns(opened.page);
        const kinds = new Set(turns.map((turn) => turn.className));
        assert.ok(
            kinds.has('turn turn_visitor') &&
                kinds.has('turn turn_ai') &&
                kinds.has('turn turn_agent')
        );
        const events = turns
            .filter((turn) => turn.className.includes('turn_event'))
            .map((turn) => turn.label);
        assert.deepEqual(events, ['AI handed the conversation off to a human', 'Agent 7 joined']);
        const times = turns.map((turn) => Date.parse(turn.datetime ?? ''));
        assert.ok(
            times.every((time, i) => i === 0 || time >= times[i - 1]),
            'chronological'
        );
    });

    test("shows times in the rep's locale and time zone", async () => {
        const first = (await readTurns(opened.page))[0];
        const expected = new Intl.DateTimeFormat('en-US', {
            month: 'short',
            day: 'numeric',
            hour: 'numeric',
            minute: '2-digit',
            timeZone: 'UTC'
        }).format(new Date(conversation.turns[0].createdAt ?? ''));
        assert.equal(squash(first.time), squash(expected));
    });

    test('asks Apex once, for this record', async () => {
        const calls = await opened.apexCalls();
        assert.deepEqual(
            calls.map((call) => [call.name, call.params]),
            [
                [
                    'OpenCxSessionController.getConversation',
                    { messagingSessionId: sample(id).record.id }
                ]
            ]
        );
    });

    test('copies the trace key', async () => {
        await opened.page.locator(PANEL.copy).click();
        await opened.page.locator(PANEL.copyStatus, { hasText: 'Trace key copied.' }).waitFor();
        assert.equal(
            await opened.page.evaluate('navigator.clipboard.readText()'),
            conversation.sessionId
        );
    });

    test('keyboard: refresh, copy, OpenCX link, the jump controls, then the scrollable transcript', async () => {
        const stops = await tabOrder(opened.page, '#sample-picker', 7);
        assert.deepEqual(stops, [
            'button "Refresh"',
            'button "Copy the trace key"',
            `a "Open in OpenCX, opens in a new tab" ${conversation.sessionUrl}`,
            'button "Start"',
            'button "Handoff"',
            'button "Latest"',
            'div[role=region] "OpenCX transcript"'
        ]);
    });

    test('no page errors', async () => {
        assert.deepEqual(opened.problems, []);
        assert.deepEqual(opened.dialogs, []);
    });
});

describe("verified visitor, the component tests' fixture transcript", () => {
    const id = 'verified';
    const conversation = conversationOf(id);
    let opened: OpenedSample;
    before(async () => (opened = await openSample(id, { screenshot: id })));
    after(async () => opened?.context.close());

    test('shows trace key, link, badges, summary, details and all turns of both history pages', async () => {
        assert.equal(conversation.historyPageCount, 2);
        await assertReady(opened.page, conversation, ['Verified visitor', 'Sentiment: Angry']);
        const details = squash(await opened.page.locator(PANEL.details).textContent());
        assert.match(details, /Channel ?Web chat/);
        // Name and email, each isolated in its own <bdi> on its own line.
        assert.match(details, /Contact ?Maria Lopez ?maria\.lopez@example\.com/);
    });

    test('makes https links in the transcript live, opening in a new tab without opener', async () => {
        const links = (await readTurns(opened.page)).flatMap((turn) => turn.links);
        assert.deepEqual(links, [
            {
                href: 'https://help.example.com/billing/refunds',
                target: '_blank',
                rel: 'noopener noreferrer',
                text: 'https://help.example.com/billing/refunds'
            }
        ]);
    });

    test('keyboard: after the transcript region comes the link inside it', async () => {
        const stops = await tabOrder(opened.page, '#sample-picker', 8);
        assert.equal(stops[6], 'div[role=region] "OpenCX transcript"');
        assert.equal(
            stops[7],
            'a "https://help.example.com/billing/refunds" https://help.example.com/billing/refunds'
        );
    });

    test('no page errors', async () => {
        assert.deepEqual(opened.problems, []);
    });
});

describe('anonymous visitor, short transcript', () => {
    const id = 'anonymous';
    const conversation = conversationOf(id);
    let opened: OpenedSample;
    before(async () => (opened = await openSample(id, { screenshot: id })));
    after(async () => opened?.context.close());

    test('shows the anonymous badge, neutral sentiment, Spanish summary and every turn', async () => {
        await assertReady(opened.page, conversation, ['Anonymous visitor', 'Sentiment: Neutral']);
        const details = squash(await opened.page.locator(PANEL.details).textContent());
        assert.match(details, /Channel ?WhatsApp/);
        assert.doesNotMatch(details, /Contact/, 'no contact details for an anonymous visitor');
    });

    test('no page errors', async () => {
        assert.deepEqual(opened.problems, []);
    });
});

describe('OpenCX error, retry works', () => {
    const id = 'opencx-unavailable';
    let opened: OpenedSample;
    before(async () => (opened = await openSample(id, { screenshot: id })));
    after(async () => opened?.context.close());

    test('shows the error as an alert with a retry button, and the stamped trace key', async () => {
        assert.equal(
            squash(await opened.page.locator(PANEL.errorMessage).textContent()),
            errorOf(id)
        );
        assert.equal(await opened.page.locator(PANEL.error).count(), 1);
        // OpenCX being down does not hide the trace key and badge the record carries.
        const stamped = sample(id).record.fields.OpenCX_Session_Id__c;
        assert.ok(stamped, `${id} has a stamped session id`);
        assert.equal(squash(await opened.page.locator(PANEL.traceKey).textContent()), stamped);
        const badges = await opened.page.locator(PANEL.badge).allTextContents();
        assert.deepEqual(badges.map(squash), ['Verified visitor']);
        assert.equal(await opened.page.locator(PANEL.turn).count(), 0);
    });

    test('keyboard: refresh, then retry', async () => {
        const stops = await tabOrder(opened.page, '#sample-picker', 2);
        assert.deepEqual(stops, ['button "Refresh"', 'button "Retry"']);
    });

    test('retry asks Apex again and shows the transcript', async () => {
        await opened.page.locator(PANEL.retry).click();
        await opened.page.locator(PANEL.turn).first().waitFor();
        await opened.page.locator(PANEL.settled).waitFor();
        assert.equal(await opened.page.locator(PANEL.error).count(), 0);
        await assertReady(opened.page, conversationOf(id, 2), [
            'Verified visitor',
            'Sentiment: Angry'
        ]);
        assert.equal((await opened.apexCalls()).length, 2);
        await screenshot(opened.page, `${id}-after-retry`);
        assert.deepEqual(opened.problems, []);
    });
});

describe('OpenCX error every time', () => {
    const id = 'opencx-unauthorized';
    let opened: OpenedSample;
    before(async () => (opened = await openSample(id, { screenshot: id })));
    after(async () => opened?.context.close());

    test('shows what to tell the admin; retry asks again and shows the error again', async () => {
        const message = errorOf(id);
        assert.match(message, /HTTP 401/);
        assert.equal(squash(await opened.page.locator(PANEL.errorMessage).textContent()), message);
        await opened.page.locator(PANEL.retry).click();
        await opened.page.waitForFunction(
            'window.opencxPreview.calls().filter((call) => call.kind === "apex").length === 2'
        );
        await opened.page.locator(PANEL.settled).waitFor();
        assert.equal(squash(await opened.page.locator(PANEL.errorMessage).textContent()), message);
        assert.equal(await opened.page.locator(PANEL.retry).count(), 1);
        assert.deepEqual(opened.problems, []);
    });
});

describe('no OpenCX session on this conversation', () => {
    const id = 'no-session';
    let opened: OpenedSample;
    before(async () => (opened = await openSample(id, { screenshot: id })));
    after(async () => opened?.context.close());

    test('says so in friendly words, with no error, trace key, link or transcript', async () => {
        assert.equal(conversationOf(id).state, 'NO_SESSION');
        assert.match(
            squash(await opened.page.locator(PANEL.noSession).textContent()),
            /did not come from OpenCX/
        );
        for (const selector of [PANEL.error, PANEL.traceKey, PANEL.sessionLink, PANEL.turn]) {
            assert.equal(await opened.page.locator(selector).count(), 0, selector);
        }
        const stops = await tabOrder(opened.page, '#sample-picker', 1);
        assert.deepEqual(stops, ['button "Refresh"']);
        assert.deepEqual(opened.problems, []);
    });
});

describe('OpenCX not configured', () => {
    const id = 'not-configured';
    let opened: OpenedSample;
    before(async () => (opened = await openSample(id, { screenshot: id })));
    after(async () => opened?.context.close());

    test('names the missing setting for the admin; keeps the trace key, no link, no transcript', async () => {
        const conversation = conversationOf(id);
        assert.equal(
            squash(await opened.page.locator(PANEL.setupMessage).textContent()),
            conversation.setupMessage
        );
        assert.match(conversation.setupMessage ?? '', /OpenCX Setting/);
        assert.equal(
            squash(await opened.page.locator(PANEL.traceKey).textContent()),
            conversation.sessionId
        );
        assert.equal(await opened.page.locator(PANEL.sessionLink).count(), 0);
        assert.equal(await opened.page.locator(PANEL.turn).count(), 0);
        // One sentence (Apex's, naming the setting), Retry for when the admin has fixed it.
        const box = squash(await opened.page.locator(PANEL.notConfigured).textContent());
        assert.equal(box.match(/not (set up|configured)/g)?.length, 1, box);
        assert.deepEqual(
            (await opened.page.locator(PANEL.badge).allTextContents()).map(squash),
            ['Verified visitor'],
            'the visitor badge shows here as in the other states'
        );
        const stops = await tabOrder(opened.page, '#sample-picker', 3);
        assert.deepEqual(stops, [
            'button "Refresh"',
            'button "Retry"',
            'button "Copy the trace key"'
        ]);
        assert.deepEqual(opened.problems, []);
    });
});

describe('hostile transcript (XSS attempts)', () => {
    const id = 'xss';
    const conversation = conversationOf(id);
    let opened: OpenedSample;
    before(async () => {
        opened = await openSample(id, { screenshot: id });
    });
    after(async () => opened?.context.close());

    test('runs none of the injected script: no dialog, no flag, no injected elements', async () => {
        assert.deepEqual(opened.dialogs, []);
        assert.equal(await opened.page.evaluate('window.__xssRan === undefined'), true);
        const injected = await opened.page
            .locator(
                `${PANEL.root} script, ${PANEL.root} img, ${PANEL.root} svg[onload], ${PANEL.root} b, ${PANEL.root} [onerror], ${PANEL.root} [onmouseover]`
            )
            .count();
        assert.equal(injected, 0);
        const hrefs = await opened.page
            .locator(`${PANEL.root} a[href]`)
            .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
        assert.ok(hrefs.length > 0);
        for (const href of hrefs)
            assert.match(href ?? '', /^https:\/\//, `only https links are live: ${href}`);
    });

    test('shows every hostile text literally', async () => {
        await assertReady(opened.page, conversation, ['Verified visitor', 'Sentiment: Happy']);
        assert.equal(
            squash(await opened.page.locator(PANEL.summary).textContent()),
            conversation.summary
        );
        const details = squash(await opened.page.locator(PANEL.details).textContent());
        assert.ok(details.includes("<img src=x onerror=alert('name')>"), details);
        const texts = (await readTurns(opened.page)).map((turn) => turn.text);
        assert.ok(texts.includes("<script>alert('transcript')</script>"));
        assert.ok(
            texts.includes(
                "<a href=\"javascript:alert('agent')\">agent link</a> {!$User.Email} ${'$'}{alert(1)}"
            )
        );
    });

    test('links only https URLs, and only up to where the markup starts', async () => {
        const links = (await readTurns(opened.page)).flatMap((turn) =>
            turn.links.map((link) => link.href)
        );
        assert.deepEqual(links, [
            'https://help.example.com/refunds?x=1&y=2',
            'https://evil.example.com/'
        ]);
    });

    test('hovering and clicking the text runs nothing either', async () => {
        await opened.page.locator(PANEL.summary).hover();
        for (const text of await opened.page.locator(`${PANEL.turn} .text`).all())
            await text.hover();
        assert.deepEqual(opened.dialogs, []);
        assert.equal(await opened.page.evaluate('window.__xssRan === undefined'), true);
        assert.deepEqual(opened.problems, []);
    });
});

describe('2,000-turn stress sample', () => {
    test('renders all 2,000 turns in order', async () => {
        const id = 'stress-2000';
        const conversation = conversationOf(id);
        assert.equal(conversation.turns.length, 2000);
        const opened = await openSample(id, { screenshot: id });
        try {
            await opened.page.waitForFunction(`window.opencxPreview && true`);
            await opened.page.locator(PANEL.turn).nth(1999).waitFor({ state: 'attached' });
            await assertReady(opened.page, conversation, ['Verified visitor', 'Sentiment: Angry']);
            assert.deepEqual(opened.problems, []);
        } finally {
            await opened.context.close();
        }
    });
});

describe("the rep's own locale and time zone", () => {
    test('formats transcript times for a rep in Tokyo with a German locale', async () => {
        const id = 'verified';
        const conversation = conversationOf(id);
        const opened = await openSample(id, {
            locale: 'de-DE',
            timezoneId: 'Asia/Tokyo',
            screenshot: 'verified-de-DE-Asia-Tokyo'
        });
        try {
            const first = (await readTurns(opened.page))[0];
            const expected = new Intl.DateTimeFormat('de-DE', {
                month: 'short',
                day: 'numeric',
                hour: 'numeric',
                minute: '2-digit',
                timeZone: 'Asia/Tokyo'
            }).format(new Date(conversation.turns[0].createdAt ?? ''));
            assert.equal(squash(first.time), squash(expected));
            assert.match(
                first.time,
                /^26\. Nov\.?, 0?1:58$/,
                '16:58 UTC is 1:58 the next day in Tokyo'
            );
        } finally {
            await opened.context.close();
        }
    });
});

describe('sample picker', () => {
    test('switches the page to another sample: new record, new panel, address updated', async () => {
        const opened = await openSample('verified');
        try {
            await opened.page.locator('#sample-picker').selectOption('anonymous');
            await opened.page.locator(PANEL.settled).waitFor();
            await opened.page.locator(PANEL.badge, { hasText: 'Anonymous visitor' }).waitFor();
            assert.equal(new URL(opened.page.url()).searchParams.get('sample'), 'anonymous');
            assert.equal(
                squash(await opened.page.locator('#record-name').textContent()),
                sample('anonymous').record.name
            );
            await assertReady(opened.page, conversationOf('anonymous'), [
                'Anonymous visitor',
                'Sentiment: Neutral'
            ]);
            const calls = await opened.apexCalls();
            assert.deepEqual(
                calls.map((call) => call.params),
                [{ messagingSessionId: sample('anonymous').record.id }]
            );
        } finally {
            await opened.context.close();
        }
    });
});

describe('panel properties an admin sets in Lightning App Builder', () => {
    test('hide transcript keeps trace key, link, badges and summary', async () => {
        const opened = await openSample('verified', { query: '&hideTranscript=true' });
        try {
            assert.equal(await opened.page.locator(PANEL.traceKey).count(), 1);
            assert.equal(await opened.page.locator(PANEL.sessionLink).count(), 1);
            assert.equal(await opened.page.locator(PANEL.summary).count(), 1);
            assert.equal(await opened.page.locator(PANEL.transcript).count(), 0);
            assert.equal(await opened.page.locator(PANEL.turn).count(), 0);
        } finally {
            await opened.context.close();
        }
    });

    test('transcript height limits the scrolling region', async () => {
        const opened = await openSample('verified-long', { query: '&transcriptHeight=300' });
        try {
            const box = await opened.page.locator(PANEL.transcript).boundingBox();
            assert.ok(box && box.height <= 300 && box.height > 200, `height ${box?.height}`);
            const scrolls = await opened.page
                .locator(PANEL.transcript)
                .evaluate((region) => region.scrollHeight > region.clientHeight);
            assert.equal(scrolls, true);
        } finally {
            await opened.context.close();
        }
    });
});

/** Waits until the sample's first answer is fully on screen (every turn in). */
async function waitForAllTurns(page: Page, id: string) {
    await page.locator(PANEL.settled).waitFor();
    const first = sample(id).answers[0];
    const data = 'data' in first ? first.data : null;
    const turns = data?.state === 'READY' ? data.turns.length : 0;
    if (turns > 0)
        await page
            .locator(PANEL.turn)
            .nth(turns - 1)
            .waitFor({ state: 'attached' });
}

describe('narrow columns: no horizontal scroll, nothing outside the card, no word broken', () => {
    const widths: PanelWidth[] = [280, 320, 400, 'full'];
    const ids = [
        'long-values',
        'verified-long',
        'xss',
        'anonymous',
        'opencx-unauthorized',
        'unreadable',
        'not-configured',
        'no-session'
    ];
    for (const width of widths) {
        test(`at ${width === 'full' ? 'full width' : `${width} px`}`, async () => {
            const opened = await openSample(ids[0], { panelWidth: width });
            try {
                for (const id of ids) {
                    await opened.page.locator('#sample-picker').selectOption(id);
                    await waitForAllTurns(opened.page, id);
                    const layout = await measureLayout(opened.page);
                    const where = `${id} at ${width}`;
                    if (typeof width === 'number') {
                        const cardWidth = layout.card.right - layout.card.left;
                        assert.ok(Math.abs(cardWidth - width) <= 1, `${where}: card ${cardWidth}`);
                    }
                    assert.ok(
                        layout.scrollWidth <= layout.clientWidth,
                        `${where}: page scrolls sideways (${layout.scrollWidth} > ${layout.clientWidth})`
                    );
                    assert.deepEqual(layout.outside, [], `${where}: outside the card`);
                    assert.deepEqual(layout.clipped, [], `${where}: clipped or scrolling sideways`);
                    assert.deepEqual(layout.brokenWords, [], `${where}: words broken mid-word`);
                    // Every sample here has a Retry or transcript times to check, but no-session.
                    assert.ok(
                        id === 'no-session' || layout.containedChecked > 0,
                        `${where}: Retry/time boxes checked`
                    );
                }
                assert.deepEqual(opened.problems, []);
            } finally {
                await opened.context.close();
            }
        });
    }

    test('the long values are all there, each isolated from the next', async () => {
        const opened = await openSample('long-values', { panelWidth: 280 });
        try {
            const conversation = conversationOf('long-values');
            const contact = await opened.page
                .locator(`${PANEL.details} dd[data-label="Contact"] bdi`)
                .allTextContents();
            assert.deepEqual(contact, [conversation.contactName, conversation.contactEmail]);
            // The RLO stays inside the name: the email after it reads left to right.
            const emailBox = await opened.page
                .locator(`${PANEL.details} dd[data-label="Contact"] bdi`)
                .nth(1)
                .evaluate(
                    (node) => node.ownerDocument.defaultView?.getComputedStyle(node).direction
                );
            assert.equal(emailBox, 'ltr');
            const badges = (await opened.page.locator(PANEL.badge).allTextContents()).map(squash);
            assert.deepEqual(badges, [`Visitor: ${conversation.consumerType}`, 'Sentiment: Angry']);
        } finally {
            await opened.context.close();
        }
    });
});

/** Where a turn sits in the transcript's visible area: its top relative to the region's. */
async function turnPlacement(page: Page, label: string) {
    const region = await page.locator(PANEL.transcript).boundingBox();
    const turn = await page.locator(PANEL.turn, { hasText: label }).first().boundingBox();
    assert.ok(region && turn, `region and turn "${label}" are laid out`);
    return {
        visible:
            turn.y >= region.y - 1 &&
            turn.y + Math.min(turn.height, 20) <= region.y + region.height,
        region,
        turn
    };
}

const HANDOFF_LABEL = 'AI handed the conversation off to a human';

describe('the transcript opens where the rep needs it', () => {
    test('a 400-turn transcript opens at the handoff, not at the oldest turn', async () => {
        const opened = await openSample('verified-long', { panelWidth: 400 });
        try {
            await waitForAllTurns(opened.page, 'verified-long');
            const placement = await turnPlacement(opened.page, HANDOFF_LABEL);
            assert.ok(placement.visible, `handoff in view: ${JSON.stringify(placement)}`);
            const scrolled = await opened.page
                .locator(PANEL.transcript)
                .evaluate((region) => region.scrollTop);
            assert.ok(scrolled > 1000, `scrolled ${scrolled}px down to turn 200 of 400`);
            assert.equal(await opened.page.evaluate('window.scrollY'), 0, 'the page stays put');
            await screenshot(opened.page, 'verified-long-landed-400');
        } finally {
            await opened.context.close();
        }
    });

    test('Start, Latest and Handoff jump there; focus stays on the button pressed', async () => {
        const opened = await openSample('verified-long', { panelWidth: 400 });
        try {
            await waitForAllTurns(opened.page, 'verified-long');
            const region = opened.page.locator(PANEL.transcript);
            await opened.page.locator(PANEL.jumpStart).click();
            assert.equal(await region.evaluate((node) => node.scrollTop), 0);
            assert.equal(await describeFocus(opened.page), 'button "Start"');

            await opened.page.locator(PANEL.jumpEnd).click();
            await opened.page.waitForTimeout(100);
            const atEnd = await region.evaluate(
                (node) => node.scrollHeight - node.clientHeight - node.scrollTop
            );
            assert.ok(atEnd <= 2, `at the end (${atEnd}px left)`);

            await opened.page.locator(PANEL.jumpHandoff).click();
            await opened.page.waitForTimeout(100);
            assert.ok((await turnPlacement(opened.page, HANDOFF_LABEL)).visible);
            assert.equal(await describeFocus(opened.page), 'button "Handoff"');
            assert.equal(await opened.page.evaluate('window.scrollY'), 0, 'the page stays put');
        } finally {
            await opened.context.close();
        }
    });

    test('a short transcript that fits does not move the page', async () => {
        const opened = await openSample('anonymous', { panelWidth: 400 });
        try {
            await waitForAllTurns(opened.page, 'anonymous');
            await opened.page.waitForTimeout(100);
            assert.equal(await opened.page.evaluate('window.scrollY'), 0);
        } finally {
            await opened.context.close();
        }
    });
});

describe('focus after Refresh and Retry', () => {
    test('Refresh keeps the focus on Refresh', async () => {
        const opened = await openSample('verified');
        try {
            await opened.page.locator(PANEL.refresh).focus();
            await opened.page.keyboard.press('Enter');
            await opened.page.waitForFunction(
                'window.opencxPreview.calls().filter((call) => call.kind === "apex").length >= 2'
            );
            await opened.page.locator(PANEL.settled).waitFor();
            assert.equal(await describeFocus(opened.page), 'button "Refresh"');
        } finally {
            await opened.context.close();
        }
    });

    for (const id of ['opencx-unavailable', 'unreadable']) {
        test(`a successful Retry (${id}) puts focus on Refresh, not on the page`, async () => {
            const opened = await openSample(id);
            try {
                await opened.page.locator(PANEL.retry).focus();
                await opened.page.keyboard.press('Enter');
                await opened.page.locator(PANEL.turn).first().waitFor();
                await opened.page.locator(PANEL.settled).waitFor();
                assert.equal(await opened.page.locator(PANEL.retry).count(), 0);
                assert.equal(await describeFocus(opened.page), 'button "Refresh"');
                assert.deepEqual(opened.problems, []);
            } finally {
                await opened.context.close();
            }
        });
    }

    test('a failed Retry keeps the focus on Retry', async () => {
        const opened = await openSample('opencx-unauthorized');
        try {
            await opened.page.locator(PANEL.retry).focus();
            await opened.page.keyboard.press('Enter');
            await opened.page.waitForFunction(
                'window.opencxPreview.calls().filter((call) => call.kind === "apex").length === 2'
            );
            await opened.page.locator(PANEL.settled).waitFor();
            assert.equal(await describeFocus(opened.page), 'button "Retry"');
        } finally {
            await opened.context.close();
        }
    });
});

describe('an answer outside the contract', () => {
    test('shows the rep a sentence and Retry, never an endless spinner', async () => {
        const opened = await openSample('unreadable', { screenshot: 'unreadable' });
        try {
            assert.match(
                squash(await opened.page.locator(PANEL.errorMessage).textContent()),
                /cannot read/
            );
            assert.equal(await opened.page.locator(PANEL.retry).count(), 1);
            assert.equal(await opened.page.locator(`${PANEL.root} lightning-spinner`).count(), 0);
        } finally {
            await opened.context.close();
        }
    });
});

describe('screenshots at 280 px, 400 px and full width', () => {
    for (const id of ['verified-long', 'xss', 'opencx-unauthorized']) {
        for (const width of [280, 400, 'full'] as PanelWidth[]) {
            test(`${id} at ${width}`, async () => {
                const opened = await openSample(id, { panelWidth: width });
                try {
                    await waitForAllTurns(opened.page, id);
                    if (id === 'verified-long') {
                        assert.ok((await turnPlacement(opened.page, HANDOFF_LABEL)).visible);
                    }
                    await opened.page
                        .locator('#panel-column')
                        .screenshot({ path: join(screenshots, `${id}-${width}.png`) });
                } finally {
                    await opened.context.close();
                }
            });
        }
    }
});

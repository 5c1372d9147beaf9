/* eslint-disable no-script-url -- these tests prove javascript: URLs are never made live */
import { createElement } from '@lwc/engine-dom';
import OpencxTranscriptSlice from 'c/opencxTranscriptSlice';
import OpencxTranscript, { segmentText, orderTurns, FIRST_SLICE, SLICE } from 'c/opencxTranscript';
import { safeHttpsUrl } from 'c/opencxUtils';

jest.mock('@salesforce/i18n/locale', () => ({ default: 'de-DE' }), { virtual: true });
jest.mock('@salesforce/i18n/timeZone', () => ({ default: 'Asia/Tokyo' }), { virtual: true });

const { samples, toConversation, fixtures, generateHistoryPages } = require('opencx-samples');

function createTranscript(props) {
    const element = createElement('c-opencx-transcript', { is: OpencxTranscript });
    Object.assign(element, props);
    document.body.appendChild(element);
    return element;
}

/**
 * Renders per slice instance. The slice template reads `entries` once per render; the counter
 * wraps that accessor before any slice exists (LWC seals it once the component is defined).
 */
const sliceRenders = new Map();
{
    const descriptor = Object.getOwnPropertyDescriptor(OpencxTranscriptSlice.prototype, 'entries');
    Object.defineProperty(OpencxTranscriptSlice.prototype, 'entries', {
        ...descriptor,
        get() {
            sliceRenders.set(this, (sliceRenders.get(this) ?? 0) + 1);
            return descriptor.get.call(this);
        }
    });
}

/** turnTop calls per slice instance (what a pending scroll asks of the slices). */
let turnTopCalls = 0;
{
    const descriptor = Object.getOwnPropertyDescriptor(OpencxTranscriptSlice.prototype, 'turnTop');
    Object.defineProperty(OpencxTranscriptSlice.prototype, 'turnTop', {
        ...descriptor,
        value(position) {
            turnTopCalls += 1;
            return descriptor.value.call(this, position);
        }
    });
}

const flush = async () => {
    // eslint-disable-next-line no-await-in-loop -- one microtask at a time, on purpose
    for (let tick = 0; tick < 3; tick++) await Promise.resolve();
};
/** Every rendered turn, in order, across the slice components. */
const items = (element) =>
    [...element.shadowRoot.querySelectorAll('c-opencx-transcript-slice')].flatMap((slice) => [
        ...slice.shadowRoot.querySelectorAll('li')
    ]);

beforeEach(() => {
    // jsdom has no scrolling; a region without a height limit scrolls the page.
    window.scrollBy = jest.fn();
});

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

/** Renders one visitor message with the given text; returns the element and its links. */
async function renderText(text) {
    const element = createTranscript({
        turns: [{ position: 0, kind: 'message', author: 'visitor', text, createdAt: null }]
    });
    await flush();
    const [item] = items(element);
    const links = [...item.querySelectorAll('a')];
    return { element, links, text: item.querySelector('.text').textContent };
}

describe('segmentText', () => {
    it('makes only https URLs links and trims trailing punctuation', async () => {
        const text = 'See https://help.example.com/a?b=1&c=2. Or http://x.example.com';
        expect(segmentText(text)).toEqual([
            { key: 't0', text: 'See ', href: null },
            {
                key: 'l1',
                text: 'https://help.example.com/a?b=1&c=2',
                href: 'https://help.example.com/a?b=1&c=2'
            },
            { key: 't2', text: '. Or http://x.example.com', href: null }
        ]);
        const rendered = await renderText(text);
        expect(rendered.links.map((link) => link.getAttribute('href'))).toEqual([
            'https://help.example.com/a?b=1&c=2'
        ]);
        expect(rendered.links[0].target).toBe('_blank');
        expect(rendered.links[0].rel).toBe('noopener noreferrer');
        expect(rendered.text).toBe(text);
        await expect(rendered.element).toBeAccessible();
    });

    it.each([
        'javascript:alert(1)',
        'data:text/html,<script>alert(1)</script>',
        '<a href="javascript:alert(1)">x</a>',
        '<img src=x onerror=alert(1)>'
    ])('keeps %s as text', async (text) => {
        expect(segmentText(text).every((segment) => segment.href === null)).toBe(true);
        const rendered = await renderText(text);
        expect(rendered.links).toHaveLength(0);
        expect(rendered.text).toBe(text);
        expect(items(rendered.element)[0].querySelector('img, script')).toBeNull();
        await expect(rendered.element).toBeAccessible();
    });

    it('stops a link at a quote so markup after it stays text', async () => {
        const text = 'https://evil.example.com/"><script>x</script>';
        const segments = segmentText(text);
        expect(segments.map((segment) => segment.href)).toEqual(['https://evil.example.com/', null]);
        expect(segments[1].text).toBe('"><script>x</script>');
        const rendered = await renderText(text);
        expect(rendered.links).toHaveLength(1);
        expect(rendered.text).toBe(text);
        await expect(rendered.element).toBeAccessible();
    });

    it('handles empty text', async () => {
        expect(segmentText(null)).toEqual([]);
        expect(segmentText('')).toEqual([]);
        const rendered = await renderText(null);
        expect(rendered.text).toBe('');
        await expect(rendered.element).toBeAccessible();
    });
});

describe('safeHttpsUrl', () => {
    it.each([
        ['https://platform.open.cx/inbox/a%20b', 'https://platform.open.cx/inbox/a%20b'],
        ['HTTPS://Platform.Open.CX/x', 'https://platform.open.cx/x'],
        ['http://platform.open.cx/x', null],
        ['javascript:alert(1)', null],
        ['/relative/path', null],
        ['https://', null],
        [undefined, null]
    ])('%s → %s', async (value, expected) => {
        expect(safeHttpsUrl(value)).toBe(expected);
        // The same rule decides which links in transcript text become live.
        const rendered = await renderText(value ?? '');
        expect(rendered.links.map((link) => link.getAttribute('href'))).toEqual(
            expected ? [expected] : []
        );
        await expect(rendered.element).toBeAccessible();
    });
});

describe('orderTurns', () => {
    it('sorts by time, keeps OpenCX order for equal or missing times', async () => {
        const turns = [
            { position: 0, kind: 'message', author: 'ai', text: 'a', createdAt: '2026-11-25T10:00:02Z' },
            { position: 1, kind: 'message', author: 'ai', text: 'b', createdAt: null },
            { position: 2, kind: 'message', author: 'ai', text: 'c', createdAt: '2026-11-25T10:00:01Z' },
            { position: 3, kind: 'message', author: 'ai', text: 'd', createdAt: '2026-11-25T10:00:01Z' }
        ];
        expect(orderTurns(turns).map((turn) => turn.position)).toEqual([2, 3, 0, 1]);
        const element = createTranscript({ turns });
        await flush();
        expect(items(element).map((li) => li.querySelector('.text').textContent)).toEqual([
            'c',
            'd',
            'a',
            'b'
        ]);
        await expect(element).toBeAccessible();
    });
});

describe('c-opencx-transcript', () => {
    it('says when there are no messages', async () => {
        const element = createTranscript({ turns: [] });
        await flush();
        expect(element.shadowRoot.querySelector('.empty').textContent).toContain('no messages');
        expect(items(element)).toHaveLength(0);
        await expect(element).toBeAccessible();
    });

    it('renders turns in time order in the rep locale and time zone', async () => {
        const element = createTranscript({
            turns: [
                { position: 0, kind: 'message', author: 'ai', text: 'second', createdAt: '2026-11-25T10:05:00Z' },
                { position: 1, kind: 'message', author: 'visitor', text: 'first', createdAt: '2026-11-25T10:00:00Z' },
                { position: 2, kind: 'event', eventType: 'csat_sent', createdAt: '2026-11-25T10:06:00Z' },
                { position: 3, kind: 'message', author: 'bot', text: 'other', createdAt: 'not a date' }
            ]
        });
        await flush();
        const rendered = items(element);
        expect(rendered.map((li) => li.querySelector('.text, .event-label').textContent)).toEqual([
            'first',
            'second',
            'OpenCX event: csat_sent',
            'other'
        ]);
        // 10:00 UTC is 19:00 in Tokyo; German month abbreviation and 24-hour clock.
        expect(rendered[0].querySelector('time').textContent).toBe('25. Nov., 19:00');
        expect(rendered[3].querySelector('.author').textContent).toBe('Sender: bot');
        expect(rendered[3].querySelector('time').textContent).toBe('');
        expect(rendered[3].className).toBe('turn turn_other');
        await expect(element).toBeAccessible();
    });

    it('gives the scrolling region a label and keyboard focus', async () => {
        const element = createTranscript({ turns: samples.anonymous.turns, height: 200 });
        await flush();
        const region = element.shadowRoot.querySelector('[role="region"]');
        expect(region.getAttribute('aria-label')).toBe('OpenCX transcript');
        expect(region.tabIndex).toBe(0);
        expect(region.getAttribute('style')).toContain('max-height: 200px');
        await expect(element).toBeAccessible();
    });

    it('does not limit the height when none is set', async () => {
        const element = createTranscript({ turns: samples.anonymous.turns });
        await flush();
        const region = element.shadowRoot.querySelector('[role="region"]');
        expect(region.getAttribute('style')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('moves the page for a region that does not scroll only when asked to', async () => {
        const element = createTranscript({ turns: samples.verified.turns });
        await flush();
        const target = samples.verified.turns[5].position;
        // jsdom lays nothing out: the region does not scroll (scrollHeight = clientHeight = 0).
        expect(await element.scrollToTurn(target, { movePage: false })).toBe(true);
        expect(await element.scrollToEnd({ movePage: false })).toBe(true);
        expect(window.scrollBy).not.toHaveBeenCalled();
        expect(await element.scrollToTurn(target)).toBe(true);
        expect(window.scrollBy).toHaveBeenCalledTimes(1);
    });

    it('re-renders when a refreshed transcript arrives', async () => {
        const element = createTranscript({ turns: samples.anonymous.turns });
        await flush();
        expect(items(element)).toHaveLength(6);
        element.turns = samples.verified.turns;
        await flush();
        expect(items(element)).toHaveLength(12);
        await expect(element).toBeAccessible();
    });
    describe('a long transcript', () => {
        // Enough for the first slice and two more, the last one partly filled.
        const long = toConversation({
            stamp: { OpenCX_Session_Id__c: fixtures.sessionVerified.id },
            session: fixtures.sessionVerified,
            historyPages: generateHistoryPages({ turns: FIRST_SLICE + SLICE + 7 })
        }).turns;

        beforeEach(() => {
            jest.useFakeTimers({ doNotFake: ['Date', 'performance', 'queueMicrotask', 'nextTick'] });
        });
        afterEach(() => {
            jest.useRealTimers();
        });

        it('renders in slices, one task each, in order, busy until the last one', async () => {
            const element = createTranscript({ turns: long });
            await flush();
            const region = element.shadowRoot.querySelector('[role="region"]');
            expect(items(element)).toHaveLength(FIRST_SLICE);
            expect(region.getAttribute('aria-busy')).toBe('true');

            jest.advanceTimersToNextTimer();
            await flush();
            expect(items(element)).toHaveLength(FIRST_SLICE + SLICE);

            jest.advanceTimersToNextTimer();
            await flush();
            expect(items(element)).toHaveLength(long.length);
            expect(region.getAttribute('aria-busy')).toBe('false');
            expect(jest.getTimerCount()).toBe(0);
            // Every message, in order, across the slices.
            expect(items(element).map((li) => li.querySelector('.text')?.textContent ?? null)).toEqual(
                long.map((turn) => (turn.kind === 'event' ? null : turn.text))
            );
            jest.useRealTimers();
            await expect(element).toBeAccessible();
        });

        it('stops slicing when removed, and starts over for a new transcript', async () => {
            const element = createTranscript({ turns: long });
            await flush();
            expect(jest.getTimerCount()).toBe(1);
            element.turns = samples.verified.turns;
            await flush();
            expect(items(element)).toHaveLength(12);
            expect(jest.getTimerCount()).toBe(0);

            element.turns = long;
            await flush();
            document.body.removeChild(element);
            expect(jest.getTimerCount()).toBe(0);
            document.body.appendChild(element);
            await flush();
            expect(jest.getTimerCount()).toBe(1);
            jest.runAllTimers();
            await flush();
            expect(items(element)).toHaveLength(long.length);
            jest.useRealTimers();
            await expect(element).toBeAccessible();
        });

        it('renders each slice once, however many follow it (linear, not quadratic)', async () => {
            const turns = toConversation({
                stamp: { OpenCX_Session_Id__c: fixtures.sessionVerified.id },
                session: fixtures.sessionVerified,
                historyPages: generateHistoryPages({ turns: FIRST_SLICE + 5 * SLICE + 7 })
            }).turns;
            sliceRenders.clear();
            try {
                const element = createTranscript({ turns });
                await flush();
                jest.runAllTimers();
                await flush();
                expect(items(element)).toHaveLength(turns.length);
                const slices = element.shadowRoot.querySelectorAll('c-opencx-transcript-slice');
                expect(slices).toHaveLength(7);
                expect([...sliceRenders.values()]).toEqual([1, 1, 1, 1, 1, 1, 1]);
            } finally {
                sliceRenders.clear();
            }
        });

        it('keeps the DOM per turn small: 6 elements a plain message, under 6.4 on average', async () => {
            const element = createTranscript({ turns: long });
            await flush();
            jest.runAllTimers();
            await flush();
            const rendered = items(element);
            const elements = rendered.reduce(
                (count, li) => count + 1 + li.querySelectorAll('*').length,
                0
            );
            const plain = rendered.find((li) => li.className === 'turn turn_visitor');
            expect(1 + plain.querySelectorAll('*').length).toBe(6);
            expect(elements / rendered.length).toBeLessThan(6.4);
            // Every turn's text is in the DOM (what Ctrl-F and screen readers read).
            expect(rendered.map((li) => li.querySelector('.text')?.textContent ?? null)).toEqual(
                long.map((turn) => (turn.kind === 'event' ? null : turn.text))
            );
        });

        it('scrolls to a turn in a later slice once that slice is in', async () => {
            const element = createTranscript({ turns: long, height: 300 });
            await flush();
            const region = element.shadowRoot.querySelector('.transcript');
            Object.defineProperty(region, 'scrollHeight', { value: 12000 });
            Object.defineProperty(region, 'clientHeight', { value: 300 });
            region.getBoundingClientRect = () => ({ top: 100 });
            const target = long[FIRST_SLICE + SLICE + 2];
            let scrolled;
            element.scrollToTurn(target.position).then((found) => (scrolled = found));
            await flush();
            expect(scrolled).toBeUndefined();
            region.scrollTop = 500;
            jest.runAllTimers();
            await flush();
            expect(scrolled).toBe(true);
            // jsdom has no layout: every turn reports top 0, the region 100, so it scrolls by -100.
            expect(region.scrollTop).toBe(400);
            region.scrollTop = 500;
            await element.scrollToTurn(long[3].position);
            expect(region.scrollTop).toBe(400);
            expect(await element.scrollToTurn(999999)).toBe(false);
            expect(element.handoffPosition).toBe(
                long.find((turn) => turn.eventType === 'handoff').position
            );
            element.scrollToStart();
            expect(region.scrollTop).toBe(0);
            expect(await element.scrollToEnd()).toBe(true);
        });

        it('asks only the slice that holds the turn while a scroll waits (not every slice)', async () => {
            const turns = toConversation({
                stamp: { OpenCX_Session_Id__c: fixtures.sessionVerified.id },
                session: fixtures.sessionVerified,
                historyPages: generateHistoryPages({ turns: FIRST_SLICE + 9 * SLICE })
            }).turns;
            const element = createTranscript({ turns, height: 300 });
            await flush();
            turnTopCalls = 0;
            const scrolled = element.scrollToEnd();
            jest.runAllTimers();
            await flush();
            await expect(scrolled).resolves.toBe(true);
            // One question, once the last of the 10 slices is in; asking every slice after every
            // render would be 1 + 2 + ... + 10 = 55.
            expect(turnTopCalls).toBe(1);
        });

        it('asking to scroll reads no turn beyond the rendered ones (the first task stays short)', async () => {
            const element = createTranscript({ turns: long });
            await flush();
            const parse = jest.spyOn(Date, 'parse');
            const scrolled = element.scrollToTurn(long[long.length - 1].position);
            const toEnd = element.scrollToEnd();
            expect(parse).not.toHaveBeenCalled();
            parse.mockRestore();
            jest.runAllTimers();
            await flush();
            await expect(scrolled).resolves.toBe(false); // replaced by scrollToEnd
            await expect(toEnd).resolves.toBe(true);
        });

        it('starts the slices over when a later page has a turn out of order', async () => {
            const late = long.map((turn) => ({ ...turn }));
            // A turn of the third slice that belongs before everything else.
            const stray = late[FIRST_SLICE + SLICE + 3];
            stray.createdAt = '2020-01-01T00:00:00.000Z';
            const element = createTranscript({ turns: late });
            await flush();
            expect(items(element)[0].dataset.position).toBe(String(late[0].position));
            jest.runAllTimers();
            await flush();
            const positions = items(element).map((li) => Number(li.dataset.position));
            expect(positions).toEqual(orderTurns(late).map((turn) => turn.position));
            expect(positions[0]).toBe(stray.position);
            expect(element.shadowRoot.querySelector('.transcript').getAttribute('aria-busy')).toBe(
                'false'
            );
        });

        it('settles a pending scroll as not found when a new transcript replaces the old', async () => {
            const element = createTranscript({ turns: long });
            await flush();
            const pending = element.scrollToTurn(long[long.length - 1].position);
            element.turns = samples.anonymous.turns;
            await expect(pending).resolves.toBe(false);
        });
    });
});

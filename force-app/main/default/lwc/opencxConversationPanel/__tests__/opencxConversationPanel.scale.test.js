// OpenCX under load (issue 11, Scale): HTTP 429 is a state of its own with a bounded automatic
// retry, a transcript cut short by a slow OpenCX says so, and Refresh reads OpenCX rather than
// the org cache (getConversation with refresh: true) while Retry after a failure does not.
import { createElement } from '@lwc/engine-dom';
import OpencxConversationPanel, {
    BUSY_MAX_RETRIES,
    busyWaitSeconds,
    handoffPosition
} from 'c/opencxConversationPanel';
import { orderTurns } from 'c/opencxTranscript';
import getConversation from '@salesforce/apex/OpenCxSessionController.getConversation';
import { refreshApex } from '@salesforce/apex';

const { samples, busy, partial, ERROR_MESSAGES } = require('opencx-samples');
const { readCustomLabels } = require('../../../../../test/custom-labels');


const RECORD_ID = '0Mw5g000000XyZaCAK';
const LABELS = readCustomLabels();
const label = (name) => LABELS.get(name);
const { flushWithFakeTimers: flush, microtasks } = require('../../../../../test/panel-tasks');
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const text = (element, selector) => ($(element, selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function panelWith(data) {
    const element = createElement('c-opencx-conversation-panel', { is: OpencxConversationPanel });
    element.recordId = RECORD_ID;
    document.body.appendChild(element);
    getConversation.emit(data);
    await flush();
    return element;
}

beforeEach(() => {
    window.scrollBy = jest.fn();
    jest.useFakeTimers({ doNotFake: ['Date', 'performance', 'queueMicrotask', 'nextTick'] });
});

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
    jest.useRealTimers();
});

describe('OpenCX busy (HTTP 429)', () => {
    it('says so with the Retry-After time and asks again after it, no sooner', async () => {
        const element = await panelWith(busy(samples.verified, 12));
        expect(text(element, '.busy-message')).toBe('OpenCX is busy, retrying in 12 s.');
        expect(label('OpenCX_Panel_Busy')).toBe('OpenCX is busy, retrying in {0} s.');
        expect($(element, '.busy .retry')).toBeNull();
        jest.advanceTimersByTime(11_999);
        expect(refreshApex).not.toHaveBeenCalled();
        jest.advanceTimersByTime(1);
        expect(refreshApex).toHaveBeenCalledTimes(1);
        await flush();
        getConversation.emit(samples.verified);
        await flush();
        expect($(element, '.busy')).toBeNull();
        jest.advanceTimersByTime(120_000);
        expect(refreshApex).toHaveBeenCalledTimes(1);
    });

    it('waits 10 s when OpenCX does not say, and keeps any wait between 1 and 60 s', async () => {
        const element = await panelWith(busy(samples.verified, null));
        expect(text(element, '.busy-message')).toBe('OpenCX is busy, retrying in 10 s.');
        expect(busyWaitSeconds(0)).toBe(1);
        expect(busyWaitSeconds(3600)).toBe(60);
        expect(busyWaitSeconds(2.2)).toBe(3);
        expect(busyWaitSeconds(undefined)).toBe(10);
    });

    it(`stops after ${BUSY_MAX_RETRIES} automatic retries and offers Retry`, async () => {
        const element = await panelWith(busy(samples.verified, 5));
        for (let attempt = 1; attempt <= BUSY_MAX_RETRIES; attempt++) {
            jest.advanceTimersByTime(5000);
            expect(refreshApex).toHaveBeenCalledTimes(attempt);
            // eslint-disable-next-line no-await-in-loop -- one retry after the other
            await flush();
            getConversation.emit(busy(samples.verified, 5));
            // eslint-disable-next-line no-await-in-loop
            await flush();
        }
        jest.advanceTimersByTime(60_000);
        expect(refreshApex).toHaveBeenCalledTimes(BUSY_MAX_RETRIES);
        expect(text(element, '.busy-message')).toBe(label('OpenCX_Panel_Busy_Gave_Up'));
        $(element, '.busy .retry').click();
        await flush();
        expect(refreshApex).toHaveBeenCalledTimes(BUSY_MAX_RETRIES + 1);
        // Retry after 429 is not a Refresh of a transcript: no cache bypass.
        expect(getConversation).not.toHaveBeenCalled();
    });

    it('goes on retrying when the wire does not hear a second, equal answer', async () => {
        await panelWith(busy(samples.verified, 2));
        jest.advanceTimersByTime(2000);
        await flush();
        expect(jest.getTimerCount()).toBe(1);
        jest.advanceTimersByTime(2000);
        expect(refreshApex).toHaveBeenCalledTimes(2);
    });

    it('stops the timer when the panel is removed', async () => {
        const element = await panelWith(busy(samples.verified, 30));
        document.body.removeChild(element);
        expect(jest.getTimerCount()).toBe(0);
    });

    it('asks nothing while out of the page, and retries again once back in it', async () => {
        const element = await panelWith(busy(samples.verified, 5));
        jest.advanceTimersByTime(5000);
        expect(refreshApex).toHaveBeenCalledTimes(1);
        await microtasks();
        // The retry brought BUSY again; the panel leaves the page before that answer shows.
        getConversation.emit(busy(samples.verified, 5));
        document.body.removeChild(element);
        await flush();
        jest.advanceTimersByTime(60_000);
        expect(refreshApex).toHaveBeenCalledTimes(1);
        expect(jest.getTimerCount()).toBe(0);

        document.body.appendChild(element);
        await flush();
        expect(text(element, '.busy-message')).toBe('OpenCX is busy, retrying in 5 s.');
        jest.advanceTimersByTime(5000);
        expect(refreshApex).toHaveBeenCalledTimes(2);
    });

    it('moved while a retry waits for Apex, sends no second one before its answer', async () => {
        const element = await panelWith(busy(samples.verified, 1));
        let answerRetry;
        refreshApex.mockReturnValueOnce(new Promise((resolve) => (answerRetry = resolve)));
        jest.advanceTimersByTime(1000);
        expect(refreshApex).toHaveBeenCalledTimes(1);
        document.body.removeChild(element);
        document.body.appendChild(element);
        await flush();
        jest.advanceTimersByTime(10_000);
        expect(refreshApex).toHaveBeenCalledTimes(1);

        // Its answer: BUSY again, so the next retry follows after the wait OpenCX asks for.
        getConversation.emit(busy(samples.verified, 1));
        answerRetry();
        await flush();
        jest.advanceTimersByTime(1000);
        expect(refreshApex).toHaveBeenCalledTimes(2);
    });
});

describe('a transcript cut short', () => {
    it('says that only part loaded', async () => {
        const element = await panelWith(partial(samples.verified, 1, 'TIMEOUT'));
        expect(text(element, '.partial')).toBe(label('OpenCX_Panel_Partial'));
        expect($(element, '.partial').getAttribute('role')).toBe('status');
    });

    it('says nothing of the kind for a whole transcript', async () => {
        const element = await panelWith(samples.verified);
        expect($(element, '.partial')).toBeNull();
    });
});

describe('Refresh and the org cache', () => {
    it('Refresh of a transcript asks Apex to read OpenCX, then refreshes the wire', async () => {
        const element = await panelWith(samples.verified);
        $(element, 'lightning-button-icon.refresh').click();
        await flush();
        expect(getConversation).toHaveBeenCalledWith({
            messagingSessionId: RECORD_ID,
            refresh: true
        });
        expect(refreshApex).toHaveBeenCalledTimes(1);
        expect(getConversation.mock.invocationCallOrder[0]).toBeLessThan(
            refreshApex.mock.invocationCallOrder[0]
        );
    });

    it('Retry after a failure only refreshes the wire', async () => {
        const element = createElement('c-opencx-conversation-panel', {
            is: OpencxConversationPanel
        });
        element.recordId = RECORD_ID;
        document.body.appendChild(element);
        getConversation.error({ message: ERROR_MESSAGES.serverError });
        await flush();
        $(element, '.retry').click();
        await flush();
        expect(getConversation).not.toHaveBeenCalled();
        expect(refreshApex).toHaveBeenCalledTimes(1);
    });
});

describe('handoffPosition without sorting', () => {
    /** The definition: the last handoff of the transcript in time order. */
    const bySorting = (turns) =>
        [...orderTurns(turns)]
            .reverse()
            .find((turn) => turn.kind === 'event' && turn.eventType === 'handoff')?.position ?? null;

    /**
     * A time as OpenCX may write it: canonical UTC (toISOString), the same instant with an offset
     * or without milliseconds, text that only looks canonical (month 13: no time), or none.
     */
    const timeText = (instant, style) => {
        const iso = new Date(instant).toISOString();
        if (style < 0.1) return null;
        // The same instant an hour behind with -01:00: its text sorts before its time.
        if (style < 0.2) return new Date(instant - 3600000).toISOString().replace('Z', '-01:00');
        if (style < 0.25) return iso.replace('.000Z', 'Z');
        if (style < 0.3) return iso.replace(/-\d\d-/, '-13-');
        return iso;
    };

    function randomTurns(next, { ordered }) {
        let minute = 0;
        return Array.from({ length: 1 + Math.floor(next() * 30) }, (_, position) => {
            const roll = next();
            minute = ordered ? minute + Math.floor(next() * 2) : Math.floor(next() * 6);
            return {
                position,
                kind: roll < 0.3 ? 'event' : 'message',
                eventType: roll < 0.2 ? 'handoff' : roll < 0.3 ? 'human_agent_joined' : null,
                createdAt: timeText(Date.UTC(2026, 10, 25, 10, minute), next())
            };
        });
    }

    it('agrees with sorting on shuffled times, ties, missing times and several handoffs', () => {
        let seed = 7;
        const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
        for (let round = 0; round < 400; round++) {
            const turns = randomTurns(next, { ordered: round % 2 === 0 });
            expect(handoffPosition(turns)).toBe(bySorting(turns));
        }
    });

    it('reads a time with an offset as its instant, not as text', () => {
        const turns = [
            // 09:30 at -01:00 is 10:30 UTC: the latest handoff, though its text sorts first.
            { position: 0, kind: 'event', eventType: 'handoff', createdAt: '2026-11-25T09:30:00.000-01:00' },
            { position: 1, kind: 'message', eventType: null, createdAt: '2026-11-25T10:00:00.000Z' },
            { position: 2, kind: 'event', eventType: 'handoff', createdAt: '2026-11-25T10:10:00.000Z' }
        ];
        expect(handoffPosition(turns)).toBe(0);
        expect(handoffPosition(turns)).toBe(bySorting(turns));
    });

    it('parses a day the month does not have (V8 reads 31 April as 1 May)', () => {
        const turns = [
            { position: 0, kind: 'event', eventType: 'handoff', createdAt: '2026-04-31T10:00:00.000Z' },
            { position: 1, kind: 'message', eventType: null, createdAt: '2026-05-01T00:00:00.000Z' },
            { position: 2, kind: 'event', eventType: 'handoff', createdAt: '2026-05-01T05:00:00.000Z' }
        ];
        expect(handoffPosition(turns)).toBe(bySorting(turns));
        expect(handoffPosition(turns)).toBe(0);
        const leapDay = [
            { position: 0, kind: 'event', eventType: 'handoff', createdAt: '2027-02-29T10:00:00.000Z' },
            { position: 1, kind: 'event', eventType: 'handoff', createdAt: '2027-03-01T05:00:00.000Z' }
        ];
        expect(handoffPosition(leapDay)).toBe(bySorting(leapDay));
    });

    const longTranscript = (time) =>
        Array.from({ length: 20000 }, (_, position) => ({
            position,
            kind: position === 12345 ? 'event' : 'message',
            eventType: position === 12345 ? 'handoff' : null,
            createdAt: time(new Date(Date.UTC(2026, 10, 25) + position * 1000).toISOString())
        }));

    it('finds the handoff of 20,000 turns in UTC order without parsing a date', () => {
        const parse = jest.spyOn(Date, 'parse');
        expect(handoffPosition(longTranscript((iso) => iso))).toBe(12345);
        expect(parse).not.toHaveBeenCalled();
        parse.mockRestore();
    });

    it('reads a 20,000-turn transcript once however often the template asks', () => {
        // Times with an offset are not text-ordered: each is parsed, once.
        const turns = longTranscript((iso) => iso.replace('Z', '+00:00'));
        const parse = jest.spyOn(Date, 'parse');
        expect(handoffPosition(turns)).toBe(12345);
        expect(handoffPosition(turns)).toBe(12345);
        expect(parse).toHaveBeenCalledTimes(20000);
        parse.mockRestore();
    });
});

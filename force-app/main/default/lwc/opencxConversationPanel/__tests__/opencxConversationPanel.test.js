/* eslint-disable no-script-url -- these tests prove javascript: URLs are never made live */
import { createElement } from '@lwc/engine-dom';
import OpencxConversationPanel from 'c/opencxConversationPanel';
import getConversation from '@salesforce/apex/OpenCxSessionController.getConversation';
import { refreshApex } from '@salesforce/apex';
import { getRecord } from 'lightning/uiRecordApi';

const {
    samples,
    fixtures,
    toConversation,
    generateHistoryPages,
    ERROR_MESSAGES
} = require('opencx-samples');

// The rep's locale and time zone (not the jest defaults en-US / America/Los_Angeles).
jest.mock('@salesforce/i18n/locale', () => ({ default: 'en-GB' }), { virtual: true });
jest.mock('@salesforce/i18n/timeZone', () => ({ default: 'Europe/Madrid' }), { virtual: true });

const RECORD_ID = '0Mw5g000000XyZaCAK';

function createPanel(props = {}) {
    const element = createElement('c-opencx-conversation-panel', { is: OpencxConversationPanel });
    Object.assign(element, { recordId: RECORD_ID, ...props });
    document.body.appendChild(element);
    return element;
}

const { flush, microtasks, nextTask } = require('../../../../../test/panel-tasks');
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const transcriptOf = (element) => $(element, 'c-opencx-transcript');
/** Elements matching selector under root, through every nested shadow root, in document order. */
function deepQueryAll(root, selector) {
    const found = [];
    for (const node of root.querySelectorAll('*')) {
        if (node.matches(selector)) found.push(node);
        if (node.shadowRoot) found.push(...deepQueryAll(node.shadowRoot, selector));
    }
    return found;
}
// The transcript may render its turns itself or through child components (slices).
const turnsOf = (element) => deepQueryAll(transcriptOf(element).shadowRoot, 'li');
/** A detail row's values (each in its own <bdi>), joined for reading; undefined without the row. */
const detail = (element, label) => {
    const row = $(element, `dd[data-label="${label}"]`);
    return row ? [...row.querySelectorAll('bdi.value')].map((value) => value.textContent).join(', ') : undefined;
};
const badgeText = (element, kind) => $(element, `.badges .${kind}`)?.textContent.trim();

/** Every element in the panel and its transcript, through the shadow roots. */
function allElements(element) {
    const found = [];
    const walk = (root) => {
        for (const node of root.querySelectorAll('*')) {
            found.push(node);
            if (node.shadowRoot) walk(node.shadowRoot);
        }
    };
    walk(element.shadowRoot);
    return found;
}

/** The MessagingSession as getRecord delivers it, with the fields the routing flow stamped. */
function stampedRecord({ sessionId, consumerType }) {
    const field = (value) => ({ value, displayValue: value });
    return {
        apiName: 'MessagingSession',
        id: RECORD_ID,
        fields: {
            OpenCX_Session_Id__c: field(sessionId),
            Chat_Consumer_Type__c: field(consumerType)
        }
    };
}
const verifiedRecord = stampedRecord({
    sessionId: fixtures.sessionVerified.id,
    consumerType: 'Verified'
});

/** A panel whose record has come (getRecord) and whose Apex answer has not, yet. */
async function createPanelWithRecord(record = verifiedRecord, props) {
    const element = createPanel(props);
    getRecord.emit(record);
    await flush();
    return element;
}

async function emit(data, props) {
    const element = createPanel(props);
    getConversation.emit(data);
    await flush();
    return element;
}

beforeEach(() => {
    // jsdom has no layout: scrolling the transcript is a no-op here (the e2e tests check it).
    window.scrollBy = jest.fn();
});

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
});

describe('c-opencx-conversation-panel', () => {
    it('asks Apex for the conversation of its record', async () => {
        const element = createPanel();
        await flush();
        expect(getConversation.getLastConfig()).toEqual({ messagingSessionId: RECORD_ID });
        await expect(element).toBeAccessible();
    });

    it('reads the stamped trace key and consumer type of its record as optional fields', async () => {
        const element = createPanel();
        await flush();
        expect(getRecord.getLastConfig()).toEqual({
            recordId: RECORD_ID,
            optionalFields: [
                { objectApiName: 'MessagingSession', fieldApiName: 'OpenCX_Session_Id__c' },
                { objectApiName: 'MessagingSession', fieldApiName: 'Chat_Consumer_Type__c' }
            ]
        });
        await expect(element).toBeAccessible();
    });

    it('shows a spinner while loading', async () => {
        const element = createPanel();
        await flush();
        expect($(element, 'lightning-spinner')).not.toBeNull();
        expect($(element, '.panel').getAttribute('aria-busy')).toBe('true');
        expect($(element, '.error')).toBeNull();
        expect($(element, '.session')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('shows the stamped trace key and consumer badge while OpenCX loads', async () => {
        const element = await createPanelWithRecord();

        expect($(element, 'lightning-spinner')).not.toBeNull();
        expect($(element, '.panel').getAttribute('aria-busy')).toBe('true');
        expect($(element, '.trace-key').textContent).toBe(fixtures.sessionVerified.id);
        expect($(element, 'lightning-button-icon.copy')).not.toBeNull();
        expect(badgeText(element, 'consumer')).toBe('Verified visitor');
        // What only OpenCX knows waits for Apex.
        expect($(element, 'a.session-link')).toBeNull();
        expect($(element, '.badges .sentiment')).toBeNull();
        expect($(element, '.handoff')).toBeNull();
        expect(transcriptOf(element)).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('shows the trace key and badge once when Apex answers, with its values', async () => {
        // The record says anonymous; the Apex answer (read later) wins for the same session.
        const element = await createPanelWithRecord(
            stampedRecord({ sessionId: fixtures.sessionVerified.id, consumerType: 'Anonymous' })
        );
        getConversation.emit(samples.verified);
        await flush();

        expect(element.shadowRoot.querySelectorAll('.trace-key')).toHaveLength(1);
        expect($(element, '.trace-key').textContent).toBe(samples.verified.sessionId);
        expect(element.shadowRoot.querySelectorAll('.badges .consumer')).toHaveLength(1);
        expect(badgeText(element, 'consumer')).toBe('Verified visitor');
        expect($(element, 'a.session-link')).not.toBeNull();
        expect(turnsOf(element)).toHaveLength(12);
        await expect(element).toBeAccessible();
    });

    it('shows a verified visitor session with every page of the transcript', async () => {
        const element = await emit(samples.verified);

        expect($(element, 'lightning-spinner')).toBeNull();
        expect($(element, '.trace-key').textContent).toBe(fixtures.sessionVerified.id);
        const link = $(element, 'a.session-link');
        expect(link.href).toBe(`https://platform.open.cx/inbox/${fixtures.sessionVerified.id}`);
        expect(link.target).toBe('_blank');
        expect(link.rel).toBe('noopener noreferrer');
        expect(link.textContent).toContain('opens in a new tab');
        expect(badgeText(element, 'consumer')).toBe('Verified visitor');
        expect(badgeText(element, 'sentiment')).toBe('Sentiment: Angry');
        expect(detail(element, 'Channel')).toBe('Web chat');
        expect(detail(element, 'Language')).toBe('English (en)');
        expect(detail(element, 'Status')).toBe('Open');
        expect(detail(element, 'Priority')).toBe('high');
        expect(detail(element, 'Contact')).toBe('Maria Lopez, maria.lopez@example.com');
        expect($(element, '.summary').textContent).toBe(fixtures.sessionVerified.handoff.summary);
        expect($(element, '.turn-count').textContent).toBe('12 entries');

        const turns = turnsOf(element);
        const pageItems = [
            ...fixtures.historyVerifiedPage1.items,
            ...fixtures.historyVerifiedPage2.items
        ];
        expect(turns).toHaveLength(pageItems.length);
        // Page 2 follows page 1: the agent joins after the handoff.
        expect(turns.map((turn) => turn.className)).toEqual([
            'turn turn_visitor',
            'turn turn_ai',
            'turn turn_ai',
            'turn turn_visitor',
            'turn turn_ai',
            'turn turn_event',
            'turn turn_event',
            'turn turn_agent',
            'turn turn_note',
            'turn turn_agent',
            'turn turn_visitor',
            'turn turn_event'
        ]);
        expect(turns[0].querySelector('.author').textContent).toBe('Visitor');
        expect(turns[1].querySelector('.author').textContent).toBe('OpenCX AI');
        expect(turns[7].querySelector('.author').textContent).toBe('Human agent');
        expect(turns[8].querySelector('.author').textContent).toBe('Internal note, agent 1042');
        expect(turns[5].querySelector('.event-label').textContent).toBe(
            'AI handed the conversation off to a human'
        );
        expect(turns[6].querySelector('.event-label').textContent).toBe('Agent 1042 joined');
        expect(turns[11].querySelector('.event-label').textContent).toBe(
            'Agent 1042 took over from the AI'
        );
        // 16:58 UTC is 17:58 in Madrid, written the British way.
        const time = turns[0].querySelector('time');
        expect(time.textContent).toBe('25 Nov, 17:58');
        expect(time.getAttribute('datetime')).toBe('2026-11-25T16:58:01.000Z');
        expect(time.title).toContain('2026');
        expect(time.title).toContain('17:58:01');
        // Multi-line message text is kept (rendered with white-space: pre-wrap).
        expect(turns[3].querySelector('.text').textContent).toBe(
            "Yes, that's it. Can you refund one of them?\nI need it back today."
        );
        // The https link in the AI message is live.
        const helpLink = turns[2].querySelector('a');
        expect(helpLink.href).toBe('https://help.example.com/billing/refunds');
        expect(helpLink.rel).toBe('noopener noreferrer');
        await expect(element).toBeAccessible();
    });

    it('shows an anonymous visitor session', async () => {
        const element = await emit(samples.anonymous);

        expect(badgeText(element, 'consumer')).toBe('Anonymous visitor');
        expect(badgeText(element, 'sentiment')).toBe('Sentiment: Neutral');
        expect(detail(element, 'Channel')).toBe('WhatsApp');
        expect(detail(element, 'Language')).toBe('Spanish (es)');
        expect(detail(element, 'Status')).toBe('Closed, unresolved');
        expect(detail(element, 'Contact')).toBeUndefined();
        expect(detail(element, 'Priority')).toBeUndefined();
        const labels = turnsOf(element)
            .map((turn) => turn.querySelector('.event-label')?.textContent)
            .filter(Boolean);
        expect(labels).toEqual([
            'AI marked the issue resolved',
            'AI handed the conversation off to a human'
        ]);
        await expect(element).toBeAccessible();
    });

    it('says so when the transcript stopped at the page cap', async () => {
        const conversation = toConversation({
            stamp: { OpenCX_Session_Id__c: fixtures.sessionVerified.id },
            session: fixtures.sessionVerified,
            historyPages: generateHistoryPages({ turns: 60, pageSize: 2 })
        });
        expect(conversation.transcriptTruncated).toBe(true);
        const element = await emit(conversation);
        await flush(); // the transcript's second slice: 50 turns are more than its first

        expect($(element, '.truncated').textContent).toBe(
            'Showing the first 25 pages of the transcript. Open the session in OpenCX for the rest.'
        );
        expect(turnsOf(element)).toHaveLength(50);
        await expect(element).toBeAccessible();
    });

    it('shows friendly text when the conversation has no OpenCX session', async () => {
        const element = await createPanelWithRecord(
            stampedRecord({ sessionId: null, consumerType: 'Verified' })
        );
        expect($(element, 'lightning-spinner')).not.toBeNull();
        expect($(element, '.session')).toBeNull();
        expect($(element, '.badges')).toBeNull();
        getConversation.emit(samples.noSession);
        await flush();

        expect($(element, '.no-session').textContent).toContain('did not come from OpenCX');
        expect($(element, '.badges')).toBeNull();
        expect($(element, '.session')).toBeNull();
        expect($(element, '[role="alert"]')).toBeNull();
        expect(transcriptOf(element)).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('tells the admin which setting is missing when OpenCX is not configured', async () => {
        const element = await createPanelWithRecord();
        getConversation.emit(samples.notConfigured);
        await flush();

        const box = $(element, '.not-configured');
        expect(box.getAttribute('role')).toBe('status');
        expect($(element, '.setup-message').textContent).toBe(samples.notConfigured.setupMessage);
        expect($(element, '.setup-message').textContent).toContain('OpenCX Setting');
        // Said once: Apex's sentence names the setting; no "not set up yet" heading before it.
        expect(box.textContent.match(/not (set up|configured)/g)).toHaveLength(1);
        expect(box.querySelector('lightning-button.retry').label).toBe('Retry');
        // The trace key and the visitor badge still help; there is no link and no transcript.
        expect($(element, '.trace-key').textContent).toBe(fixtures.sessionVerified.id);
        expect($(element, 'a.session-link')).toBeNull();
        expect(badgeText(element, 'consumer')).toBe('Verified visitor');
        expect($(element, '.badges .sentiment')).toBeNull();
        expect(transcriptOf(element)).toBeNull();
        expect($(element, '[role="alert"]')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it.each([
        ['401', ERROR_MESSAGES.unauthorized],
        ['404', ERROR_MESSAGES.notFound],
        ['5xx', ERROR_MESSAGES.serverError],
        ['timeout', ERROR_MESSAGES.timeout],
        ['unreachable', ERROR_MESSAGES.unreachable],
        ['malformed answer', ERROR_MESSAGES.malformed]
    ])('shows the %s error with a retry button that refetches', async (_name, message) => {
        const element = await createPanelWithRecord();
        getConversation.error({ message });
        await flush();

        const alert = $(element, '[role="alert"]');
        expect(alert.querySelector('.error-message').textContent).toBe(message);
        expect($(element, 'lightning-spinner')).toBeNull();
        expect(transcriptOf(element)).toBeNull();
        // OpenCX being down does not hide what the record knows: the rep can still quote it.
        expect($(element, '.trace-key').textContent).toBe(fixtures.sessionVerified.id);
        expect($(element, 'lightning-button-icon.copy')).not.toBeNull();
        expect(badgeText(element, 'consumer')).toBe('Verified visitor');
        expect($(element, 'a.session-link')).toBeNull();
        expect($(element, '.badges .sentiment')).toBeNull();

        $(element, 'lightning-button.retry').click();
        await flush();
        expect(refreshApex).toHaveBeenCalledTimes(1);
        expect(refreshApex.mock.calls[0][0].error.body.message).toBe(message);
        await expect(element).toBeAccessible();
    });

    it('shows the error alone when the record cannot be read', async () => {
        const element = createPanel();
        getRecord.error({ message: 'The requested resource does not exist' });
        getConversation.error({ message: ERROR_MESSAGES.unreachable });
        await flush();

        expect($(element, '.error-message').textContent).toBe(ERROR_MESSAGES.unreachable);
        expect($(element, '.session')).toBeNull();
        expect($(element, '.badges')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('copies the stamped trace key while OpenCX is down', async () => {
        const writeText = jest.fn(() => Promise.resolve());
        Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
        const element = await createPanelWithRecord(
            stampedRecord({ sessionId: ` ${fixtures.sessionAnonymous.id} `, consumerType: 'Guest' })
        );
        getConversation.error({ message: ERROR_MESSAGES.timeout });
        await flush();

        expect(badgeText(element, 'consumer')).toBe('Anonymous visitor');
        $(element, 'lightning-button-icon.copy').click();
        await flush();
        expect(writeText).toHaveBeenCalledWith(fixtures.sessionAnonymous.id);
        expect($(element, '.copy-status').textContent).toBe('Trace key copied.');
        await expect(element).toBeAccessible();
    });

    it('shows a generic message for an error without a message', async () => {
        refreshApex.mockImplementationOnce(() => Promise.reject({ status: 500 }));
        const element = await emit(samples.verified);
        $(element, 'lightning-button-icon.refresh').click();
        await flush();
        expect($(element, '.error-message').textContent).toBe(
            'The OpenCX conversation could not be loaded.'
        );
        await expect(element).toBeAccessible();
    });

    it('recovers when a retry brings data', async () => {
        const element = createPanel();
        getConversation.error({ message: ERROR_MESSAGES.timeout });
        await flush();
        $(element, 'lightning-button.retry').click();
        getConversation.emit(samples.verified);
        await flush();
        expect($(element, '[role="alert"]')).toBeNull();
        expect(turnsOf(element)).toHaveLength(12);
        await expect(element).toBeAccessible();
    });

    it('refreshes on the refresh button and shows the spinner meanwhile', async () => {
        let finishRefresh;
        refreshApex.mockImplementationOnce(
            () => new Promise((resolve) => (finishRefresh = resolve))
        );
        const element = await emit(samples.verified);

        $(element, 'lightning-button-icon.refresh').click();
        await flush();
        expect(refreshApex).toHaveBeenCalledWith({ data: samples.verified, error: undefined });
        expect($(element, 'lightning-spinner')).not.toBeNull();
        expect($(element, '.progress-text').textContent.trim()).toBe(
            'Refreshing the OpenCX conversation…'
        );
        // Not disabled (a disabled button drops its focus to the page); a second click waits.
        expect($(element, 'lightning-button-icon.refresh').disabled).toBeFalsy();
        $(element, 'lightning-button-icon.refresh').click();
        await flush();
        expect(refreshApex).toHaveBeenCalledTimes(1);

        finishRefresh();
        await flush();
        expect($(element, 'lightning-spinner')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('shows the error when a refresh fails', async () => {
        refreshApex.mockImplementationOnce(() =>
            Promise.reject({ body: { message: ERROR_MESSAGES.serverError } })
        );
        const element = await createPanelWithRecord();
        getConversation.emit(samples.verified);
        await flush();
        $(element, 'lightning-button-icon.refresh').click();
        await flush();
        expect($(element, '.error-message').textContent).toBe(ERROR_MESSAGES.serverError);
        expect($(element, '.trace-key').textContent).toBe(fixtures.sessionVerified.id);
        expect(badgeText(element, 'consumer')).toBe('Verified visitor');
        expect($(element, '.badges .sentiment')).toBeNull();
        expect(transcriptOf(element)).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('copies the trace key and says so', async () => {
        const writeText = jest.fn(() => Promise.resolve());
        Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
        const element = await emit(samples.verified);

        $(element, 'lightning-button-icon.copy').click();
        await flush();
        expect(writeText).toHaveBeenCalledWith(fixtures.sessionVerified.id);
        expect($(element, '.copy-status').textContent).toBe('Trace key copied.');
        expect($(element, '.copy-status').getAttribute('role')).toBe('status');
        await expect(element).toBeAccessible();
    });

    it('explains when the clipboard is not available', async () => {
        Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
        const element = await emit(samples.verified);

        $(element, 'lightning-button-icon.copy').click();
        await flush();
        expect($(element, '.copy-status').textContent).toBe(
            'Could not copy. Select the trace key and copy it.'
        );
        await expect(element).toBeAccessible();
    });

    it('renders OpenCX text as text: no markup, no script, only https links', async () => {
        const element = await emit(samples.xss);
        const elements = allElements(element);

        const tags = new Set(elements.map((node) => node.tagName.toLowerCase()));
        for (const forbidden of ['script', 'img', 'svg', 'b', 'iframe']) {
            expect(tags.has(forbidden)).toBe(false);
        }
        for (const node of elements) {
            for (const attribute of node.getAttributeNames()) {
                expect(attribute.startsWith('on')).toBe(false);
            }
        }
        const hrefs = elements
            .filter((node) => node.tagName === 'A')
            .map((node) => node.getAttribute('href'));
        expect(hrefs).toEqual([
            `https://platform.open.cx/inbox/${fixtures.sessionXss.id}`,
            'https://help.example.com/refunds?x=1&y=2',
            'https://evil.example.com/'
        ]);
        // The markup is still there for the rep to read, as text.
        expect($(element, '.summary').textContent).toBe(fixtures.sessionXss.handoff.summary);
        const texts = turnsOf(element).map((turn) => turn.querySelector('.text')?.textContent);
        expect(texts[0]).toBe("<script>alert('transcript')</script>");
        expect(texts[2]).toBe("Click javascript:alert('js') or [here](javascript:alert('md'))");
        expect(texts[5]).toBe(`Sneaky: https://evil.example.com/"><script>alert('attr')</script>`);
        expect(detail(element, 'Contact')).toBe(
            "<img src=x onerror=alert('name')>, attacker@example.com"
        );
        expect(badgeText(element, 'consumer')).toBe('Verified visitor');
        await expect(element).toBeAccessible();
    });

    it.each([
        'http://platform.open.cx/inbox/x',
        'javascript:alert(1)',
        'data:text/html,<script>alert(1)</script>',
        '//platform.open.cx/inbox/x',
        null
    ])('renders no session link for %s', async (sessionUrl) => {
        const element = await emit({ ...samples.verified, sessionUrl });
        expect($(element, 'a.session-link')).toBeNull();
        expect($(element, '.trace-key').textContent).toBe(fixtures.sessionVerified.id);
        await expect(element).toBeAccessible();
    });

    it('takes a task to show the card after an answer arrives, and one more for the transcript', async () => {
        const element = createPanel();
        getConversation.emit(samples.verified);
        await microtasks();
        // The answer's own task (the framework parsed it there): the panel is still loading.
        expect($(element, 'lightning-spinner')).not.toBeNull();
        expect($(element, '.summary')).toBeNull();

        await nextTask();
        await microtasks();
        // The next: the answer checked and its card shown, without the transcript yet.
        expect($(element, 'lightning-spinner')).toBeNull();
        expect($(element, '.trace-key').textContent).toBe(samples.verified.sessionId);
        expect($(element, '.summary').textContent).toBe(samples.verified.summary);
        expect(transcriptOf(element)).toBeNull();
        expect($(element, '.jumps')).toBeNull();

        await nextTask();
        await microtasks();
        expect(turnsOf(element)).toHaveLength(samples.verified.turns.length);
        expect($(element, '.jumps')).not.toBeNull();

        // A refreshed answer: what is shown stays until the new answer takes its place.
        const before = transcriptOf(element);
        getConversation.emit({ ...samples.verified, turns: samples.verified.turns.slice(0, 3) });
        await microtasks();
        await nextTask();
        await microtasks();
        expect(transcriptOf(element)).toBe(before);
        expect(turnsOf(element)).toHaveLength(samples.verified.turns.length);
        await flush();
        expect(turnsOf(element)).toHaveLength(3);
    });

    it('keeps the answer it was about to show when moved in the page', async () => {
        const element = createPanel();
        getConversation.emit(samples.verified);
        await microtasks();
        // Moved while the answer waits for its task.
        document.body.removeChild(element);
        document.body.appendChild(element);
        await flush();
        expect($(element, '.summary').textContent).toBe(samples.verified.summary);
        expect(turnsOf(element)).toHaveLength(samples.verified.turns.length);

        // Moved between the card's task and the transcript's, on a refresh to 3 turns.
        getConversation.emit({ ...samples.verified, turns: samples.verified.turns.slice(0, 3) });
        await microtasks();
        await nextTask();
        await microtasks();
        document.body.removeChild(element);
        document.body.appendChild(element);
        await flush();
        expect(turnsOf(element)).toHaveLength(3);
        expect($(element, '.jumps')).not.toBeNull();
    });

    it('shows an error at once, and a later error replaces an answer still waiting for its task', async () => {
        const element = createPanel();
        getConversation.emit(samples.verified);
        await microtasks();
        getConversation.error({ message: 'OpenCX is down' });
        await flush();
        expect($(element, '.error-message').textContent).toBe('OpenCX is down');
        expect($(element, '.summary')).toBeNull();
    });

    it('hides the transcript when the admin turns it off', async () => {
        const element = await emit(samples.verified, { hideTranscript: true });
        expect(transcriptOf(element)).toBeNull();
        expect($(element, '.summary')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('passes the transcript height to the scrolling transcript', async () => {
        const element = await emit(samples.verified, { transcriptHeight: 320 });
        const region = transcriptOf(element).shadowRoot.querySelector('[role="region"]');
        expect(region.getAttribute('style')).toContain('max-height: 320px');
        expect(region.tabIndex).toBe(0);
        await expect(element).toBeAccessible();
    });

    it('says when OpenCX sent no summary', async () => {
        const element = await emit({ ...samples.anonymous, summary: null, sentiment: null });
        expect($(element, '.summary').textContent).toBe('OpenCX sent no handoff summary.');
        expect($(element, '.badges .sentiment')).toBeNull();
        await expect(element).toBeAccessible();
    });
});

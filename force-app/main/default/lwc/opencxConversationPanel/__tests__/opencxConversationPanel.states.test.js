// What the rep sees in every state the panel can reach, and with values OpenCX may send that a
// plain-object lookup, a right-to-left override or a lost focus would get wrong (issue 11).
import { createElement } from '@lwc/engine-dom';
import OpencxConversationPanel from 'c/opencxConversationPanel';
import getConversation from '@salesforce/apex/OpenCxSessionController.getConversation';
import { refreshApex } from '@salesforce/apex';
import { getRecord } from 'lightning/uiRecordApi';
import { handoffPosition } from '../opencxConversationPanel';

const { samples, fixtures, ERROR_MESSAGES } = require('opencx-samples');
const { readCustomLabels } = require('../../../../../test/custom-labels');

jest.mock('@salesforce/i18n/locale', () => ({ default: 'en-GB' }), { virtual: true });
jest.mock('@salesforce/i18n/timeZone', () => ({ default: 'Europe/Madrid' }), { virtual: true });

const RECORD_ID = '0Mw5g000000XyZaCAK';
const LABELS = readCustomLabels();
const label = (name) => {
    const value = LABELS.get(name);
    if (value === undefined) throw new Error(`no Custom Label ${name}`);
    return value;
};

const { flush } = require('../../../../../test/panel-tasks');
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => [...element.shadowRoot.querySelectorAll(selector)];
const squash = (text) => (text ?? '').replace(/\s+/g, ' ').trim();

function createPanel(props = {}) {
    const element = createElement('c-opencx-conversation-panel', { is: OpencxConversationPanel });
    Object.assign(element, { recordId: RECORD_ID, ...props });
    document.body.appendChild(element);
    return element;
}

const verifiedRecord = {
    apiName: 'MessagingSession',
    id: RECORD_ID,
    fields: {
        OpenCX_Session_Id__c: { value: fixtures.sessionVerified.id, displayValue: null },
        Chat_Consumer_Type__c: { value: 'Verified', displayValue: null }
    }
};

async function panelWith(answer, { record = verifiedRecord, props } = {}) {
    const element = createPanel(props);
    if (record) getRecord.emit(record);
    if (answer && 'error' in answer) getConversation.error(answer.error);
    else if (answer) getConversation.emit(answer.data);
    await flush();
    return element;
}

/** Visible sentences of the panel body: text of the state messages a rep reads. */
function stateSentence(element) {
    const selectors = [
        '.progress-text',
        '.error-message',
        '.no-session',
        '.setup-message',
        '.summary'
    ];
    return selectors
        .map((selector) => $(element, selector))
        .filter(Boolean)
        .map((node) => squash(node.textContent))
        .filter((text) => /\w+ \w+/.test(text))
        .join(' | ');
}

beforeEach(() => {
    window.scrollBy = jest.fn();
});

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
});

const turn = (position, extra = {}) => ({
    position,
    kind: 'message',
    author: 'visitor',
    eventType: null,
    text: 'Hello',
    humanAgentId: null,
    createdAt: '2026-11-25T16:58:01.000Z',
    ...extra
});

// Answers outside the contract of OpenCxSessionController.getConversation.
const UNREADABLE = [
    ['data null', null],
    ['an empty object', {}],
    ['a list', []],
    ['a string', 'READY'],
    ['an unknown state', { ...samples.verified, state: 'DONE' }],
    ['no state', { ...samples.verified, state: undefined }],
    ['READY without a session id', { ...samples.verified, sessionId: null }],
    ['READY with null turns', { ...samples.verified, turns: null }],
    ['READY without turns', { ...samples.verified, turns: undefined }],
    ['READY with turns that are not a list', { ...samples.verified, turns: { 0: turn(0) } }],
    ['READY with turns as a string', { ...samples.verified, turns: 'turn' }],
    ['READY with a null turn', { ...samples.verified, turns: [turn(0), null] }],
    ['READY with a turn without position', { ...samples.verified, turns: [turn(undefined)] }],
    ['READY with a turn without kind', { ...samples.verified, turns: [turn(0, { kind: null })] }],
    ['READY with two turns at one position', { ...samples.verified, turns: [turn(1), turn(1)] }],
    [
        'READY with a position repeated once positions stopped rising',
        { ...samples.verified, turns: [turn(1), turn(5), turn(3), turn(5)] }
    ],
    [
        'READY with a position repeated from before they stopped rising',
        { ...samples.verified, turns: [turn(1), turn(5), turn(3), turn(1)] }
    ],
    ['READY with a turn whose text is an object', { ...samples.verified, turns: [turn(0, { text: {} })] }],
    ['a summary that is not text', { ...samples.verified, summary: { html: '<b>x</b>' } }],
    ['a session id that is a number', { ...samples.verified, sessionId: 42 }]
];

describe('every state the panel can reach shows the rep a sentence', () => {
    it.each(UNREADABLE)(
        'an answer outside the contract (%s): a sentence and Retry, no spinner, no empty card',
        async (_name, data) => {
            const element = await panelWith({ data });

            expect($(element, 'lightning-spinner')).toBeNull();
            expect($(element, '.panel').getAttribute('aria-busy')).toBe('false');
            const alert = $(element, '[role="alert"]');
            expect(squash(alert.querySelector('.error-message').textContent)).toBe(
                label('OpenCX_Panel_Unreadable_Answer')
            );
            expect(alert.querySelector('lightning-button.retry').label).toBe('Retry');
            expect($(element, 'c-opencx-transcript')).toBeNull();
            // What the record knows still shows.
            expect($(element, '.trace-key').textContent).toBe(fixtures.sessionVerified.id);
            expect($(element, '.badges .consumer').textContent).toBe('Verified visitor');

            $(element, 'lightning-button.retry').click();
            await flush();
            expect(refreshApex).toHaveBeenCalledTimes(1);
            await expect(element).toBeAccessible();
        }
    );

    it('an unreadable answer followed by a good one shows the conversation', async () => {
        const element = await panelWith({ data: null });
        getConversation.emit(samples.verified);
        await flush();
        expect($(element, '[role="alert"]')).toBeNull();
        expect($(element, 'c-opencx-transcript')).not.toBeNull();
    });

    const STATES = [
        ['loading, record not read yet', null, { record: null }, 'OpenCX_Panel_Loading', false],
        ['loading, record read', null, {}, 'OpenCX_Panel_Loading', false],
        ['OpenCX failed', { error: { message: ERROR_MESSAGES.timeout } }, {}, null, true],
        ['no OpenCX session', { data: samples.noSession }, {}, 'OpenCX_Panel_No_Session', false],
        ['not configured', { data: samples.notConfigured }, {}, null, true],
        [
            'not configured, no detail from Apex',
            { data: { ...samples.notConfigured, setupMessage: null } },
            {},
            'OpenCX_Panel_Not_Configured',
            true
        ],
        ['ready', { data: samples.verified }, {}, null, false],
        [
            'ready, no summary and no turns',
            { data: { ...samples.verified, summary: null, turns: [] } },
            {},
            'OpenCX_Panel_No_Summary',
            false
        ],
        ['ready, transcript hidden', { data: samples.verified }, { props: { hideTranscript: true } }, null, false]
    ];

    it.each(STATES)('%s', async (_name, answer, options, expectedLabel, offersRetry) => {
        const element = await panelWith(answer, options);
        const sentence = stateSentence(element);
        expect(sentence).not.toBe('');
        expect(sentence).toContain(expectedLabel ? label(expectedLabel) : '');
        expect($(element, 'lightning-button.retry') !== null).toBe(offersRetry);
        // The header's Refresh is there in every state.
        expect($(element, 'lightning-button-icon.refresh')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('a READY transcript without turns says there are none', async () => {
        const element = await panelWith({ data: { ...samples.verified, turns: [] } });
        const transcript = $(element, 'c-opencx-transcript');
        expect(squash(transcript.shadowRoot.textContent)).toBe(
            label('OpenCX_Transcript_Empty')
        );
        expect($(element, '.jumps')).toBeNull();
    });
});

describe('values named like JavaScript object members are shown as themselves', () => {
    const NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

    it.each(NAMES)('%s as channel, status, sentiment and sender type', async (name) => {
        const data = {
            ...samples.verified,
            channel: name,
            status: name,
            sentiment: name,
            language: name,
            turns: [turn(0, { author: name, text: 'hi' }), turn(1, { kind: 'event', eventType: name, author: null })]
        };
        const element = await panelWith({ data });

        const value = (row) => squash($(element, `dd[data-label="${row}"]`).textContent);
        expect(value('Channel')).toBe(name);
        expect(value('Status')).toBe(name);
        expect(value('Language')).toContain(name);
        expect(squash($(element, '.badges .sentiment').textContent)).toBe(`Sentiment: ${name}`);
        const transcript = $(element, 'c-opencx-transcript').shadowRoot;
        const text = squash(
            [...transcript.querySelectorAll('*')]
                .flatMap((node) => (node.shadowRoot ? [node.shadowRoot.textContent] : []))
                .join(' ') + transcript.textContent
        );
        expect(text).toContain(`Sender: ${name}`);
        expect(text).toContain(`OpenCX event: ${name}`);
        expect(element.shadowRoot.textContent + text).not.toMatch(/native code|function |\[object/);
    });

    it('as a consumer type', async () => {
        const element = await panelWith({ data: { ...samples.verified, consumerType: '__proto__' } });
        expect(squash($(element, '.badges .consumer').textContent)).toBe('Visitor: __proto__');
    });
});

describe('bidirectional text', () => {
    const RLO = '\u202E';

    it('isolates every value: an RLO in the contact name cannot reverse the email', async () => {
        const data = {
            ...samples.verified,
            contactName: `Dana ${RLO}Quinn`,
            contactEmail: 'dana@example.com',
            consumerType: `${RLO}Premium`,
            summary: `${RLO}reversed summary`
        };
        const element = await panelWith({ data });

        const contact = $$(element, 'dd[data-label="Contact"] bdi');
        expect(contact.map((node) => node.textContent)).toEqual([
            `Dana ${RLO}Quinn`,
            'dana@example.com'
        ]);
        // Every value from OpenCX or the record sits in an element of its own that isolates it.
        for (const dd of $$(element, 'dd')) {
            const loose = [...dd.childNodes].filter(
                (child) =>
                    (child.nodeType === Node.TEXT_NODE && child.textContent.trim() !== '') ||
                    (child.nodeType === Node.ELEMENT_NODE && child.tagName !== 'BDI')
            );
            expect(loose).toEqual([]);
        }
        expect($(element, '.badges .consumer bdi').textContent).toBe(`${RLO}Premium`);
        expect($(element, '.badges .sentiment bdi').textContent).toBe('Angry');
        expect($(element, '.trace-key bdi').textContent).toBe(samples.verified.sessionId);
        expect($(element, '.summary').getAttribute('dir')).toBe('auto');
    });
});

describe('sentiment carries its meaning in colour and in text', () => {
    it.each([
        ['angry', 'Sentiment: Angry', 'slds-theme_error', true],
        ['happy', 'Sentiment: Happy', 'slds-theme_success', false],
        ['neutral', 'Sentiment: Neutral', null, false]
    ])('%s', async (sentiment, text, themeClass, warns) => {
        const element = await panelWith({ data: { ...samples.verified, sentiment } });
        const badge = $(element, '.badges .sentiment');
        expect(squash(badge.textContent)).toBe(text);
        const themes = badge.className.split(' ').filter((name) => name.startsWith('slds-theme_'));
        expect(themes).toEqual(themeClass ? [themeClass] : []);
        expect(badge.querySelector('lightning-icon') !== null).toBe(warns);
    });
});

describe('focus after Refresh and Retry', () => {
    const focusSpy = (element, selector) => {
        const control = $(element, selector);
        const spy = jest.fn();
        control.focus = spy;
        return spy;
    };

    it('Refresh keeps focus on Refresh', async () => {
        const element = await panelWith({ data: samples.verified });
        const spy = focusSpy(element, 'lightning-button-icon.refresh');
        $(element, 'lightning-button-icon.refresh').click();
        await flush();
        expect(spy).toHaveBeenCalledTimes(1);
    });

    it('a successful Retry moves focus to Refresh (Retry is gone)', async () => {
        const element = await panelWith({ error: { message: ERROR_MESSAGES.timeout } });
        const spy = focusSpy(element, 'lightning-button-icon.refresh');
        $(element, 'lightning-button.retry').click();
        getConversation.emit(samples.verified);
        await flush();
        expect($(element, 'lightning-button.retry')).toBeNull();
        expect(spy).toHaveBeenCalledTimes(1);
    });

    it('a failed Retry keeps focus on Retry', async () => {
        refreshApex.mockImplementationOnce(() =>
            Promise.reject({ body: { message: ERROR_MESSAGES.serverError } })
        );
        const element = await panelWith({ error: { message: ERROR_MESSAGES.timeout } });
        const retrySpy = focusSpy(element, 'lightning-button.retry');
        const refreshSpy = focusSpy(element, 'lightning-button-icon.refresh');
        $(element, 'lightning-button.retry').click();
        await flush();
        expect(squash($(element, '.error-message').textContent)).toBe(ERROR_MESSAGES.serverError);
        expect(retrySpy).toHaveBeenCalledTimes(1);
        expect(refreshSpy).not.toHaveBeenCalled();
    });

    it('focus the rep moved elsewhere is left alone', async () => {
        const elsewhere = document.createElement('input');
        document.body.appendChild(elsewhere);
        const element = await panelWith({ data: samples.verified });
        const spy = focusSpy(element, 'lightning-button-icon.refresh');
        $(element, 'lightning-button-icon.refresh').click();
        elsewhere.focus();
        await flush();
        expect(spy).not.toHaveBeenCalled();
    });
});

describe('the transcript opens at the handoff', () => {
    it('finds the last handoff in time order', () => {
        expect(handoffPosition(samples.verified.turns)).toBe(
            samples.verified.turns.find((t) => t.eventType === 'handoff').position
        );
        const twice = [
            turn(0, { kind: 'event', eventType: 'handoff', createdAt: '2026-11-25T10:00:00Z' }),
            turn(1, { kind: 'event', eventType: 'handoff', createdAt: '2026-11-25T09:00:00Z' })
        ];
        expect(handoffPosition(twice)).toBe(0);
        expect(handoffPosition([turn(0)])).toBeNull();
    });

    it('lands each new answer at the handoff, or at the newest turn without one', async () => {
        const element = await panelWith({ data: samples.verified });
        const transcript = $(element, 'c-opencx-transcript');
        transcript.scrollToTurn = jest.fn();
        transcript.scrollToEnd = jest.fn();

        getConversation.emit({ ...samples.verified });
        await flush();
        // Landing scrolls the transcript only, never the console page (movePage: false).
        expect(transcript.scrollToTurn).toHaveBeenCalledWith(
            handoffPosition(samples.verified.turns),
            { movePage: false }
        );

        const noHandoff = samples.verified.turns.filter((t) => t.eventType !== 'handoff');
        getConversation.emit({ ...samples.verified, turns: noHandoff });
        await flush();
        expect(transcript.scrollToEnd).toHaveBeenCalledTimes(1);
        expect(transcript.scrollToEnd).toHaveBeenCalledWith({ movePage: false });
    });

    it('offers Start, Handoff and Latest, in that order, in a labelled group', async () => {
        const element = await panelWith({ data: samples.verified });
        const group = $(element, '.jumps');
        expect(group.getAttribute('role')).toBe('group');
        expect(group.getAttribute('aria-label')).toBe(label('OpenCX_Panel_Jump_Group'));
        const buttons = [...group.querySelectorAll('lightning-button')];
        expect(buttons.map((button) => button.label)).toEqual(['Start', 'Handoff', 'Latest']);

        const transcript = $(element, 'c-opencx-transcript');
        transcript.scrollToStart = jest.fn();
        transcript.scrollToTurn = jest.fn();
        transcript.scrollToEnd = jest.fn();
        buttons[0].click();
        buttons[1].click();
        buttons[2].click();
        expect(transcript.scrollToStart).toHaveBeenCalledTimes(1);
        expect(transcript.scrollToTurn).toHaveBeenCalledWith(handoffPosition(samples.verified.turns));
        expect(transcript.scrollToEnd).toHaveBeenCalledTimes(1);
        await expect(element).toBeAccessible();
    });

    it('has no Handoff button when the AI never handed off', async () => {
        const turns = samples.verified.turns.filter((t) => t.eventType !== 'handoff');
        const element = await panelWith({ data: { ...samples.verified, turns } });
        const labels = $$(element, '.jumps lightning-button').map((button) => button.label);
        expect(labels).toEqual(['Start', 'Latest']);
    });
});

describe('texts come from the Custom Labels metadata', () => {
    it('shows the metadata values and never a label API name', async () => {
        const element = await panelWith({ data: samples.verified });
        expect(squash($(element, '.title').textContent)).toBe(label('OpenCX_Panel_Title'));
        expect($(element, 'lightning-button-icon.refresh').alternativeText).toBe(
            label('OpenCX_Panel_Refresh_Alt')
        );
        const everything = [
            element.shadowRoot.textContent,
            ...$$(element, '*').flatMap((node) => [
                ...node.getAttributeNames().map((name) => node.getAttribute(name)),
                node.label,
                node.alternativeText,
                node.title
            ])
        ].join(' ');
        expect(everything).not.toMatch(/c\.OpenCX_/);
    });
});

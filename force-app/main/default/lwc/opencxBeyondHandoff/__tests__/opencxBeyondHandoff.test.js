// Beyond the handoff, as the rep sees it (docs/beyond-handoff.md): the conversation a session
// continues (trace key inherited), the verified claim Salesforce did not check, the routing
// decision in the panel's details, and Resolved / Not resolved sent to OpenCX.
import { createElement } from '@lwc/engine-dom';
import OpencxBeyondHandoff from 'c/opencxBeyondHandoff';
import OpencxConversationPanel from 'c/opencxConversationPanel';
import sendVerdict from '@salesforce/apex/OpenCxVerdictController.sendVerdict';
import getConversation from '@salesforce/apex/OpenCxSessionController.getConversation';
import { getRecord } from 'lightning/uiRecordApi';
import { verdictMessage, statusLabel } from '../opencxBeyondHandoff';

const { samples, withBeyondHandoff } = require('opencx-samples');
const { readCustomLabels } = require('../../../../../test/custom-labels');

jest.mock('@salesforce/apex/OpenCxVerdictController.sendVerdict', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/i18n/locale', () => ({ default: 'en-GB' }), { virtual: true });

const RECORD_ID = '0Mw5g000000XyZaCAK';
const LABELS = readCustomLabels();
const label = (name, ...values) => {
    const value = LABELS.get(name);
    if (value === undefined) throw new Error(`no Custom Label ${name}`);
    return value.replace(/\{(\d+)\}/g, (_, index) => String(values[Number(index)]));
};
const { flush } = require('../../../../../test/panel-tasks');
const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const squash = (text) => (text ?? '').replace(/\s+/g, ' ').trim();

async function beyond(conversation) {
    const element = createElement('c-opencx-beyond-handoff', { is: OpencxBeyondHandoff });
    Object.assign(element, { recordId: RECORD_ID, conversation });
    document.body.appendChild(element);
    await flush();
    return element;
}

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
});

describe('continued conversation', () => {
    it('links the earlier session by name and marks the trace key inherited', async () => {
        const element = await beyond(samples.continued);
        const link = $(element, '.continued-link');
        expect(link.getAttribute('href')).toBe('/lightning/r/MessagingSession/0Mw000000001007AAA/view');
        expect(squash(link.textContent)).toBe('MS-001007');
        expect(squash($(element, '.continued').textContent)).toBe(
            label('OpenCX_Beyond_Continued_From', 'MS-001007')
        );
        expect(squash($(element, '.inherited').textContent)).toBe(
            label('OpenCX_Beyond_Trace_Key_Inherited')
        );
    });

    it('an earlier session the rep may not see by name is still linked, by a label', async () => {
        const element = await beyond(
            withBeyondHandoff(samples.verified, { fromId: '0Mw000000001007AAA', fromName: null })
        );
        expect(squash($(element, '.continued-link').textContent)).toBe(
            label('OpenCX_Beyond_Earlier_Conversation')
        );
    });

    it('a continuation id that is not a record id is shown as text, never as a link', async () => {
        const element = await beyond(
            withBeyondHandoff(samples.verified, {
                // eslint-disable-next-line no-script-url -- the hostile value under test
                fromId: 'javascript:alert(1)',
                fromName: '<img src=x onerror=alert(1)>'
            })
        );
        expect($(element, '.continued-link')).toBeNull();
        expect($(element, '.continued-name').textContent).toBe('<img src=x onerror=alert(1)>');
        expect(element.shadowRoot.querySelector('img')).toBeNull();
    });

    it('a session OpenCX sent its own values for shows no continuation', async () => {
        const element = await beyond(samples.verified);
        expect($(element, '.continuation')).toBeNull();
        expect($(element, '.verdict')).toBeNull();
    });
});

describe('verified claim Salesforce did not check', () => {
    it('says so plainly', async () => {
        const element = await beyond(samples.uncheckedClaim);
        expect(squash($(element, '.unchecked-claim').textContent)).toBe(
            label('OpenCX_Beyond_Unchecked_Claim')
        );
    });

    it('stays quiet when Salesforce verified the visitor', async () => {
        const element = await beyond(samples.continued);
        expect($(element, '.unchecked-claim')).toBeNull();
    });
});

describe('Resolved / Not resolved', () => {
    it('shows the current OpenCX status and both choices', async () => {
        const element = await beyond(samples.continued);
        expect(squash($(element, '.verdict-status').textContent)).toBe(
            label('OpenCX_Beyond_Verdict_Status', label('OpenCX_Panel_Status_Open'))
        );
        expect($(element, '.verdict-resolved').label).toBe(label('OpenCX_Beyond_Resolved'));
        expect($(element, '.verdict-unresolved').label).toBe(label('OpenCX_Beyond_Not_Resolved'));
        expect($(element, '.verdict').getAttribute('aria-label')).toBe(
            label('OpenCX_Beyond_Verdict_Group')
        );
    });

    it('Resolved sends closed_resolved for this session and shows the new status', async () => {
        sendVerdict.mockResolvedValue({
            verdict: 'closed_resolved',
            verdictStatus: 'Sent',
            sessionStatus: 'closed_resolved',
            httpStatus: 200,
            alreadySent: false
        });
        const element = await beyond(samples.continued);
        const sent = jest.fn();
        element.addEventListener('verdictsent', sent);
        $(element, '.verdict-resolved').click();
        await flush();
        expect(sent).toHaveBeenCalledTimes(1);
        expect(sendVerdict).toHaveBeenCalledWith({
            messagingSessionId: RECORD_ID,
            verdict: 'closed_resolved'
        });
        const resolved = label('OpenCX_Panel_Status_Closed_Resolved');
        expect(squash($(element, '.verdict-message').textContent)).toBe(
            label('OpenCX_Beyond_Sent', resolved)
        );
        expect(squash($(element, '.verdict-status').textContent)).toBe(
            label('OpenCX_Beyond_Verdict_Status', resolved)
        );
        expect($(element, '.verdict-resolved').getAttribute('aria-pressed')).toBe('true');
        expect($(element, '.verdict-unresolved').getAttribute('aria-pressed')).toBe('false');
    });

    it('Not resolved sends closed_unresolved; buttons are disabled while it is on its way', async () => {
        let answer;
        sendVerdict.mockReturnValue(new Promise((resolve) => (answer = resolve)));
        const element = await beyond(samples.continued);
        $(element, '.verdict-unresolved').click();
        await flush();
        expect(sendVerdict).toHaveBeenCalledWith({
            messagingSessionId: RECORD_ID,
            verdict: 'closed_unresolved'
        });
        expect($(element, '.verdict-resolved').disabled).toBe(true);
        expect(squash($(element, '.verdict-message').textContent)).toBe(
            label('OpenCX_Beyond_Sending')
        );
        $(element, '.verdict-resolved').click();
        expect(sendVerdict).toHaveBeenCalledTimes(1);
        answer({ verdictStatus: 'Sent', sessionStatus: 'closed_unresolved' });
        await flush();
        expect($(element, '.verdict-resolved').disabled).toBe(false);
    });

    it('a rep without the permission set gets no buttons', async () => {
        const element = await beyond({
            ...samples.continued,
            verdict: { ...samples.continued.verdict, canSend: false }
        });
        expect($(element, '.verdict')).toBeNull();
    });

    it('a verdict the record says has not reached OpenCX is shown with why', async () => {
        const element = await beyond(samples.uncheckedClaim);
        expect(squash($(element, '.not-sent').textContent)).toBe(
            label('OpenCX_Beyond_Not_Sent_Yet', samples.uncheckedClaim.verdict.detail)
        );
    });

    it('an Apex error is shown as text', async () => {
        sendVerdict.mockRejectedValue({ body: { message: '<b>boom</b>' } });
        const element = await beyond(samples.continued);
        const sent = jest.fn();
        element.addEventListener('verdictsent', sent);
        $(element, '.verdict-resolved').click();
        await flush();
        expect($(element, '.verdict-message').textContent).toBe(
            label('OpenCX_Beyond_Failed_Other', '<b>boom</b>')
        );
        expect(element.shadowRoot.querySelector('b')).toBeNull();
        expect(sent).not.toHaveBeenCalled();
    });
});

describe('verdictMessage: every answer of OpenCxVerdictController', () => {
    const cases = [
        [{ verdictStatus: 'Sent', sessionStatus: 'closed_resolved' }, 'OpenCX_Beyond_Sent', false],
        [
            { verdictStatus: 'Sent', sessionStatus: 'closed_resolved', alreadySent: true },
            'OpenCX_Beyond_Already_Sent',
            false
        ],
        [{ verdictStatus: 'Failed', failure: 'UNAUTHORIZED', httpStatus: 401 }, 'OpenCX_Beyond_Failed_Unauthorized', true],
        [{ verdictStatus: 'Failed', failure: 'NOT_FOUND', httpStatus: 404 }, 'OpenCX_Beyond_Failed_Not_Found', true],
        [{ verdictStatus: 'Failed', failure: 'NO_PERMISSION' }, 'OpenCX_Beyond_Failed_No_Permission', true],
        [{ verdictStatus: 'Failed', failure: 'RATE_LIMITED', httpStatus: 429 }, 'OpenCX_Beyond_Failed_Retry_Later', true],
        [{ verdictStatus: 'Failed', failure: 'SERVER_ERROR', httpStatus: 503 }, 'OpenCX_Beyond_Failed_Retry_Later', true],
        [{ verdictStatus: 'Failed', failure: 'TIMEOUT' }, 'OpenCX_Beyond_Failed_Retry_Later', true],
        [{ verdictStatus: 'Failed', failure: 'NO_SESSION' }, 'OpenCX_Beyond_Failed_Other', true],
        [{}, 'OpenCX_Beyond_Failed_Other', true]
    ];
    it.each(cases)('%j → %s', (result, labelName, isError) => {
        const shown = verdictMessage(result);
        expect(shown.isError).toBe(isError);
        const template = LABELS.get(labelName);
        const prefix = template.split('{0}')[0];
        expect(shown.text.startsWith(prefix)).toBe(true);
    });

    it('names the code and HTTP status when it asks to try again', () => {
        expect(verdictMessage({ verdictStatus: 'Failed', failure: 'SERVER_ERROR', httpStatus: 503 }).text).toBe(
            label('OpenCX_Beyond_Failed_Retry_Later', 'SERVER_ERROR, HTTP 503')
        );
    });

    it('an unknown status is shown as sent', () => {
        expect(statusLabel('archived')).toBe('archived');
        expect(statusLabel('constructor')).toBe('constructor');
    });
});

describe('inside the panel', () => {
    async function panelWith(conversation) {
        const element = createElement('c-opencx-conversation-panel', { is: OpencxConversationPanel });
        element.recordId = RECORD_ID;
        document.body.appendChild(element);
        getRecord.emit({ apiName: 'MessagingSession', id: RECORD_ID, fields: {} });
        getConversation.emit(conversation);
        await flush();
        return element;
    }

    it('the continued sample shows the earlier trace key, the continuation and the routing decision', async () => {
        const element = await panelWith(samples.continued);
        expect(squash($(element, '.trace-key').textContent)).toBe(samples.continued.sessionId);
        const child = $(element, 'c-opencx-beyond-handoff');
        expect(child).not.toBeNull();
        expect(child.conversation).toEqual(samples.continued);
        expect(child.recordId).toBe(RECORD_ID);
        const routing = $(element, `dd[data-label="${label('OpenCX_Panel_Routing')}"]`);
        expect(squash(routing.textContent)).toBe(samples.continued.routing.decision);
    });

    it('a sent verdict makes the panel reload the OpenCX session (its status in details)', async () => {
        const element = await panelWith(samples.continued);
        getConversation.mockClear?.();
        $(element, 'c-opencx-beyond-handoff').dispatchEvent(new CustomEvent('verdictsent'));
        await flush();
        expect(getConversation).toHaveBeenCalledWith({ messagingSessionId: RECORD_ID, refresh: true });
    });

    it('a conversation without a recorded decision has no routing row', async () => {
        const element = await panelWith(samples.verified);
        expect($(element, `dd[data-label="${label('OpenCX_Panel_Routing')}"]`)).toBeNull();
    });

    it('a routing decision that is not text is not shown', async () => {
        const element = await panelWith({ ...samples.verified, routing: { decision: { x: 1 } } });
        expect($(element, `dd[data-label="${label('OpenCX_Panel_Routing')}"]`)).toBeNull();
    });

    it('no session: no beyond-handoff part', async () => {
        const element = await panelWith(samples.noSession);
        expect($(element, 'c-opencx-beyond-handoff')).toBeNull();
    });
});

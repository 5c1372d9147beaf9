// The preview page: mounts the real opencxConversationPanel in the record page's side column and
// feeds it the sample session picked in the header (also `?sample=<id>` in the address).
// Synthetic shadow first, as Lightning Experience loads it: base components and SLDS classes need it.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import LightningButton from 'lightning/button';
import LightningButtonIcon from 'lightning/buttonIcon';
import OpencxConversationPanel from 'c/opencxConversationPanel';
import SAMPLE_DATA from 'preview:samples';
import {
    apexError,
    callLog,
    prepareAnswers,
    setLatency,
    setSample
} from '../platform/sample-store.mjs';

const DEFAULT_SAMPLE_ID = SAMPLE_DATA[0].id;
const GET_CONVERSATION = 'OpenCxSessionController.getConversation';
const SEND_VERDICT = 'OpenCxVerdictController.sendVerdict';

/** getConversation answers the sample's n-th answer on the n-th call (the last one repeats). */
const SAMPLES = SAMPLE_DATA.map((sample) => ({
    ...sample,
    apex: {
        [GET_CONVERSATION]: (params, callNumber) => {
            const answer = sample.answers[Math.min(callNumber, sample.answers.length) - 1];
            if (answer.error) throw apexError(answer.error.message);
            return answer.data;
        },
        // The verdict reaches OpenCX (as OpenCxVerdictController answers after HTTP 200).
        [SEND_VERDICT]: (params) => ({
            verdict: params.verdict,
            verdictStatus: 'Sent',
            sessionStatus: params.verdict,
            failure: null,
            httpStatus: 200,
            alreadySent: false
        })
    }
}));

const params = new URLSearchParams(window.location.search);
// A short simulated round trip so the loading state shows; `?latency=0` for measurements.
setLatency(params.get('latency') ?? 300);

const picker = document.getElementById('sample-picker');
const slot = document.getElementById('panel-slot');

for (const sample of SAMPLES) {
    const option = document.createElement('option');
    option.value = sample.id;
    option.textContent = sample.label;
    picker.append(option);
}

/** Public state for people poking around in devtools and for the browser tests. */
const preview = {
    sampleId: '',
    samples: SAMPLES.map(({ id, label }) => ({ id, label })),
    calls: callLog,
    mountedAt: 0,
    show
};
window.opencxPreview = preview;
let mountToken = 0;

function show(sampleId) {
    const sample = SAMPLES.find((candidate) => candidate.id === sampleId);
    if (!sample) throw new Error(`Unknown sample ${sampleId}`);
    setSample(sample);
    picker.value = sample.id;
    document.getElementById('record-name').textContent = sample.record.name;
    document.getElementById('workspace-tab').textContent = sample.record.name;
    document.getElementById('sample-description').textContent = sample.description;
    document.title = `${sample.label}: OpenCX Handoff console preview`;

    // A fresh element per sample, as a new record page would create: new wires, new state.
    slot.replaceChildren();
    preview.sampleId = sample.id;
    // The server's JSON of each answer (an org serializes there, not in the console), made now,
    // and the panel mounted in a task of its own: the benchmark times the panel's tasks only.
    prepareAnswers(
        sample.answers.map((answer) => answer.data).filter((data) => data !== undefined)
    );
    const token = ++mountToken;
    // Only the sample picked last mounts, however fast the picker changes.
    setTimeout(() => token === mountToken && mount(sample));
}

function mount(sample) {
    performance.mark('panel-mount');
    preview.mountedAt = performance.now();
    const panel = createElement('c-opencx-conversation-panel', { is: OpencxConversationPanel });
    panel.recordId = sample.record.id;
    // The panel's design properties, as an admin sets them in Lightning App Builder.
    if (params.has('hideTranscript'))
        panel.hideTranscript = params.get('hideTranscript') !== 'false';
    if (params.has('transcriptHeight'))
        panel.transcriptHeight = Number(params.get('transcriptHeight'));
    slot.append(panel);
}

picker.addEventListener('change', () => {
    const url = new URL(window.location.href);
    url.searchParams.set('sample', picker.value);
    window.history.replaceState(null, '', url);
    show(picker.value);
});

/**
 * `?panelWidth=<px>`: the panel's column at that width, as in a narrow console sidebar or split
 * view (the conversation column takes the rest); `?panelWidth=full`: the panel alone across the
 * workspace. Default: the record page's one-third side column.
 */
function applyPanelWidth(value) {
    if (!value) return;
    const column = document.getElementById('panel-column');
    const conversation = document.querySelector('[aria-label="Conversation"]');
    column.classList.remove('slds-size_1-of-3');
    conversation.classList.remove('slds-size_2-of-3');
    if (value === 'full') {
        conversation.hidden = true;
        column.style.flex = '1 1 100%';
        return;
    }
    const width = Math.max(0, Number(value) || 0);
    conversation.style.flex = '1 1 0';
    conversation.style.minWidth = '0';
    column.style.flex = '0 0 auto';
    slot.style.width = `${width}px`;
}
applyPanelWidth(params.get('panelWidth'));

/**
 * The record page's actions, rendered with base components as the console's highlights panel
 * does: in Lightning Experience the engine and the base components are in use long before a
 * record page's panel mounts. `?chrome=plain` leaves them out, so the panel is the first
 * component on the page (the benchmark's cold case).
 */
function renderRecordActions() {
    if (params.get('chrome') === 'plain') return;
    const actions = document.getElementById('record-actions');
    for (const [label, iconName] of [
        ['Transfer', 'utility:change_owner'],
        ['End Chat', 'utility:end_chat']
    ]) {
        const button = createElement('lightning-button', { is: LightningButton });
        Object.assign(button, { label, iconName, disabled: true });
        actions.append(button);
    }
    const more = createElement('lightning-button-icon', { is: LightningButtonIcon });
    Object.assign(more, {
        iconName: 'utility:down',
        alternativeText: 'More actions',
        disabled: true
    });
    actions.append(more);
}
renderRecordActions();

const requested = params.get('sample');
// In a task of its own, as on a console record page (the framework has loaded by then); it also
// keeps the bundle's own start-up apart from the panel's work in the benchmark's task timings.
setTimeout(() =>
    show(SAMPLES.some((sample) => sample.id === requested) ? requested : DEFAULT_SAMPLE_ID)
);

// The preview page: mounts the real opencxConversationPanel in the record page's side column and
// feeds it the sample session picked in the header (also `?sample=<id>` in the address).
// Synthetic shadow first, as Lightning Experience loads it: base components and SLDS classes need it.
import '@lwc/synthetic-shadow';
import { createElement } from 'lwc';
import OpencxConversationPanel from 'c/opencxConversationPanel';
import SAMPLE_DATA from 'preview:samples';
import { apexError, callLog, setLatency, setSample } from '../platform/sample-store.mjs';

const DEFAULT_SAMPLE_ID = SAMPLE_DATA[0].id;
const GET_CONVERSATION = 'OpenCxSessionController.getConversation';

/** getConversation answers the sample's n-th answer on the n-th call (the last one repeats). */
const SAMPLES = SAMPLE_DATA.map((sample) => ({
    ...sample,
    apex: {
        [GET_CONVERSATION]: (params, callNumber) => {
            const answer = sample.answers[Math.min(callNumber, sample.answers.length) - 1];
            if (answer.error) throw apexError(answer.error.message);
            return answer.data;
        }
    }
}));

const params = new URLSearchParams(window.location.search);
// A short simulated round trip so the loading state shows; `?latency=0` for measurements.
setLatency(params.get('latency') ?? 300);

const picker = document.getElementById('sample-picker');
const slot = document.getElementById('panel-slot');
const toastRegion = document.getElementById('toast-region');

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
    toasts: [],
    mountedAt: 0,
    show
};
window.opencxPreview = preview;

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
    preview.toasts = [];
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

// lightning/platformShowToastEvent: the console shows these; here the page does.
document.addEventListener('lightning__showtoast', (event) => {
    const { title = '', message = '', variant = 'info' } = event.detail ?? {};
    preview.toasts.push({ title, message, variant });
    const toast = document.createElement('div');
    toast.className = `slds-notify slds-notify_toast slds-theme_${variant}`;
    toast.setAttribute('role', 'status');
    const body = document.createElement('div');
    body.className = 'slds-notify__content';
    const heading = document.createElement('h2');
    heading.className = 'slds-text-heading_small';
    heading.textContent = title;
    const text = document.createElement('p');
    text.textContent = message;
    body.append(heading, text);
    toast.append(body);
    toastRegion.append(toast);
    setTimeout(() => toast.remove(), 4000);
});

const requested = params.get('sample');
// In a task of its own, as on a console record page (the framework has loaded by then); it also
// keeps the bundle's own start-up apart from the panel's work in the benchmark's task timings.
setTimeout(() =>
    show(SAMPLES.some((sample) => sample.id === requested) ? requested : DEFAULT_SAMPLE_ID)
);

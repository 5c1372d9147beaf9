/* global jest, describe, it, expect */
// Measurement harness for bench/panel-render.bench.ts (not part of `npm test`): renders the real
// compiled opencxConversationPanel in jest's jsdom with a BENCH_TURNS-turn transcript (2,000 by
// default) and writes the figures to the JSON file named by BENCH_OUT. Besides time it counts
// what does not depend on the machine: renders of each transcript slice (each should render
// once) and DOM elements per turn.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createElement } from '@lwc/engine-dom';
import OpencxConversationPanel from 'c/opencxConversationPanel';
import OpencxTranscriptSlice from 'c/opencxTranscriptSlice';
import getConversation from '@salesforce/apex/OpenCxSessionController.getConversation';

const { toConversation, fixtures, generateHistoryPages } = require('opencx-samples');

jest.mock(
    '@salesforce/apex/OpenCxSessionController.getConversation',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), {
    virtual: true
});

const TURNS = Number(process.env.BENCH_TURNS ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

// The slice template reads `entries` once per render: count reads per slice instance.
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

/** Every rendered turn: the li elements inside the transcript's slice components. */
function turnItems(element) {
    const transcript = element.shadowRoot.querySelector('c-opencx-transcript');
    const slices = transcript?.shadowRoot?.querySelectorAll('c-opencx-transcript-slice') ?? [];
    return [...slices].flatMap((slice) => [...slice.shadowRoot.querySelectorAll('li')]);
}

function countNodes(root) {
    let elements = 0;
    let textNodes = 0;
    const walk = (node) => {
        for (const child of node.childNodes) {
            if (child.nodeType === 1) {
                elements += 1;
                if (child.shadowRoot) walk(child.shadowRoot);
                walk(child);
            } else if (child.nodeType === 3) {
                textNodes += 1;
            }
        }
    };
    walk(root);
    return { elements, textNodes };
}

async function settle(element) {
    // Until the transcript shows every turn: the wire emits, then the renders; a long transcript
    // renders in slices, one task each, so wait for tasks as well as microtasks. aria-busy turns
    // "false" with the last slice; polling it is O(1), counting turns every tick would be O(n).
    for (let tick = 0; tick < 8 * TURNS; tick++) {
        const transcript = element.shadowRoot.querySelector('c-opencx-transcript');
        const region = transcript?.shadowRoot?.querySelector('.transcript');
        if (region?.getAttribute('aria-busy') === 'false') {
            const items = turnItems(element).length;
            if (items === TURNS) return items;
            throw new Error(`the transcript settled with ${items} of ${TURNS} turns`);
        }
        await (tick % 4 === 3
            ? new Promise((resolve) => setTimeout(resolve, 0))
            : Promise.resolve());
    }
    throw new Error('the transcript did not render every turn');
}

describe('panel render benchmark', () => {
    it(`renders a ${TURNS}-turn transcript`, async () => {
        const conversation = toConversation({
            stamp: {
                OpenCX_Session_Id__c: fixtures.sessionVerified.id,
                Chat_Consumer_Type__c: 'Verified'
            },
            session: fixtures.sessionVerified,
            historyPages: generateHistoryPages({ turns: TURNS, pageSize: 100 }),
            maxHistoryPages: Number.POSITIVE_INFINITY
        });
        const timings = [];
        let nodes;
        let renders;
        let turnElements;
        for (let run = 0; run < RUNS; run++) {
            sliceRenders.clear();
            const element = createElement('c-opencx-conversation-panel', {
                is: OpencxConversationPanel
            });
            element.recordId = '0Mw5g000000XyZaCAK';
            document.body.appendChild(element);
            const started = performance.now();
            getConversation.emit(conversation);
            await settle(element);
            timings.push(performance.now() - started);
            if (run === 0) {
                nodes = countNodes(document.body);
                renders = [...sliceRenders.values()];
                turnElements = turnItems(element).reduce(
                    (count, li) => count + 1 + li.querySelectorAll('*').length,
                    0
                );
            }
            document.body.removeChild(element);
        }
        const sorted = [...timings].sort((a, b) => a - b);
        const figures = {
            turns: TURNS,
            runs: RUNS,
            firstRenderMs: timings[0],
            medianRenderMs: sorted[Math.floor(sorted.length / 2)],
            minRenderMs: sorted[0],
            maxRenderMs: sorted[sorted.length - 1],
            domElements: nodes.elements,
            domTextNodes: nodes.textNodes,
            elementsPerTurn: nodes.elements / TURNS,
            turnElementsPerTurn: turnElements / TURNS,
            slices: renders.length,
            maxRendersPerSlice: Math.max(...renders),
            totalSliceRenders: renders.reduce((sum, count) => sum + count, 0)
        };
        if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(figures));
        expect(nodes.elements).toBeGreaterThan(TURNS);
        expect(Math.max(...renders)).toBe(1);
        // Several full renders of a long transcript: more than jest's default 5 s on 2 cores.
    }, 900_000);
});

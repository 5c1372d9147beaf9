// The sample sessions the preview shows. They are built, in Node at bundle time, from the panel's
// own jest fixtures through force-app/test/opencx-samples.js (the module the LWC tests use), so
// the preview shows exactly what the tests check: no copies of the data live here.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** @type {any} CommonJS, shared with jest. */
const opencx = require('../force-app/test/opencx-samples.js');

/** The MessagingSession record the page shows, with the fields the routing flow stamped. */
function messagingSession(number, stamp) {
    return {
        apiName: 'MessagingSession',
        id: `0Mw000000000${String(number).padStart(3, '0')}AAA`,
        name: `MS-${String(1000 + number).padStart(6, '0')}`,
        fields: {
            OpenCX_Session_Id__c: stamp.OpenCX_Session_Id__c ?? null,
            Chat_Consumer_Type__c: stamp.Chat_Consumer_Type__c ?? null,
            OpenCX_Channel__c: stamp.OpenCX_Channel__c ?? null,
            OpenCX_Language__c: stamp.OpenCX_Language__c ?? null,
            OpenCX_Priority__c: stamp.OpenCX_Priority__c ?? null
        }
    };
}

/** The routing attributes a conversation DTO was built from (what the flow stamped). */
function stampOf(conversation) {
    return {
        OpenCX_Session_Id__c: conversation.sessionId,
        Chat_Consumer_Type__c: conversation.consumerType,
        OpenCX_Channel__c: conversation.channel,
        OpenCX_Language__c: conversation.language,
        OpenCX_Priority__c: conversation.priority
    };
}

function ready(conversation) {
    return { data: conversation };
}

function failure(message) {
    return { error: { message } };
}

/**
 * @typedef {{ data: object | null } | { error: { message: string } }} ApexAnswer
 * @typedef {{
 *   id: string, label: string, description: string,
 *   record: { apiName: string, id: string, name: string, fields: Record<string, unknown> },
 *   answers: ApexAnswer[]
 * }} PreviewSample
 * `answers`: what getConversation returns on the 1st, 2nd, ... call (the last one repeats).
 */

/** @returns {PreviewSample[]} */
export function buildSamples() {
    const { fixtures, samples, toConversation, generateHistoryPages, ERROR_MESSAGES } = opencx;
    const verifiedStamp = stampOf(samples.verified);
    const verifiedLong = toConversation({
        stamp: verifiedStamp,
        session: fixtures.sessionVerified,
        historyPages: generateHistoryPages({ turns: 400, start: '2026-11-25T16:10:00.000Z' })
    });
    const list = [
        {
            id: 'verified-long',
            label: 'Verified visitor: long transcript (400 turns), angry',
            description:
                'A verified visitor (identity token) handed off after a long chat: 400 transcript turns ' +
                'over four history pages, handoff summary, angry sentiment.',
            stamp: verifiedStamp,
            answers: [ready(verifiedLong)]
        },
        {
            id: 'verified',
            label: 'Verified visitor: double charge (fixture transcript)',
            description:
                'The verified session of the component tests: two history pages, a link in the AI answer, ' +
                'handoff and human agent joined events.',
            stamp: verifiedStamp,
            answers: [ready(samples.verified)]
        },
        {
            id: 'anonymous',
            label: 'Anonymous visitor: short transcript',
            description: 'An anonymous visitor on WhatsApp, in Spanish; no contact details.',
            stamp: stampOf(samples.anonymous),
            answers: [ready(samples.anonymous)]
        },
        {
            id: 'opencx-unavailable',
            label: 'OpenCX error (HTTP 503), retry works',
            description:
                'OpenCX answers 503 the first time; Retry asks again and the transcript loads.',
            stamp: verifiedStamp,
            answers: [failure(ERROR_MESSAGES.serverError), ready(samples.verified)]
        },
        {
            id: 'opencx-unauthorized',
            label: 'OpenCX error (HTTP 401), every time',
            description:
                'OpenCX refuses the API key on every call: the rep sees what to tell the admin.',
            stamp: verifiedStamp,
            answers: [failure(ERROR_MESSAGES.unauthorized)]
        },
        {
            id: 'continued',
            label: 'Continued conversation: the visitor wrote again',
            description:
                'A new Messaging session without routing attributes: it shows the OpenCX conversation of ' +
                'the earlier session it continues (linked), the trace key marked inherited, the routing ' +
                'decision, and Resolved / Not resolved for OpenCX.',
            stamp: stampOf(samples.continued),
            answers: [ready(samples.continued)]
        },
        {
            id: 'unchecked-claim',
            label: 'Verified claim Salesforce did not check',
            description:
                'OpenCX says verified, Salesforce saw a guest token: the badge says so, the routing ' +
                'decision says why it fell back, and the last verdict is marked not yet in OpenCX.',
            stamp: stampOf(samples.uncheckedClaim),
            answers: [ready(samples.uncheckedClaim)]
        },
        {
            id: 'no-session',
            label: 'No OpenCX session on this conversation',
            description:
                'A Messaging session that did not come from OpenCX (no trace key stamped).',
            stamp: stampOf(samples.noSession),
            answers: [ready(samples.noSession)]
        },
        {
            id: 'not-configured',
            label: 'OpenCX not configured',
            description:
                'The OpenCX Setting record "Default" is missing: the panel names the setting.',
            stamp: stampOf(samples.notConfigured),
            answers: [ready(samples.notConfigured)]
        },
        {
            id: 'long-values',
            label: 'Angry visitor: long values for a narrow column',
            description:
                'A 67-character email, a long consumer type and priority, an order reference of 90 ' +
                'characters in the summary, a right-to-left override in the contact name, a long ' +
                'sender type and an unbroken message: nothing may overflow a 280 px column.',
            stamp: stampOf(samples.longValues),
            answers: [ready(samples.longValues)]
        },
        {
            id: 'unreadable',
            label: 'Answer outside the contract (data null), retry works',
            description:
                'Apex answers null the first time (outside the OpenCxConversation contract): the rep ' +
                'reads a sentence and Retry; Retry brings the conversation.',
            stamp: verifiedStamp,
            answers: [{ data: null }, ready(samples.verified)]
        },
        {
            id: 'xss',
            label: 'Hostile transcript (XSS attempts)',
            description:
                'Script tags, event-handler attributes and javascript: links in every OpenCX text field: ' +
                'all of it must show as plain text.',
            stamp: stampOf(samples.xss),
            answers: [ready(samples.xss)]
        },
        {
            id: 'stress-2000',
            label: 'Stress: 2,000 turns (benchmark)',
            description: 'The 2,000-turn conversation of the benchmarks (20 history pages).',
            stamp: verifiedStamp,
            answers: [ready(samples.long)]
        }
    ];
    // OPENCX_PREVIEW_STRESS_TURNS=<n> (bench/preview.bench.ts, with --no-cache): one more stress
    // sample of n turns, kept out of the everyday bundle (about 4 MB of JSON at 20,000 turns).
    const stressTurns = Number(process.env.OPENCX_PREVIEW_STRESS_TURNS ?? 0);
    if (stressTurns > 0) {
        list.push({
            id: `stress-${stressTurns}`,
            label: `Stress: ${stressTurns} turns (benchmark)`,
            description: `A ${stressTurns}-turn conversation for the render benchmark.`,
            stamp: verifiedStamp,
            answers: [
                ready(
                    toConversation({
                        stamp: verifiedStamp,
                        session: fixtures.sessionVerified,
                        historyPages: generateHistoryPages({ turns: stressTurns }),
                        maxHistoryPages: Number.POSITIVE_INFINITY
                    })
                )
            ]
        });
    }
    return list.map(({ stamp, ...sample }, index) => ({
        ...sample,
        record: messagingSession(index + 1, stamp)
    }));
}

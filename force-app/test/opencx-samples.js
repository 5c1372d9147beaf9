/**
 * OpenCX sample data for the console panel, shared by the LWC tests, the benchmark and the local
 * preview. The fixtures in lwc/opencxConversationPanel/__tests__/data are real-shaped OpenCX API
 * answers (GetChatSessionOutput, ListChatHistoryOutput; test/apex/fixtures-schema.test.ts checks
 * them against the OpenAPI schemas). toConversation() turns them into what Apex
 * OpenCxSessionController.getConversation returns to the panel (class OpenCxConversation), with
 * the same rules as OpenCxConversation.withSession. test/apex/panel-contract.test.ts fails when an
 * object built here has a field the Apex class lacks, lacks one it has, or a value of another type.
 *
 *   const { samples, toConversation, ERROR_MESSAGES } = require('opencx-samples'); // jest alias
 *   // elsewhere: require('<relative path>/force-app/test/opencx-samples.js')
 *   samples.verified      // a READY conversation built from session-verified + both history pages
 *   samples.noSession     // NO_SESSION, samples.notConfigured // NOT_CONFIGURED
 *   ERROR_MESSAGES.unauthorized // the AuraHandledException text the panel shows for HTTP 401
 *
 * CommonJS on purpose: jest, tsx and plain Node ESM (import samples from '...js') can all load it.
 */
'use strict';

const DATA = '../main/default/lwc/opencxConversationPanel/__tests__/data/';
const fixtures = {
    sessionVerified: require(DATA + 'session-verified.json'),
    historyVerifiedPage1: require(DATA + 'history-verified-page1.json'),
    historyVerifiedPage2: require(DATA + 'history-verified-page2.json'),
    sessionAnonymous: require(DATA + 'session-anonymous.json'),
    historyAnonymous: require(DATA + 'history-anonymous.json'),
    sessionXss: require(DATA + 'session-xss.json'),
    historyXss: require(DATA + 'history-xss.json')
};

/** OpenCX_Setting__mdt.Default.Session_Url_Template__c as shipped. */
const SESSION_URL_TEMPLATE = 'https://platform.open.cx/inbox/{sessionId}';

/** Mirrors OpenCxSessionController.sessionUrl (EncodingUtil.urlEncode, spaces as %20). */
function sessionUrl(template, sessionId) {
    return template.replace('{sessionId}', encodeURIComponent(sessionId));
}

/**
 * The MessagingSession fields the routing flow stamps (what the controller reads WITH USER_MODE).
 * @typedef {{ OpenCX_Session_Id__c?: string|null, Chat_Consumer_Type__c?: string|null,
 *   OpenCX_Channel__c?: string|null, OpenCX_Language__c?: string|null,
 *   OpenCX_Priority__c?: string|null }} Stamp
 */

/** Mirrors OpenCxConversation.fromStamp. */
function fromStamp(stamp) {
    const sessionId = (stamp.OpenCX_Session_Id__c ?? '').trim() || null;
    return {
        state: sessionId ? 'READY' : 'NO_SESSION',
        setupMessage: null,
        sessionId,
        sessionUrl: null,
        consumerType: stamp.Chat_Consumer_Type__c ?? null,
        priority: stamp.OpenCX_Priority__c ?? null,
        channel: stamp.OpenCX_Channel__c ?? null,
        language: stamp.OpenCX_Language__c ?? null,
        status: null,
        contactName: null,
        contactEmail: null,
        summary: null,
        sentiment: null,
        createdAt: null,
        updatedAt: null,
        turns: [],
        historyPageCount: 0,
        transcriptTruncated: false,
        transcriptPartial: false,
        partialReason: null,
        retryAfterSeconds: null,
        cachedAnswers: 0,
        // Set by OpenCxBeyondHandoff.describe (withBeyondHandoff below).
        continuation: null,
        routing: null,
        verdict: null
    };
}

/** Mirrors OpenCxConversation.toTurn. */
function toTurn(item, position) {
    const event = item.event;
    const turn = {
        position,
        kind: 'event',
        author: null,
        eventType: null,
        text: event.content?.text ?? null,
        humanAgentId: event.human_agent_id === undefined ? null : String(event.human_agent_id),
        createdAt: item.created_at ?? null
    };
    if (event.type === 'message') {
        turn.kind = 'message';
        turn.author = event.sender.type === 'contact' ? 'visitor' : event.sender.type;
    } else if (event.type === 'human_agent_comment') {
        turn.kind = 'note';
        turn.author = 'human_agent';
    } else {
        turn.eventType = event.type;
    }
    return turn;
}

/**
 * What getConversation returns for a stamped MessagingSession whose OpenCX session and history
 * pages are the given OpenCX answers (READY), the page cap of OpenCxApiClient applied.
 * @param {{ stamp: Stamp, session?: object, historyPages?: object[],
 *   sessionUrlTemplate?: string|null, maxHistoryPages?: number }} input
 */
function toConversation({
    stamp,
    session,
    historyPages = [],
    sessionUrlTemplate = SESSION_URL_TEMPLATE,
    maxHistoryPages = 25
}) {
    const conversation = fromStamp(stamp);
    if (conversation.state === 'NO_SESSION') return conversation;
    if (!sessionUrlTemplate) {
        return notConfigured(
            conversation,
            'OpenCX is not configured: Custom Metadata Type OpenCX Setting, record "Default" has no Session URL Template.'
        );
    }
    conversation.sessionUrl = sessionUrl(sessionUrlTemplate, conversation.sessionId);
    conversation.status = session.status;
    conversation.channel = session.channel?.type || conversation.channel;
    conversation.language = session.language || conversation.language;
    conversation.createdAt = session.created_at ?? null;
    conversation.updatedAt = session.updated_at ?? null;
    conversation.contactName = session.contact?.name ?? null;
    conversation.contactEmail = session.contact?.email ?? null;
    conversation.summary = session.handoff?.summary ?? null;
    conversation.sentiment = session.handoff?.sentiment ?? null;
    const pages = historyPages.slice(0, maxHistoryPages);
    for (const page of pages) {
        for (const item of page.items) {
            conversation.turns.push(toTurn(item, conversation.turns.length));
        }
    }
    conversation.historyPageCount = pages.length;
    conversation.transcriptTruncated = pages.length > 0 && Boolean(pages[pages.length - 1].next);
    return conversation;
}

function notConfigured(conversation, setupMessage) {
    return { ...conversation, state: 'NOT_CONFIGURED', setupMessage };
}

/** Mirrors OpenCxConversation.busy: OpenCX answered HTTP 429 (Retry-After in seconds or null). */
function busy(conversation, retryAfterSeconds = null) {
    return { ...conversation, state: 'BUSY', retryAfterSeconds };
}

/**
 * Mirrors OpenCxApiClient.getFullHistory stopping after `pagesRead` pages (time budget spent or a
 * later page failed): the turns of those pages, flagged partial with the Failure name as reason.
 */
function partial(conversation, pagesRead, reason = 'TIME_BUDGET') {
    const perPage = conversation.historyPageCount
        ? Math.ceil(conversation.turns.length / conversation.historyPageCount)
        : 0;
    return {
        ...conversation,
        turns: conversation.turns.slice(0, pagesRead * perPage),
        historyPageCount: pagesRead,
        transcriptTruncated: false,
        transcriptPartial: true,
        partialReason: reason
    };
}

/**
 * ListChatHistoryOutput pages for a long conversation: `turns` items cycling through visitor, AI
 * and human-agent messages with a handoff and an agent-joined event, `pageSize` items a page.
 */
function generateHistoryPages({
    turns = 2000,
    pageSize = 100,
    start = '2026-11-25T08:00:00.000Z'
} = {}) {
    const startMs = Date.parse(start);
    const items = [];
    for (let index = 0; index < turns; index++) {
        const created_at = new Date(startMs + index * 7000).toISOString();
        if (index === Math.floor(turns / 2)) {
            items.push({ created_at, event: { type: 'handoff' } });
        } else if (index === Math.floor(turns / 2) + 1) {
            items.push({ created_at, event: { type: 'human_agent_joined', human_agent_id: 7 } });
        } else {
            const sender =
                index < turns / 2
                    ? index % 2
                        ? 'ai'
                        : 'contact'
                    : index % 2
                      ? 'human_agent'
                      : 'contact';
            const text =
                `Turn ${index + 1}: ` +
                (index % 10 === 3
                    ? 'see https://help.example.com/articles/' + index + ' for details.'
                    : 'a message of ordinary length about the order and what happened next.');
            items.push({
                created_at,
                event: {
                    type: 'message',
                    sender: { type: sender },
                    content: { type: 'text', text }
                }
            });
        }
    }
    const pages = [];
    for (let offset = 0; offset < items.length; offset += pageSize) {
        const last = offset + pageSize >= items.length;
        pages.push({
            items: items.slice(offset, offset + pageSize),
            next: last ? null : `cursor-${offset + pageSize}`
        });
    }
    return pages;
}

const verifiedStamp = {
    OpenCX_Session_Id__c: fixtures.sessionVerified.id,
    Chat_Consumer_Type__c: 'Verified',
    OpenCX_Channel__c: 'web',
    OpenCX_Language__c: 'en',
    OpenCX_Priority__c: 'high'
};
const anonymousStamp = {
    OpenCX_Session_Id__c: fixtures.sessionAnonymous.id,
    Chat_Consumer_Type__c: 'Anonymous',
    OpenCX_Channel__c: 'whatsapp',
    OpenCX_Language__c: 'es',
    OpenCX_Priority__c: null
};
const xssStamp = {
    OpenCX_Session_Id__c: fixtures.sessionXss.id,
    Chat_Consumer_Type__c: '<b>Authenticated</b>',
    OpenCX_Channel__c: null,
    OpenCX_Language__c: null,
    OpenCX_Priority__c: null
};

/**
 * A session whose every value is as awkward for a narrow column as OpenCX may send it: a
 * 62-character email, a long consumer type, a long unbroken word in the summary, a contact name
 * with a right-to-left override (U+202E) that must not reverse the email after it, an angry
 * visitor, and a transcript with a long sender type and a long unbroken message.
 */
const LONG_EMAIL = 'maximilian.alexander.featherstonehaugh-smythe@very-long.example.org';
const RTL_OVERRIDE = '\u202E';
const sessionLongValues = {
    ...fixtures.sessionVerified,
    id: '7d2e0c4b-91f3-4a57-b8e6-0f1d2c3b4a59',
    contact: {
        ...fixtures.sessionVerified.contact,
        name: `Dana ${RTL_OVERRIDE}Quinn`,
        email: LONG_EMAIL
    },
    handoff: {
        summary:
            'The visitor pasted her order reference ORDER-2026-11-25-XJ7K-PLATINUM-SUBSCRIPTION-RENEWAL-DOUBLE-CHARGE-REFUND-REQUEST and is furious about a second charge.',
        sentiment: 'angry'
    }
};
const historyLongValues = {
    items: [
        ...fixtures.historyVerifiedPage1.items,
        {
            created_at: '2026-11-25T17:01:30.000Z',
            event: {
                type: 'message',
                sender: { type: 'partner_escalation_service_account_for_enterprise_tier' },
                content: {
                    type: 'text',
                    text: 'Reference: https://billing.example.com/invoices/INV-2026-11-25-0000000000000000000000000000001?view=full&lang=en'
                }
            }
        },
        {
            created_at: '2026-11-25T17:01:40.000Z',
            event: {
                type: 'message',
                sender: { type: 'contact' },
                content: {
                    type: 'text',
                    text: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA!!!'
                }
            }
        }
    ],
    next: null
};
const longValuesStamp = {
    OpenCX_Session_Id__c: sessionLongValues.id,
    Chat_Consumer_Type__c: 'PremiumEnterpriseCustomerWithPlatinumSupportContract',
    OpenCX_Channel__c: 'web',
    OpenCX_Language__c: 'en',
    OpenCX_Priority__c: 'urgent-escalation-requested-by-customer-success-manager'
};

/** Ready-made getConversation answers, one per panel state the preview shows. */
const samples = {
    verified: toConversation({
        stamp: verifiedStamp,
        session: fixtures.sessionVerified,
        historyPages: [fixtures.historyVerifiedPage1, fixtures.historyVerifiedPage2]
    }),
    anonymous: toConversation({
        stamp: anonymousStamp,
        session: fixtures.sessionAnonymous,
        historyPages: [fixtures.historyAnonymous]
    }),
    xss: toConversation({
        stamp: xssStamp,
        session: fixtures.sessionXss,
        historyPages: [fixtures.historyXss]
    }),
    long: toConversation({
        stamp: verifiedStamp,
        session: fixtures.sessionVerified,
        historyPages: generateHistoryPages({ turns: 2000 })
    }),
    noSession: toConversation({
        stamp: { OpenCX_Session_Id__c: null, Chat_Consumer_Type__c: null }
    }),
    longValues: toConversation({
        stamp: longValuesStamp,
        session: sessionLongValues,
        historyPages: [historyLongValues, fixtures.historyVerifiedPage2]
    }),
    notConfigured: notConfigured(
        fromStamp(verifiedStamp),
        'OpenCX is not configured: Custom Metadata Type OpenCX Setting, record "Default" is missing. Ask your Salesforce admin to create it with the Session URL Template.'
    )
};

/**
 * Mirrors OpenCxBeyondHandoff.describe: the continuation (this session continues an earlier one,
 * whose OpenCX values and trace key it inherited), the routing flow's recorded decision and the
 * verdict fields, added to a READY answer.
 * @param {object} conversation a READY answer
 * @param {{ fromId?: string|null, fromName?: string|null, routing?: object|null,
 *   verdict?: object|null }} beyond
 */
function withBeyondHandoff(
    conversation,
    { fromId = null, fromName = null, routing = null, verdict = null }
) {
    return {
        ...conversation,
        continuation: fromId ? { fromId, fromName, traceKeyInherited: true } : null,
        routing,
        verdict
    };
}

/** The visitor wrote again after MS-001007 ended: a new session continuing its OpenCX session. */
samples.continued = withBeyondHandoff(samples.verified, {
    fromId: '0Mw000000001007AAA',
    fromName: 'MS-001007',
    routing: {
        outcome: 'Rule_Matched',
        decision:
            "Routed by rule Verified ('Verified') → OpenCX_Verified_Visitors | continued from MS-001007",
        routedAt: '2026-11-30T02:15:00.000Z',
        salesforceVerification: 'Verified',
        verifiedClaimUnchecked: false
    },
    verdict: { verdict: null, status: null, detail: null, canSend: true }
});

/** OpenCX claims a verified visitor, Salesforce saw a guest token: held back in the fallback queue. */
samples.uncheckedClaim = withBeyondHandoff(samples.verified, {
    routing: {
        outcome: 'Unverified_Claim',
        decision:
            "Fallback: OpenCX claims 'Verified' but Salesforce saw Guest (rule Verified needs a verified visitor) → OpenCX_Fallback",
        routedAt: '2026-11-30T02:15:00.000Z',
        salesforceVerification: 'Guest',
        verifiedClaimUnchecked: true
    },
    verdict: {
        verdict: 'closed_resolved',
        status: 'Failed',
        detail: 'closed_resolved not sent (by Rep One): SERVER_ERROR (HTTP 503) at 2026-11-30T02:20:00Z',
        canSend: true
    }
});

/**
 * The AuraHandledException messages OpenCxSessionController.messageFor produces; the panel shows
 * error.body.message. A wire error in tests: getConversation.error({ message }).
 */
const ERROR_MESSAGES = {
    unauthorized:
        'OpenCX refused the API key (HTTP 401). Ask your Salesforce admin to check the ApiKey of External Credential OpenCX_API.',
    notFound: `OpenCX has no session ${fixtures.sessionVerified.id} (HTTP 404). It may belong to another OpenCX workspace than the API key.`,
    serverError: 'OpenCX had an internal error (HTTP 503). Try again in a minute.',
    timeout: 'OpenCX did not answer in time. Try again.',
    unreachable: 'OpenCX cannot be reached right now. Check your connection and try again.',
    malformed:
        'OpenCX sent an answer the panel cannot read. Try again; if it stays, tell your Salesforce admin (Malformed history answer: history.items[3].event.sender is missing).'
};

module.exports = {
    fixtures,
    LONG_EMAIL,
    SESSION_URL_TEMPLATE,
    sessionUrl,
    fromStamp,
    toConversation,
    notConfigured,
    busy,
    partial,
    generateHistoryPages,
    withBeyondHandoff,
    samples,
    ERROR_MESSAGES
};

// The routing table: for each Chat_Consumer_Type OpenCX may send, the queue the real
// OpenCX_Route_Handoff flow chooses with the real OpenCX_Routing_Rule__mdt records, computed by the
// flow evaluator from the XML (not from a copy of the flow's logic), the fields it stamps and the
// outcome it records (OpenCX_Routing_Outcome__c). The expected queues below are the product's
// specification (docs/routing.md, "Routing attributes"; docs/beyond-handoff.md for outcomes and continuity).
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
    evaluateFlow,
    type EvaluateOptions,
    type FlowRun
} from '../../testkit/flow-evaluator/index.ts';
import {
    customMetadataSObjects,
    fakeId,
    forceAppRecords,
    loadForceAppFlow,
    messagingEndUserRecord
} from '../../testkit/flow-evaluator/index.ts';
import { children, readCustomField, text } from '../../testkit/metadata/index.ts';

const FLOW = 'OpenCX_Route_Handoff';
const VERIFIED = 'OpenCX_Verified_Visitors';
const ANONYMOUS = 'OpenCX_Anonymous_Visitors';
const FALLBACK = 'OpenCX_Fallback';
const SESSION_ID = fakeId('0Mw', 1);
const END_USER_ID = fakeId('0PA', 1);
const NOW = '2026-11-30T02:15:00.000Z';
/** Salesforce verified the visitor's identity token (what a verified-mode channel gives). */
const AUTH_KEY = 'v2/iamessage/AUTH/OpenCX_Identity_Keys/uid:maria@example.com';
/** A guest token: open mode, or a verified token Salesforce could not check. */
const GUEST_KEY = 'v2/iamessage/UNAUTH/NA/uid:6f1d0c0e-2b4a-4d8e-9a51-0c3e2f6b7a10';

const flow = loadForceAppFlow(FLOW);

/** What a handoff carries besides Chat_Consumer_Type (the stamped fields are checked too). */
const OTHER_ATTRIBUTES = {
    OpencxSessionId: 'ses_4f9c2a',
    OpencxChannel: 'web',
    OpencxLanguage: 'en',
    OpencxPriority: 'high'
};

/** The shipped records, the session's Messaging end user carrying the given platform key. */
function recordsWithEndUser(platformKey: string | null = AUTH_KEY) {
    const records = forceAppRecords([SESSION_ID]);
    records.MessagingSession[0].MessagingEndUserId = END_USER_ID;
    records.MessagingEndUser = [messagingEndUserRecord(END_USER_ID, platformKey)];
    return records;
}

function route(
    consumerType: string | null | undefined,
    options: Omit<EvaluateOptions, 'inputs'> = {}
): FlowRun {
    return evaluateFlow(flow, {
        records: recordsWithEndUser(),
        now: NOW,
        ...options,
        inputs: { recordId: SESSION_ID, ...OTHER_ATTRIBUTES, Chat_Consumer_Type: consumerType }
    });
}

/** The flight recorder fields the run stamped. */
function recorded(run: FlowRun) {
    const session = run.records.MessagingSession.find((row) => row.Id === SESSION_ID)!;
    return {
        outcome: session.OpenCX_Routing_Outcome__c as string | null,
        decision: session.OpenCX_Routing_Decision__c as string | null,
        routedAt: session.OpenCX_Routed_At__c as string | null,
        verification: session.OpenCX_Salesforce_Verification__c as string | null
    };
}

/**
 * [label, Chat_Consumer_Type as sent (undefined = attribute missing), expected queue, outcome].
 * Salesforce verified the visitor in every row (AUTH platform key); guests are further down.
 */
const TABLE: Array<[string, string | null | undefined, string, string]> = [
    ['authenticated', 'Authenticated', VERIFIED, 'Rule_Matched'],
    ['authenticated', 'Verified', VERIFIED, 'Rule_Matched'],
    ['authenticated, lower case', 'authenticated', VERIFIED, 'Rule_Matched'],
    ['authenticated, upper case', 'VERIFIED', VERIFIED, 'Rule_Matched'],
    ['authenticated, mixed case', 'vErIfIeD', VERIFIED, 'Rule_Matched'],
    ['authenticated, surrounding spaces', '  Authenticated ', VERIFIED, 'Rule_Matched'],
    ['anonymous', 'Anonymous', ANONYMOUS, 'Rule_Matched'],
    ['anonymous', 'Unauthenticated', ANONYMOUS, 'Rule_Matched'],
    ['anonymous', 'Unverified', ANONYMOUS, 'Rule_Matched'],
    ['anonymous', 'Guest', ANONYMOUS, 'Rule_Matched'],
    ['anonymous, lower case', 'anonymous', ANONYMOUS, 'Rule_Matched'],
    ['anonymous, upper case', 'UNAUTHENTICATED', ANONYMOUS, 'Rule_Matched'],
    ['anonymous, surrounding spaces', ' guest  ', ANONYMOUS, 'Rule_Matched'],
    ['empty', '', FALLBACK, 'No_Value'],
    ['only spaces', '   ', FALLBACK, 'No_Value'],
    ['null', null, FALLBACK, 'No_Value'],
    ['missing', undefined, FALLBACK, 'No_Value'],
    ['unknown', 'Premium', FALLBACK, 'No_Rule'],
    ['near miss', 'Verified Visitor', FALLBACK, 'No_Rule'],
    ['near miss', 'anon', FALLBACK, 'No_Rule']
];

const rows: string[] = [];

function show(value: string | null | undefined): string {
    return value === undefined ? '(missing)' : JSON.stringify(value);
}

describe(`${FLOW} routing table (flow XML + shipped OpenCX_Routing_Rule__mdt records)`, () => {
    for (const [label, consumerType, expected, outcome] of TABLE) {
        test(`${label} ${show(consumerType)} → ${expected} (${outcome})`, () => {
            const run = route(consumerType);
            assert.equal(run.status, 'Finished', run.error ?? '');
            assert.deepEqual(run.faults, []);
            assert.equal(run.routedTo?.queueDeveloperName, expected);
            assert.equal(run.routedTo?.serviceChannel, 'sfdc_livemessage');
            assert.equal(run.routedTo?.recordId, SESSION_ID);
            assert.equal(run.routes.length, 1, 'routed exactly once');
            // Stamps what OpenCX sent, as sent (the raw value, not the normalized key), and why.
            const { decision } = recorded(run);
            assert.deepEqual(run.updates, [
                {
                    element: 'Stamp_Routing_Decision',
                    object: 'MessagingSession',
                    recordIds: [SESSION_ID],
                    fields: {
                        OpenCX_Session_Id__c: OTHER_ATTRIBUTES.OpencxSessionId,
                        Chat_Consumer_Type__c: consumerType ?? null,
                        OpenCX_Channel__c: OTHER_ATTRIBUTES.OpencxChannel,
                        OpenCX_Language__c: OTHER_ATTRIBUTES.OpencxLanguage,
                        OpenCX_Priority__c: OTHER_ATTRIBUTES.OpencxPriority,
                        OpenCX_Continued_From__c: null,
                        OpenCX_Routing_Outcome__c: outcome,
                        OpenCX_Routing_Decision__c: decision,
                        OpenCX_Routed_At__c: NOW,
                        OpenCX_Salesforce_Verification__c: 'Verified'
                    }
                }
            ]);
            assert.ok(decision?.endsWith(`→ ${expected}`), String(decision));
            if (outcome === 'No_Rule') {
                assert.ok(decision?.includes(`no rule for '${consumerType}'`), String(decision));
            }
            const session = run.records.MessagingSession[0];
            assert.equal(session.OpenCX_Session_Id__c, 'ses_4f9c2a');
            assert.equal(session.Chat_Consumer_Type__c, consumerType ?? null);
            rows.push(
                `| ${show(consumerType)} | ${label} | ${run.routedTo?.queueDeveloperName} | ` +
                    `${outcome} | ${show(session.Chat_Consumer_Type__c as string | null)} | ` +
                    `${run.path.length} |`
            );
        });
    }

    test('every shipped active rule routes its own consumer type, in any case, to its queue', () => {
        const rules = customMetadataSObjects('OpenCX_Routing_Rule__mdt');
        const active = rules.filter((rule) => rule.Active__c === true);
        assert.ok(active.length >= 4, 'expected verified and anonymous spellings as rules');
        for (const rule of active) {
            const type = String(rule.Consumer_Type__c);
            for (const spelling of [type, type.toUpperCase(), type.toLowerCase(), ` ${type} `]) {
                assert.equal(
                    route(spelling).routedTo?.queueDeveloperName,
                    rule.Queue_Developer_Name__c,
                    `rule ${String(rule.DeveloperName)}: ${show(spelling)}`
                );
            }
        }
    });

    test('prints the table', (t: TestContext) => {
        assert.equal(rows.length, TABLE.length, 'every row above ran');
        t.diagnostic('Routing table computed from the flow XML and the shipped rules:');
        t.diagnostic(
            '| Chat_Consumer_Type sent | case | queue | outcome | Chat_Consumer_Type__c stamped | elements run |'
        );
        t.diagnostic('|---|---|---|---|---|---|');
        for (const row of rows) t.diagnostic(row);
    });
});

/** The shipped rules plus extra in-memory rows (the shipped files are not touched). */
function withRules(...extra: Array<Record<string, string | boolean>>) {
    const records = recordsWithEndUser();
    extra.forEach((rule, index) =>
        records.OpenCX_Routing_Rule__mdt.push({
            Id: fakeId('m00', 900 + index),
            Label: String(rule.DeveloperName),
            MasterLabel: String(rule.DeveloperName),
            QualifiedApiName: String(rule.DeveloperName),
            Notes__c: null,
            Requires_Verified_Identity__c: false,
            ...rule
        })
    );
    return records;
}

describe(`${FLOW} with rules an admin might get wrong`, () => {
    test('a rule naming a queue that does not exist → fallback', () => {
        const run = route('Partner', {
            records: withRules({
                DeveloperName: 'Partner',
                Consumer_Type__c: 'Partner',
                Queue_Developer_Name__c: 'OpenCX_Partner_Desk',
                Active__c: true
            })
        });
        assert.equal(run.routedTo?.queueDeveloperName, FALLBACK);
        assert.equal(run.variables.ruleQueueDeveloperName, 'OpenCX_Partner_Desk');
        assert.ok(run.path.includes('Get_Rule_Queue'), 'looked the named queue up');
        assert.ok(run.path.includes('Get_Fallback_Queue'), 'then fell back');
    });

    test('an inactive rule is ignored → fallback', () => {
        const run = route('VIP', {
            records: withRules({
                DeveloperName: 'VIP',
                Consumer_Type__c: 'VIP',
                Queue_Developer_Name__c: VERIFIED,
                Active__c: false
            })
        });
        assert.equal(run.routedTo?.queueDeveloperName, FALLBACK);
    });

    test('an inactive rule for a shipped type does not override the active one', () => {
        const run = route('verified', {
            records: withRules({
                DeveloperName: 'AAA_Old_Verified',
                Consumer_Type__c: 'Verified',
                Queue_Developer_Name__c: FALLBACK,
                Active__c: false
            })
        });
        assert.equal(run.routedTo?.queueDeveloperName, VERIFIED);
    });

    test('two active rules for one type: the first by developer name wins', () => {
        const records = withRules({
            DeveloperName: 'AAA_Verified_Override',
            Consumer_Type__c: ' VERIFIED ',
            Queue_Developer_Name__c: ANONYMOUS,
            Active__c: true
        });
        assert.equal(route('Verified', { records }).routedTo?.queueDeveloperName, ANONYMOUS);
    });

    test('a rule whose queue name differs only in case still finds the queue (SOQL)', () => {
        const run = route('Partner', {
            records: withRules({
                DeveloperName: 'Partner',
                Consumer_Type__c: 'partner',
                Queue_Developer_Name__c: 'opencx_verified_visitors',
                Active__c: true
            })
        });
        assert.equal(run.routedTo?.queueDeveloperName, VERIFIED);
    });

    test('a rule with a blank consumer type does not catch blank or missing attributes', () => {
        // Consumer_Type__c is required today; this keeps blank input safe if that is relaxed.
        const records = withRules({
            DeveloperName: 'AAA_Blank',
            Consumer_Type__c: '',
            Queue_Developer_Name__c: VERIFIED,
            Active__c: true
        });
        for (const blank of ['', '  ', undefined]) {
            assert.equal(route(blank, { records }).routedTo?.queueDeveloperName, FALLBACK);
        }
    });

    test('no rules at all → fallback', () => {
        const records = recordsWithEndUser();
        records.OpenCX_Routing_Rule__mdt = [];
        assert.equal(route('Verified', { records }).routedTo?.queueDeveloperName, FALLBACK);
    });
});

describe(`${FLOW} faults never leave a conversation unrouted`, () => {
    const cases: Array<[string, string, string]> = [
        ['the stamping update', 'Stamp_Routing_Decision', VERIFIED],
        ['reading the rules', 'Get_Active_Routing_Rules', FALLBACK],
        ['looking up the rule queue', 'Get_Rule_Queue', FALLBACK]
    ];
    for (const [label, element, expected] of cases) {
        test(`a fault in ${label} still routes (to ${expected})`, () => {
            const run = route('Verified', { faults: { [element]: 'UNABLE_TO_LOCK_ROW' } });
            assert.equal(run.status, 'Finished');
            assert.equal(run.routedTo?.queueDeveloperName, expected);
            assert.deepEqual(
                run.faults.map((fault) => fault.element),
                [element]
            );
            assert.ok(run.faults[0].handledBy, 'handled by a fault connector');
        });
    }

    test('a failed stamp records only the error and the decision, and routes by the attribute', () => {
        const run = route('Anonymous', {
            faults: { Stamp_Routing_Decision: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' }
        });
        assert.deepEqual(
            run.updates.map((update) => update.element),
            ['Stamp_Stamping_Error']
        );
        const session = run.records.MessagingSession[0];
        assert.equal(session.Chat_Consumer_Type__c, null, 'the attributes were not written');
        assert.equal(session.OpenCX_Routing_Outcome__c, 'Stamping_Error');
        assert.equal(
            session.OpenCX_Routing_Decision__c,
            "Stamping error: FIELD_CUSTOM_VALIDATION_EXCEPTION | Routed by rule Anonymous ('Anonymous') → OpenCX_Anonymous_Visitors"
        );
        assert.equal(run.routedTo?.queueDeveloperName, ANONYMOUS);
    });

    test('when even the error stamp fails, the conversation is still routed', () => {
        const run = route('Anonymous', {
            faults: {
                Stamp_Routing_Decision: 'UNABLE_TO_LOCK_ROW',
                Stamp_Stamping_Error: 'UNABLE_TO_LOCK_ROW'
            }
        });
        assert.equal(run.status, 'Finished');
        assert.deepEqual(run.updates, []);
        assert.equal(run.routedTo?.queueDeveloperName, ANONYMOUS);
    });

    // routeWork has no fault path: the interview fails and Omni-Channel routes the session to the
    // channel's fallback queue (sessionHandlerQueue, OpenCX_Fallback): still not stuck.
    test('a fault in Route_To_Queue fails the interview (channel fallback queue takes over)', () => {
        const run = route('Premium', { faults: { Route_To_Queue: 'boom' } });
        assert.equal(run.status, 'Failed');
        assert.equal(run.error, 'Route_To_Queue: boom');
        assert.equal(run.routedTo, null);
    });

    test('a fault finding the fallback queue is recorded, then the channel fallback takes over', () => {
        const run = route('Premium', { faults: { Get_Fallback_Queue: 'boom' } });
        assert.equal(run.status, 'Failed', 'routeWork without a queue fails the interview');
        assert.match(String(run.error), /^Route_To_Queue: /);
        assert.equal(run.routedTo, null);
        assert.equal(recorded(run).outcome, 'Lookup_Error');
        assert.match(String(recorded(run).decision), /lookup error in Get_Fallback_Queue: boom/);
    });
});

/** The values of the OpenCX_Routing_Outcome__c picklist, from its field file. */
function outcomePicklistValues(): string[] {
    const field = readCustomField('MessagingSession', 'OpenCX_Routing_Outcome__c');
    const definition = children(field, 'valueSet').flatMap((set) =>
        children(set, 'valueSetDefinition')
    );
    return definition
        .flatMap((node) => children(node, 'value'))
        .map((value) => text(value, 'fullName') ?? '');
}

describe(`${FLOW} flight recorder: every outcome it can stamp`, () => {
    const partnerRule = {
        DeveloperName: 'Partner',
        Consumer_Type__c: 'Partner',
        Queue_Developer_Name__c: 'OpenCX_Partner_Desk',
        Active__c: true
    };
    /** [outcome, how to get there, expected queue, words the decision must contain] */
    const cases: Array<[string, () => FlowRun, string, string]> = [
        [
            'Rule_Matched',
            () => route('Verified'),
            VERIFIED,
            "Routed by rule Verified ('Verified') → OpenCX_Verified_Visitors"
        ],
        ['No_Value', () => route('  '), FALLBACK, 'Fallback: no Chat_Consumer_Type value'],
        ['No_Rule', () => route('Premium'), FALLBACK, "Fallback: no rule for 'Premium'"],
        [
            'Queue_Missing',
            () => route('Partner', { records: withRules(partnerRule) }),
            FALLBACK,
            "Fallback: queue 'OpenCX_Partner_Desk' missing (rule Partner)"
        ],
        [
            'Unverified_Claim',
            () => route('Verified', { records: recordsWithEndUser(GUEST_KEY) }),
            FALLBACK,
            "Fallback: OpenCX claims 'Verified' but Salesforce saw Guest (rule Verified needs a verified visitor)"
        ],
        [
            'Lookup_Error',
            () => route('Verified', { faults: { Get_Active_Routing_Rules: 'QUERY_TIMEOUT' } }),
            FALLBACK,
            'Fallback: lookup error in Get_Active_Routing_Rules: QUERY_TIMEOUT → OpenCX_Fallback'
        ],
        [
            'Stamping_Error',
            () => route('Verified', { faults: { Stamp_Routing_Decision: 'INVALID_FIELD' } }),
            VERIFIED,
            'Stamping error: INVALID_FIELD | Routed by rule Verified'
        ]
    ];
    const covered = new Set<string>();
    for (const [outcome, run, queue, words] of cases) {
        test(`${outcome}: ${words}`, () => {
            const result = run();
            assert.equal(result.status, 'Finished', result.error ?? '');
            assert.equal(result.routedTo?.queueDeveloperName, queue);
            const stamped = recorded(result);
            assert.equal(stamped.outcome, outcome);
            assert.ok(stamped.decision?.includes(words), String(stamped.decision));
            assert.ok((stamped.decision ?? '').length <= 255, 'fits OpenCX_Routing_Decision__c');
            assert.equal(stamped.routedAt, NOW);
            covered.add(outcome);
        });
    }

    test('a lookup error finding the rule queue is a lookup error too', () => {
        const run = route('Verified', { faults: { Get_Rule_Queue: 'UNABLE_TO_LOCK_ROW' } });
        assert.equal(recorded(run).outcome, 'Lookup_Error');
        assert.equal(run.routedTo?.queueDeveloperName, FALLBACK);
    });

    test('the cases above cover every value of the OpenCX_Routing_Outcome__c picklist', () => {
        assert.deepEqual([...covered].sort(), outcomePicklistValues().sort());
    });

    test('a very long value still fits the 255-character decision field', () => {
        const run = route('x'.repeat(400));
        const decision = recorded(run).decision ?? '';
        assert.equal(decision.length, 255);
        assert.ok(decision.startsWith("Fallback: no rule for 'xxx"));
    });
});

describe(`${FLOW} records whether Salesforce verified the visitor`, () => {
    const keys: Array<[string, string | null, string]> = [
        ['verified identity token', AUTH_KEY, 'Verified'],
        ['guest token', GUEST_KEY, 'Guest'],
        ['anonymous token', 'v2/iamessage/ANON/NA/uid:1f2e', 'Guest'],
        ['no platform key', null, 'Unknown']
    ];
    for (const [label, key, verification] of keys) {
        test(`${label} → ${verification}`, () => {
            const run = route('Anonymous', { records: recordsWithEndUser(key) });
            assert.equal(recorded(run).verification, verification);
            assert.equal(
                run.routedTo?.queueDeveloperName,
                ANONYMOUS,
                'anonymous rules check nothing'
            );
        });
    }

    test('a session whose end user cannot be read is Unknown and still routed', () => {
        const run = route('Anonymous', { faults: { Get_End_User: 'INSUFFICIENT_ACCESS' } });
        assert.equal(recorded(run).verification, 'Unknown');
        assert.equal(run.routedTo?.queueDeveloperName, ANONYMOUS);
    });

    test('a verified claim Salesforce did not check never enters the verified queue by default', () => {
        for (const claim of ['Verified', 'Authenticated', ' VERIFIED ']) {
            for (const key of [GUEST_KEY, null]) {
                const run = route(claim, { records: recordsWithEndUser(key) });
                assert.equal(run.routedTo?.queueDeveloperName, FALLBACK, `${claim} with ${key}`);
                assert.equal(recorded(run).outcome, 'Unverified_Claim');
            }
        }
    });

    test('the admin may let unchecked verified claims in (OpenCX Setting), and it is recorded', () => {
        const records = recordsWithEndUser(GUEST_KEY);
        records.OpenCX_Setting__mdt[0].Allow_Unchecked_Verified_Claims__c = true;
        const run = route('Verified', { records });
        assert.equal(run.routedTo?.queueDeveloperName, VERIFIED);
        const stamped = recorded(run);
        assert.equal(stamped.outcome, 'Rule_Matched');
        assert.equal(stamped.verification, 'Guest');
        assert.match(
            String(stamped.decision),
            /verified claim not checked by Salesforce \(Guest\)/
        );
    });

    test('without the setting record an unchecked claim is not let in', () => {
        const records = recordsWithEndUser(GUEST_KEY);
        records.OpenCX_Setting__mdt = [];
        assert.equal(route('Verified', { records }).routedTo?.queueDeveloperName, FALLBACK);
    });
});

describe(`${FLOW} continuity: a session without attributes continues the visitor's last one`, () => {
    const ORIGIN_ID = fakeId('0Mw', 7);

    /** An earlier session of the same end user, stamped by an earlier run. */
    function withOrigin(fields: Record<string, string | null>, platformKey = AUTH_KEY) {
        const records = recordsWithEndUser(platformKey);
        records.MessagingSession[0].CreatedDate = '2026-11-30T02:10:00.000Z';
        records.MessagingSession.push({
            ...records.MessagingSession[0],
            Id: ORIGIN_ID,
            Name: 'MS-0007',
            CreatedDate: '2026-11-30T01:00:00.000Z',
            ...fields
        });
        return records;
    }

    function continued(records: ReturnType<typeof withOrigin>): FlowRun {
        return evaluateFlow(flow, { records, now: NOW, inputs: { recordId: SESSION_ID } });
    }

    for (const consumerType of ['Verified', 'Anonymous', 'Premium']) {
        test(`a continued ${consumerType} conversation routes like its origin`, () => {
            const originRun = route(consumerType);
            const run = continued(
                withOrigin({
                    OpenCX_Session_Id__c: 'ses_4f9c2a',
                    Chat_Consumer_Type__c: consumerType,
                    OpenCX_Channel__c: 'web',
                    OpenCX_Language__c: 'en',
                    OpenCX_Priority__c: 'high'
                })
            );
            assert.equal(run.status, 'Finished', run.error ?? '');
            assert.equal(run.routedTo?.queueDeveloperName, originRun.routedTo?.queueDeveloperName);
            const session = run.records.MessagingSession.find((row) => row.Id === SESSION_ID)!;
            assert.equal(session.OpenCX_Session_Id__c, 'ses_4f9c2a', 'the trace key is inherited');
            assert.equal(session.Chat_Consumer_Type__c, consumerType);
            assert.equal(session.OpenCX_Language__c, 'en');
            assert.equal(session.OpenCX_Continued_From__c, ORIGIN_ID, 'stamped with its origin');
            assert.equal(session.OpenCX_Routing_Outcome__c, recorded(originRun).outcome);
            assert.match(String(session.OpenCX_Routing_Decision__c), /\| continued from MS-0007$/);
        });
    }

    test('the newest earlier session wins; later ones, other visitors and itself do not count', () => {
        const records = withOrigin({
            OpenCX_Session_Id__c: 'ses_old',
            Chat_Consumer_Type__c: 'Anonymous'
        });
        const base = records.MessagingSession[0];
        records.MessagingSession.push(
            {
                ...base,
                Id: fakeId('0Mw', 8),
                Name: 'MS-0008',
                CreatedDate: '2026-11-30T01:30:00.000Z',
                OpenCX_Session_Id__c: 'ses_newest',
                Chat_Consumer_Type__c: 'Verified'
            },
            {
                ...base,
                Id: fakeId('0Mw', 9),
                Name: 'MS-0009',
                CreatedDate: '2026-11-30T03:00:00.000Z',
                OpenCX_Session_Id__c: 'ses_later'
            },
            {
                ...base,
                Id: fakeId('0Mw', 10),
                Name: 'MS-0010',
                CreatedDate: '2026-11-30T02:00:00.000Z',
                OpenCX_Session_Id__c: 'ses_other',
                MessagingEndUserId: fakeId('0PA', 2)
            },
            {
                ...base,
                Id: fakeId('0Mw', 11),
                Name: 'MS-0011',
                CreatedDate: '2026-11-30T02:05:00.000Z',
                OpenCX_Session_Id__c: null
            }
        );
        const run = continued(records);
        const session = run.records.MessagingSession.find((row) => row.Id === SESSION_ID)!;
        assert.equal(session.OpenCX_Session_Id__c, 'ses_newest');
        assert.equal(session.OpenCX_Continued_From__c, fakeId('0Mw', 8));
        assert.equal(run.routedTo?.queueDeveloperName, VERIFIED);
    });

    test('no earlier OpenCX session: nothing inherited, no value → fallback', () => {
        const run = continued(withOrigin({ OpenCX_Session_Id__c: null }));
        const session = run.records.MessagingSession.find((row) => row.Id === SESSION_ID)!;
        assert.equal(session.OpenCX_Continued_From__c, null);
        assert.equal(session.OpenCX_Routing_Outcome__c, 'No_Value');
        assert.equal(run.routedTo?.queueDeveloperName, FALLBACK);
    });

    test('a session that arrives with attributes never inherits', () => {
        const records = withOrigin({
            OpenCX_Session_Id__c: 'ses_old',
            Chat_Consumer_Type__c: 'Verified'
        });
        const run = evaluateFlow(flow, {
            records,
            now: NOW,
            inputs: {
                recordId: SESSION_ID,
                OpencxSessionId: 'ses_new',
                Chat_Consumer_Type: 'Anonymous'
            }
        });
        const session = run.records.MessagingSession.find((row) => row.Id === SESSION_ID)!;
        assert.equal(session.OpenCX_Session_Id__c, 'ses_new');
        assert.equal(session.OpenCX_Continued_From__c, null);
        assert.equal(run.routedTo?.queueDeveloperName, ANONYMOUS);
        assert.ok(!run.path.includes('Get_Origin_Session'), 'no lookup needed');
    });

    test('a continued verified conversation on a guest token is still held back', () => {
        const run = continued(
            withOrigin(
                { OpenCX_Session_Id__c: 'ses_v', Chat_Consumer_Type__c: 'Verified' },
                GUEST_KEY
            )
        );
        assert.equal(run.routedTo?.queueDeveloperName, FALLBACK);
        assert.equal(recorded(run).outcome, 'Unverified_Claim');
    });

    test('a failed origin lookup routes on what was sent (nothing: fallback)', () => {
        const records = withOrigin({
            OpenCX_Session_Id__c: 'ses_old',
            Chat_Consumer_Type__c: 'Verified'
        });
        const run = evaluateFlow(flow, {
            records,
            now: NOW,
            inputs: { recordId: SESSION_ID },
            faults: { Get_Origin_Session: 'QUERY_TIMEOUT' }
        });
        assert.equal(run.status, 'Finished');
        assert.equal(run.routedTo?.queueDeveloperName, FALLBACK);
        assert.equal(recorded(run).outcome, 'No_Value');
    });
});

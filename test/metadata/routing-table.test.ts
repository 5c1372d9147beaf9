// The routing table: for each Chat_Consumer_Type OpenCX may send, the queue the real
// OpenCX_Route_Handoff flow chooses with the real OpenCX_Routing_Rule__mdt records, computed by the
// flow evaluator from the XML (not from a copy of the flow's logic), and the fields it stamps.
// The expected queues below are the product's specification (DESIGN.md, "Values").
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
    loadForceAppFlow
} from '../../testkit/flow-evaluator/index.ts';

const FLOW = 'OpenCX_Route_Handoff';
const VERIFIED = 'OpenCX_Verified_Visitors';
const ANONYMOUS = 'OpenCX_Anonymous_Visitors';
const FALLBACK = 'OpenCX_Fallback';
const SESSION_ID = fakeId('0Mw', 1);

const flow = loadForceAppFlow(FLOW);

/** What a handoff carries besides Chat_Consumer_Type (the stamped fields are checked too). */
const OTHER_ATTRIBUTES = {
    OpencxSessionId: 'ses_4f9c2a',
    OpencxChannel: 'web',
    OpencxLanguage: 'en',
    OpencxPriority: 'high'
};

function route(
    consumerType: string | null | undefined,
    options: Omit<EvaluateOptions, 'inputs'> = {}
): FlowRun {
    return evaluateFlow(flow, {
        records: forceAppRecords([SESSION_ID]),
        ...options,
        inputs: { recordId: SESSION_ID, ...OTHER_ATTRIBUTES, Chat_Consumer_Type: consumerType }
    });
}

/** [label, Chat_Consumer_Type as sent (undefined = attribute missing), expected queue] */
const TABLE: Array<[string, string | null | undefined, string]> = [
    ['authenticated', 'Authenticated', VERIFIED],
    ['authenticated', 'Verified', VERIFIED],
    ['authenticated, lower case', 'authenticated', VERIFIED],
    ['authenticated, upper case', 'VERIFIED', VERIFIED],
    ['authenticated, mixed case', 'vErIfIeD', VERIFIED],
    ['authenticated, surrounding spaces', '  Authenticated ', VERIFIED],
    ['anonymous', 'Anonymous', ANONYMOUS],
    ['anonymous', 'Unauthenticated', ANONYMOUS],
    ['anonymous', 'Unverified', ANONYMOUS],
    ['anonymous', 'Guest', ANONYMOUS],
    ['anonymous, lower case', 'anonymous', ANONYMOUS],
    ['anonymous, upper case', 'UNAUTHENTICATED', ANONYMOUS],
    ['anonymous, surrounding spaces', ' guest  ', ANONYMOUS],
    ['empty', '', FALLBACK],
    ['only spaces', '   ', FALLBACK],
    ['null', null, FALLBACK],
    ['missing', undefined, FALLBACK],
    ['unknown', 'Premium', FALLBACK],
    ['near miss', 'Verified Visitor', FALLBACK],
    ['near miss', 'anon', FALLBACK]
];

const rows: string[] = [];

function show(value: string | null | undefined): string {
    return value === undefined ? '(missing)' : JSON.stringify(value);
}

describe(`${FLOW} routing table (flow XML + shipped OpenCX_Routing_Rule__mdt records)`, () => {
    for (const [label, consumerType, expected] of TABLE) {
        test(`${label} ${show(consumerType)} → ${expected}`, () => {
            const run = route(consumerType);
            assert.equal(run.status, 'Finished', run.error ?? '');
            assert.deepEqual(run.faults, []);
            assert.equal(run.routedTo?.queueDeveloperName, expected);
            assert.equal(run.routedTo?.serviceChannel, 'sfdc_livemessage');
            assert.equal(run.routedTo?.recordId, SESSION_ID);
            assert.equal(run.routes.length, 1, 'routed exactly once');
            // Stamps what OpenCX sent, as sent (the raw value, not the normalized key).
            assert.deepEqual(run.updates, [
                {
                    element: 'Stamp_Routing_Attributes',
                    object: 'MessagingSession',
                    recordIds: [SESSION_ID],
                    fields: {
                        OpenCX_Session_Id__c: OTHER_ATTRIBUTES.OpencxSessionId,
                        Chat_Consumer_Type__c: consumerType ?? null,
                        OpenCX_Channel__c: OTHER_ATTRIBUTES.OpencxChannel,
                        OpenCX_Language__c: OTHER_ATTRIBUTES.OpencxLanguage,
                        OpenCX_Priority__c: OTHER_ATTRIBUTES.OpencxPriority
                    }
                }
            ]);
            const session = run.records.MessagingSession[0];
            assert.equal(session.OpenCX_Session_Id__c, 'ses_4f9c2a');
            assert.equal(session.Chat_Consumer_Type__c, consumerType ?? null);
            rows.push(
                `| ${show(consumerType)} | ${label} | ${run.routedTo?.queueDeveloperName} | ` +
                    `${show(session.Chat_Consumer_Type__c as string | null)} | ${run.path.length} |`
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
            '| Chat_Consumer_Type sent | case | queue | Chat_Consumer_Type__c stamped | elements run |'
        );
        t.diagnostic('|---|---|---|---|---|');
        for (const row of rows) t.diagnostic(row);
    });
});

/** The shipped rules plus extra in-memory rows (the shipped files are not touched). */
function withRules(...extra: Array<Record<string, string | boolean>>) {
    const records = forceAppRecords([SESSION_ID]);
    extra.forEach((rule, index) =>
        records.OpenCX_Routing_Rule__mdt.push({
            Id: fakeId('m00', 900 + index),
            Label: String(rule.DeveloperName),
            MasterLabel: String(rule.DeveloperName),
            QualifiedApiName: String(rule.DeveloperName),
            Notes__c: null,
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
        const records = forceAppRecords([SESSION_ID]);
        records.OpenCX_Routing_Rule__mdt = [];
        assert.equal(route('Verified', { records }).routedTo?.queueDeveloperName, FALLBACK);
    });
});

describe(`${FLOW} faults never leave a conversation unrouted`, () => {
    const cases: Array<[string, string, string]> = [
        ['the stamping update', 'Stamp_Routing_Attributes', VERIFIED],
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

    test('a failed stamp writes nothing but routes by the attribute', () => {
        const run = route('Anonymous', {
            faults: { Stamp_Routing_Attributes: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' }
        });
        assert.deepEqual(run.updates, []);
        assert.equal(run.records.MessagingSession[0].Chat_Consumer_Type__c, null);
        assert.equal(run.routedTo?.queueDeveloperName, ANONYMOUS);
    });

    // Without a fault path the interview fails and Omni-Channel routes the session to the
    // channel's fallback queue (sessionHandlerQueue, OpenCX_Fallback): still not stuck.
    for (const element of ['Get_Fallback_Queue', 'Route_To_Queue']) {
        test(`a fault in ${element} fails the interview (channel fallback queue takes over)`, () => {
            const run = route('Premium', { faults: { [element]: 'boom' } });
            assert.equal(run.status, 'Failed');
            assert.equal(run.error, `${element}: boom`);
            assert.equal(run.routedTo, null);
        });
    }
});

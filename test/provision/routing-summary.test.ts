// `npm run provision -- --check` summarises what the routing flow recorded in the last 7 days
// (scripts/provision/routing-summary.ts): handoffs per outcome and the values that fell back most,
// with two read-only SOQL aggregate queries the emulator answers as the REST API does.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, repUsernames, type Harness } from './harness.ts';
import {
    FALLBACK_VALUES_QUERY,
    OUTCOME_QUERY,
    REHEARSAL_QUERY,
    routingSummaryCheck,
    routingSummaryLine,
    summarizeRouting
} from '../../scripts/provision/routing-summary.ts';
import { OrgState } from '../../testkit/emulator/index.ts';

const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** MessagingSession rows as the routing flow leaves them: outcome, value, time. */
const SESSIONS: Array<[string | null, string | null, string]> = [
    ['Rule_Matched', 'Verified', daysAgo(0)],
    ['Rule_Matched', 'Anonymous', daysAgo(1)],
    ['Rule_Matched', 'Anonymous', daysAgo(2)],
    ['No_Rule', 'Premium', daysAgo(1)],
    ['No_Rule', 'Premium', daysAgo(3)],
    ['No_Rule', 'Premium', daysAgo(2)],
    ['No_Rule', 'VIP', daysAgo(4)],
    ['Unverified_Claim', 'Verified', daysAgo(5)],
    ['Unverified_Claim', 'Verified', daysAgo(6)],
    ['No_Value', null, daysAgo(6)],
    // Older than 7 days, and never routed by the flow: not counted.
    ['No_Rule', 'Ancient', daysAgo(9)],
    [null, null, daysAgo(0)]
];

function seed(state: OrgState): void {
    if (!state.data.hasType('MessagingSession')) {
        state.data.define('MessagingSession', {
            keyPrefix: '0Mw',
            fields: [
                'Name',
                'Status',
                'Chat_Consumer_Type__c',
                'OpenCX_Routing_Outcome__c',
                'OpenCX_Routed_At__c',
                'OpenCX_Channel__c'
            ]
        });
    }
    SESSIONS.forEach(([outcome, value, at], index) =>
        state.data.insert('MessagingSession', {
            Name: `MS-${index}`,
            Status: 'Ended',
            Chat_Consumer_Type__c: value,
            OpenCX_Routing_Outcome__c: outcome,
            OpenCX_Routed_At__c: outcome ? at : null
        })
    );
}

async function withHarness(run: (harness: Harness) => Promise<void>): Promise<void> {
    const reps = repUsernames(1);
    const harness = await createHarness({
        users: reps,
        config: { reps: reps.map((username) => ({ username })) }
    });
    try {
        await run(harness);
    } finally {
        await harness.close();
    }
}

describe('routing summary (provision --check)', () => {
    test('counts the last 7 days per outcome and names the values that fell back most', async () => {
        await withHarness(async (harness) => {
            seed(harness.emulator.state);
            harness.emulator.resetLog();
            const result = await harness.run(['--check', '--json']);
            const parsed = JSON.parse(result.stdout) as {
                checks: Array<{
                    id: string;
                    passed: boolean;
                    warning?: boolean;
                    detail: string;
                    fix?: string;
                }>;
            };
            const line = parsed.checks.find((check) => check.id === 'routing-summary');
            assert.ok(line, 'the doctor prints the routing summary');
            assert.equal(line.passed, false);
            assert.equal(line.warning, true, 'a fallback warns, it does not fail the run');
            assert.equal(
                line.detail,
                '7 of 10 fell back; 10 handoff(s): No_Rule 4, Rule_Matched 3, Unverified_Claim 2, ' +
                    'No_Value 1; fell back most: "Premium" 3, "Verified" 2, "VIP" 1'
            );
            assert.match(line.fix ?? '', /OpenCX Routing Fallbacks/);
            assert.equal(harness.emulator.writeCount(), 0, 'read-only');
        });
    });
});

describe('routing summary lines', () => {
    test('nothing routed is a pass that says so', () => {
        const line = routingSummaryLine({ days: 7, handoffs: 0, outcomes: [], fallbackValues: [] });
        assert.equal(line.passed, true);
        assert.match(line.detail, /no handoff routed/);
    });

    test('everything routed by a rule passes', () => {
        const line = routingSummaryLine({
            days: 7,
            handoffs: 4,
            outcomes: [{ outcome: 'Rule_Matched', handoffs: 4 }],
            fallbackValues: []
        });
        assert.deepEqual([line.passed, line.warning], [true, undefined]);
        assert.equal(line.detail, '4 handoff(s): Rule_Matched 4');
    });

    test('a value from outside is shown as text on one line', () => {
        const line = routingSummaryLine({
            days: 7,
            handoffs: 1,
            outcomes: [{ outcome: 'No_Rule', handoffs: 1 }],
            fallbackValues: [{ value: 'Pre\nmium\u001b[31m', handoffs: 1 }]
        });
        assert.ok(!line.detail.includes('\n') && !line.detail.includes('\u001b'), line.detail);
    });

    test('fields not deployed yet: a warning naming the fix, never a crash', async () => {
        const line = await routingSummaryCheck(async () => {
            throw Object.assign(
                new Error("No such column 'OpenCX_Routed_At__c' on entity 'MessagingSession'"),
                {
                    errorCode: 'INVALID_FIELD'
                }
            );
        });
        assert.equal(line.warning, true);
        assert.match(line.fix ?? '', /npm run deploy/);
    });

    test('the queries the summary sends', async () => {
        const sent: string[] = [];
        await summarizeRouting(async (soql) => {
            sent.push(soql);
            return [];
        });
        assert.deepEqual(sent, [OUTCOME_QUERY, FALLBACK_VALUES_QUERY, REHEARSAL_QUERY]);
        assert.match(OUTCOME_QUERY, /GROUP BY OpenCX_Routing_Outcome__c$/);
        assert.match(FALLBACK_VALUES_QUERY, /ORDER BY COUNT\(Id\) DESC LIMIT 5$/);
    });
});

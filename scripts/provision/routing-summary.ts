// What the routing flow recorded in the last 7 days (its flight recorder, docs/beyond-handoff.md):
// handoffs per outcome and the Chat_Consumer_Type values that fell back most. Two read-only SOQL
// aggregate queries on MessagingSession; the doctor (`npm run provision -- --check`) prints the
// result as one line. Never fails the check run: a fallback is a warning with the fix.
// The rehearsal's own conversations (OpencxChannel "rehearsal", `npm run handoff:test`) are left
// out, and counted by a third query so the line says how many.
import { printable } from '../lib/cli.ts';
import { REHEARSAL_CHANNEL } from '../lib/rehearsal-verdict.ts';
import type { Check } from './context.ts';

export const SUMMARY_DAYS = 7;

/** Outcomes that mean "OpenCX sent a value and the rules did not route it where it asked". */
export const VALUE_FALLBACK_OUTCOMES = ['No_Rule', 'Queue_Missing', 'Unverified_Claim'] as const;

const IN_WINDOW = `OpenCX_Routed_At__c = LAST_N_DAYS:${SUMMARY_DAYS}`;
// SOQL's != keeps rows whose field is null (sessions routed before the channel was stamped).
const NOT_REHEARSAL = `OpenCX_Channel__c != '${REHEARSAL_CHANNEL}'`;

export const OUTCOME_QUERY =
    'SELECT OpenCX_Routing_Outcome__c outcome, COUNT(Id) handoffs FROM MessagingSession ' +
    `WHERE ${IN_WINDOW} AND ${NOT_REHEARSAL} GROUP BY OpenCX_Routing_Outcome__c`;

export const FALLBACK_VALUES_QUERY =
    'SELECT Chat_Consumer_Type__c consumerType, COUNT(Id) handoffs FROM MessagingSession ' +
    `WHERE ${IN_WINDOW} AND ${NOT_REHEARSAL} AND OpenCX_Routing_Outcome__c IN ` +
    `(${VALUE_FALLBACK_OUTCOMES.map((outcome) => `'${outcome}'`).join(', ')}) ` +
    'GROUP BY Chat_Consumer_Type__c ORDER BY COUNT(Id) DESC LIMIT 5';

/** The rehearsal's own handoffs in the window, left out of the other two. */
export const REHEARSAL_QUERY =
    'SELECT COUNT(Id) handoffs FROM MessagingSession ' +
    `WHERE ${IN_WINDOW} AND OpenCX_Channel__c = '${REHEARSAL_CHANNEL}'`;

export interface RoutingSummary {
    days: number;
    handoffs: number;
    /** Rehearsal handoffs (`npm run handoff:test`) in the window, not counted above. */
    rehearsals?: number;
    /** Most first. */
    outcomes: Array<{ outcome: string; handoffs: number }>;
    /** The values that fell back most (No_Rule, Queue_Missing, Unverified_Claim), most first. */
    fallbackValues: Array<{ value: string | null; handoffs: number }>;
}

/** Runs one SOQL query, every row (the doctor passes the org connection's queryAll). */
export type QueryRunner = (soql: string) => Promise<Array<Record<string, unknown>>>;

function count(row: Record<string, unknown>): number {
    const value = Number(row.handoffs);
    return Number.isFinite(value) ? value : 0;
}

function text(value: unknown): string | null {
    return typeof value === 'string' ? value : null;
}

export async function summarizeRouting(query: QueryRunner): Promise<RoutingSummary> {
    const [outcomeRows, valueRows, rehearsalRows] = [
        await query(OUTCOME_QUERY),
        await query(FALLBACK_VALUES_QUERY),
        await query(REHEARSAL_QUERY)
    ];
    const outcomes = outcomeRows
        .map((row) => ({ outcome: text(row.outcome) ?? '(none)', handoffs: count(row) }))
        .sort((a, b) => b.handoffs - a.handoffs || a.outcome.localeCompare(b.outcome));
    return {
        days: SUMMARY_DAYS,
        handoffs: outcomes.reduce((sum, row) => sum + row.handoffs, 0),
        rehearsals: rehearsalRows.reduce((sum, row) => sum + count(row), 0),
        outcomes,
        fallbackValues: valueRows.map((row) => ({
            value: text(row.consumerType),
            handoffs: count(row)
        }))
    };
}

const TITLE = `Routing in the last ${SUMMARY_DAYS} days`;
const LIST_VIEW_FIX =
    'App Launcher → Messaging Sessions → list view "OpenCX Routing Fallbacks (7 days)" shows why ' +
    'each fell back; add or fix a rule in Setup → Custom Metadata Types → OpenCX Routing Rule → ' +
    'Manage Records (docs/beyond-handoff.md)';

/** The summary as the doctor's line: a warning when anything fell back. */
export function routingSummaryLine(summary: RoutingSummary): Check {
    const rehearsals = summary.rehearsals
        ? `; ${summary.rehearsals} rehearsal handoff(s) left out (OpencxChannel ${REHEARSAL_CHANNEL}, npm run handoff:test)`
        : '';
    if (summary.handoffs === 0) {
        return {
            id: 'routing-summary',
            title: TITLE,
            passed: true,
            detail: rehearsals
                ? `no visitor's handoff routed${rehearsals}`
                : 'no handoff routed (nothing recorded by OpenCX_Route_Handoff)'
        };
    }
    const perOutcome = summary.outcomes.map((row) => `${row.outcome} ${row.handoffs}`).join(', ');
    const values = summary.fallbackValues
        .map(
            (row) =>
                `${row.value === null ? '(blank)' : JSON.stringify(printable(row.value))} ${row.handoffs}`
        )
        .join(', ');
    const fellBack = summary.outcomes
        .filter((row) => row.outcome !== 'Rule_Matched')
        .reduce((sum, row) => sum + row.handoffs, 0);
    const detail =
        `${summary.handoffs} handoff(s): ${perOutcome}` +
        (values ? `; fell back most: ${values}` : '') +
        rehearsals;
    if (fellBack === 0) return { id: 'routing-summary', title: TITLE, passed: true, detail };
    return {
        id: 'routing-summary',
        title: TITLE,
        passed: false,
        warning: true,
        detail: `${fellBack} of ${summary.handoffs} fell back; ${detail}`,
        fix: LIST_VIEW_FIX
    };
}

/**
 * The doctor's check. A query the org refuses (the flight recorder fields not deployed yet, no
 * access) is a warning that names the cause, not a failed run.
 */
export async function routingSummaryCheck(query: QueryRunner): Promise<Check> {
    try {
        return routingSummaryLine(await summarizeRouting(query));
    } catch (error) {
        const code = (error as { errorCode?: string }).errorCode ?? '';
        const message = printable((error as Error).message ?? String(error));
        const notDeployed = code === 'INVALID_FIELD' || /No such column/i.test(message);
        return {
            id: 'routing-summary',
            title: TITLE,
            passed: false,
            warning: true,
            detail: `could not read the routing record: ${code ? `${code}: ` : ''}${message}`,
            fix: notDeployed
                ? 'deploy the MessagingSession fields OpenCX_Routing_Outcome__c and OpenCX_Routed_At__c (npm run deploy) and grant read on them (OpenCX_Handoff_Admin)'
                : 'check that this user may read Messaging Sessions and the OpenCX fields (OpenCX_Handoff_Admin)'
        };
    }
}

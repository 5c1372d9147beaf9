// `npm run handoff:test -- --close resolved|unresolved`: the rehearsal plays the rep's verdict
// (docs/beyond-handoff.md, part 3). Before ending the conversation it records the choice on the
// MessagingSession (OpenCX_Verdict__c, as the panel does when its call to OpenCX could not finish);
// ending the conversation makes the org's on-end automation (flow OpenCX_Verdict_On_End → Queueable
// OpenCxVerdictJob) PATCH /chat/sessions/{id} on OpenCX; the rehearsal then waits for the outcome
// the org writes on the record (OpenCX_Verdict_Status__c: Sent, Retrying or Failed, and why).
import type { Check } from './verify.ts';

export type CloseVerdict = 'resolved' | 'unresolved';

/** The OpenCX session status each choice sends (UpdateChatSessionInput.status). */
export const VERDICT_STATUS: Record<CloseVerdict, 'closed_resolved' | 'closed_unresolved'> = {
    resolved: 'closed_resolved',
    unresolved: 'closed_unresolved'
};

/**
 * Takes the value out of `--close resolved`, `--close unresolved` or `--close=<value>`, leaving a
 * plain `--close` for the flag parser (so `--close` alone keeps meaning "end the conversation").
 * Any other `--close=<value>` is left as it is: the flag parser reports it as a usage error.
 */
export function takeCloseVerdict(argv: string[]): { argv: string[]; verdict: CloseVerdict | null } {
    const out: string[] = [];
    let verdict: CloseVerdict | null = null;
    for (let index = 0; index < argv.length; index++) {
        const arg = argv[index];
        const inline = /^--close=(resolved|unresolved)$/.exec(arg);
        if (inline) {
            verdict = inline[1] as CloseVerdict;
            out.push('--close');
        } else if (arg === '--close' && /^(resolved|unresolved)$/.test(argv[index + 1] ?? '')) {
            verdict = argv[index + 1] as CloseVerdict;
            out.push('--close');
            index++;
        } else {
            out.push(arg);
        }
    }
    return { argv: out, verdict };
}

/** What the verdict step needs from the org connection. */
export interface VerdictOrg {
    query<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
    /** Updates one MessagingSession (REST sObject update). */
    updateSession(id: string, fields: Record<string, unknown>): Promise<void>;
}

const FIX_FIELDS =
    'deploy the MessagingSession verdict fields (npm run deploy) and give the rehearsing user ' +
    'Edit on OpenCX_Verdict__c, or choose in the panel instead';

/** Before the end: the rep's choice on the session. */
export async function recordVerdict(
    org: VerdictOrg,
    messagingSessionId: string,
    verdict: CloseVerdict
): Promise<Check> {
    const name = `verdict recorded (${verdict})`;
    try {
        await org.updateSession(messagingSessionId, { OpenCX_Verdict__c: VERDICT_STATUS[verdict] });
        return { name, ok: true, detail: `OpenCX_Verdict__c = ${VERDICT_STATUS[verdict]}` };
    } catch (error) {
        return { name, ok: false, detail: (error as Error).message, fix: FIX_FIELDS };
    }
}

interface VerdictRow extends Record<string, unknown> {
    OpenCX_Verdict__c?: string | null;
    OpenCX_Verdict_Status__c?: string | null;
    OpenCX_Verdict_Detail__c?: string | null;
}

/**
 * After the end: polls the session until the org says Sent or Failed (or Retrying when the
 * deadline comes), every `pollMs`, at most `timeoutMs`.
 */
export async function awaitVerdict(
    org: VerdictOrg,
    messagingSessionId: string,
    verdict: CloseVerdict,
    options: { timeoutMs: number; pollMs?: number }
): Promise<Check> {
    const name = `verdict sent to OpenCX (${VERDICT_STATUS[verdict]})`;
    const deadline = Date.now() + options.timeoutMs;
    let row: VerdictRow | undefined;
    for (;;) {
        [row] = await org.query<VerdictRow>(
            'SELECT OpenCX_Verdict__c, OpenCX_Verdict_Status__c, OpenCX_Verdict_Detail__c ' +
                `FROM MessagingSession WHERE Id = '${messagingSessionId.replace(/[^0-9A-Za-z]/g, '')}'`
        );
        const status = row?.OpenCX_Verdict_Status__c;
        if (status === 'Sent' || status === 'Failed' || Date.now() >= deadline) break;
        await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
    const status = row?.OpenCX_Verdict_Status__c ?? null;
    const detail = row?.OpenCX_Verdict_Detail__c ?? '';
    if (status === 'Sent') return { name, ok: true, detail };
    return {
        name,
        ok: false,
        detail: status ? `${status}: ${detail}` : 'the org wrote no verdict status on the session',
        fix: status
            ? 'see OpenCX Verdict Detail on the session: HTTP 401 → the ApiKey of External Credential OpenCX_API; 404 → the OpenCX session id is not one OpenCX knows (a rehearsal id is invented unless --session-id names a real one)'
            : 'check that flow OpenCX_Verdict_On_End is active and Apex class OpenCxVerdictOnEnd is deployed (Setup → Flows; Setup → Apex Jobs for OpenCxVerdictJob)'
    };
}

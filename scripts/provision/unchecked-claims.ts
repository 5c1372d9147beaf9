// Open mode and OpenCX's "verified" claim (issue 12). In open mode Salesforce verifies no visitor, so
// Chat_Consumer_Type "Authenticated"/"Verified" is OpenCX's claim alone; the routing flow holds such
// claims back (the rules for verified visitors need a visitor Salesforce verified) and sends those
// visitors to the fallback queue, unless OpenCX Setting Allow_Unchecked_Verified_Claims__c is on.
// Off by design; this makes the consequence visible where the admin decides: provisioning's output
// and the doctor warn (never fail) in open mode while the setting is off. Read through the data API
// like the other custom metadata rows (SOQL on OpenCX_Setting__mdt).
import { printable } from '../lib/cli.ts';
import type { Check, ProvisionContext } from './context.ts';

export const UNCHECKED_CLAIMS_QUERY =
    "SELECT DeveloperName, Allow_Unchecked_Verified_Claims__c FROM OpenCX_Setting__mdt WHERE DeveloperName = 'Default'";

const TITLE = 'Verified claims in open mode';

/** The warning's text, with the project's fallback queue (OpenCX_Fallback as shipped). */
export function uncheckedClaimsWarning(fallbackQueue: string): string {
    return `in open mode, visitors OpenCX marks verified go to ${fallbackQueue}; to route them by OpenCX's claim, turn on Allow Unchecked Verified Claims (Setup → Custom Metadata Types → OpenCX Setting → Default)`;
}

/** Runs one SOQL query, every row (callers pass the org connection's queryAll). */
export type SettingQuery = (soql: string) => Promise<Array<Record<string, unknown>>>;

/**
 * The setting as the org has it: true/false, or null with the reason when it cannot be read. No
 * Default record reads as off: the flow finds no setting and holds the claims back.
 */
export async function readUncheckedClaims(
    query: SettingQuery
): Promise<{ on: boolean; problem?: undefined } | { on: null; problem: string }> {
    try {
        const rows = await query(UNCHECKED_CLAIMS_QUERY);
        return { on: rows[0]?.Allow_Unchecked_Verified_Claims__c === true };
    } catch (error) {
        const code = (error as { errorCode?: string }).errorCode;
        const message = printable((error as Error).message ?? String(error));
        return { on: null, problem: `${code ? `${code}: ` : ''}${message}` };
    }
}

/**
 * The line for the doctor and provisioning's output in open mode; none in verified mode (Salesforce
 * checks the claim there).
 */
export async function uncheckedClaimsChecks(
    context: Pick<ProvisionContext, 'config' | 'project'>,
    query: SettingQuery
): Promise<Check[]> {
    if (context.config.visitorVerification !== 'open') return [];
    const warning = uncheckedClaimsWarning(context.project.fallbackQueue);
    const setting = await readUncheckedClaims(query);
    if (setting.on === true) {
        return [
            {
                id: 'unchecked-claims',
                title: TITLE,
                passed: true,
                detail: "Allow Unchecked Verified Claims is on: visitors OpenCX marks verified are routed by OpenCX's claim"
            }
        ];
    }
    const check: Check = {
        id: 'unchecked-claims',
        title: TITLE,
        passed: false,
        warning: true,
        // The warning names its own fix (the Setup path); an unreadable setting needs another.
        ...(setting.on === null
            ? {
                  detail: `could not read OpenCX Setting Default (${setting.problem}); ${warning}`,
                  fix: 'deploy the project (npm run deploy) and check that this user may read OpenCX Setting (OpenCX_Handoff_Admin), then run the check again'
              }
            : { detail: warning })
    };
    return [check];
}

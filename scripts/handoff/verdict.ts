// RESTORED from tsx's compile cache (/tmp/tsx-0, compiled 2026-11-30 02:25:53 UTC) after another
// helper overwrote this untracked file by mistake: logic as compiled then, types written back.
// Check it against your latest version and remove this comment.
import type { VisitorVerification } from '../lib/visitor-verification.ts';
import { saysAuthModeOn, type TokenAttempt } from './visitors.ts';

/** What the token calls showed about the channel, and the mode this org and OpenCX need. */
export interface Verdict {
    channel: 'open' | 'verifies' | 'unknown';
    needed: VisitorVerification | 'undetermined';
    guestFallback: boolean;
    line: string;
    fix: string | null;
}

const ASK_OPENCX =
    'ask OpenCX whether it signs an identity token for anonymous visitors too (random subject)';

export function decideVerdict(attempts: TokenAttempt[], mode: VisitorVerification): Verdict {
    const guestAccepted = attempts.some((a) => a.way === 'unauthenticated' && a.ok);
    const verifiedAccepted = attempts.some(
        (a) => a.way === 'signed' && a.ok && a.subjectKind === 'AUTH'
    );
    const guestFallback = attempts.some(
        (a) =>
            a.way === 'signed' && a.ok && a.subjectKind !== 'AUTH' && a.keySource === 'provisioned'
    );
    const refusedGuests = attempts.some(saysAuthModeOn);
    const signedAnswered = attempts.some((a) => a.way === 'signed' && a.ok);
    const channel =
        guestAccepted && !verifiedAccepted
            ? 'open'
            : verifiedAccepted || refusedGuests || signedAnswered
              ? 'verifies'
              : 'unknown';
    if (channel === 'open') return openVerdict(mode);
    if (channel === 'verifies') return verifiesVerdict(mode, verifiedAccepted, guestFallback);
    const statuses = attempts.map((a) => `${a.kind} ${a.way}: ${a.status ?? 'no answer'}`);
    return {
        channel,
        needed: 'undetermined',
        guestFallback,
        line: `Mode: undetermined: neither token call showed how the channel treats visitors (${statuses.join('; ')}).`,
        fix: 'Fix the errors above (deployment published, channel active), then rerun the rehearsal.'
    };
}

function openVerdict(mode: VisitorVerification): Verdict {
    const base =
        "Mode: open: the channel takes guests and refuses identity tokens, so every visitor is a guest and Chat_Consumer_Type is OpenCX's claim alone (OpenCX must request guest tokens for verified visitors too; rules for verified visitors take the claim only when OpenCX Setting Allow_Unchecked_Verified_Claims__c is on).";
    if (mode === 'open') {
        return {
            channel: 'open',
            needed: 'open',
            guestFallback: false,
            line: `${base} No change needed.`,
            fix: null
        };
    }
    const fix =
        'The channel OpenCX_Messaging does not verify users but visitorVerification is "verified": turn verification back on with `npm run deploy -- --target-org <alias>` (it deploys authMode Auth and the key set), or, to stay open, set "visitorVerification": "open" in opencx.config.json.';
    return {
        channel: 'open',
        needed: 'open',
        guestFallback: false,
        line: `${base} Change: ${fix}`,
        fix
    };
}

function verifiesVerdict(
    mode: VisitorVerification,
    verifiedAccepted: boolean,
    guestFallback: boolean
): Verdict {
    const base = `Mode: verified: the channel verifies identity tokens and refuses guest tokens; anonymous visitors get in only with a token OpenCX signs (${ASK_OPENCX}; if it does not, use open mode).`;
    let fix: string | null = null;
    if (mode === 'open') {
        fix =
            'visitorVerification is "open" but the channel OpenCX_Messaging still verifies users: deploy open mode with `npm run deploy -- --target-org <alias>` (it sets authMode UnAuth), or set "visitorVerification": "verified" in opencx.config.json and run `npm run provision`.';
    } else if (guestFallback) {
        fix =
            "Salesforce did not verify the identity token and silently issued a guest token: check the key with `npm run provision -- --check` (kid registered in OpenCX_Identity_Keys, issuer equal to the key set's), or register a new one with `npm run provision -- --rotate-key`, then paste the new values into OpenCX.";
    } else if (!verifiedAccepted) {
        fix =
            'No identity token was verified (no provisioned key was used): run `npm run provision -- --target-org <alias>` (it registers the key), then rerun the rehearsal.';
    }
    return {
        channel: 'verifies',
        needed: 'verified',
        guestFallback,
        line: `${base} ${fix ? `Change: ${fix}` : 'No change needed.'}`,
        fix
    };
}

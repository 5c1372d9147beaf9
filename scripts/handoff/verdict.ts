// The rehearsal's verdict: from every token call it made, how the channel treats visitors, which
// visitor-verification mode this org and OpenCX need, and the exact change when the mode in use is
// not that one. A signed call that Salesforce answers with a guest token (subject UNAUTH/ANON) is a
// silent guest fallback: the token was not verified, and the visitor would be routed as a guest.
import type { VisitorVerification } from '../lib/visitor-verification.ts';
import { saysAuthModeOn, type TokenAttempt } from './visitors.ts';

/** What the token calls showed about the channel, and the mode this org and OpenCX need. */
export interface Verdict {
    channel: 'open' | 'verifies' | 'unknown';
    needed: VisitorVerification | 'undetermined';
    /** A token signed with the provisioned key came back as a guest token. */
    guestFallback: boolean;
    /** The closing line: "Mode: <needed>: <why>. No change needed." or "... Change: <fix>". */
    line: string;
    /** The exact change when the mode in use is wrong or the key is not verified; else null. */
    fix: string | null;
}

/** What the attempts showed, each fact read once. */
interface Evidence {
    guestAccepted: boolean;
    guestRefused: boolean;
    verifiedAccepted: boolean;
    /** Signed with the provisioned key, answered with a guest token. */
    guestFallback: boolean;
    /** Signed with the provisioned key, refused (no token at all). */
    provisionedKeyRefused: boolean;
    /** Some signed call got a token (verified or not). */
    signedAnswered: boolean;
}

const ASK_OPENCX =
    'ask OpenCX whether it signs an identity token for anonymous visitors too (random subject)';

const FIXES = {
    verifyAgain:
        'The channel OpenCX_Messaging does not verify users but visitorVerification is "verified": turn verification back on with `npm run deploy -- --target-org <alias>` (it deploys authMode Auth and the key set), or, to stay open, set "visitorVerification": "open" in opencx.config.json.',
    deployOpen:
        'visitorVerification is "open" but the channel OpenCX_Messaging still verifies users: deploy open mode with `npm run deploy -- --target-org <alias>` (it sets authMode UnAuth), or set "visitorVerification": "verified" in opencx.config.json and run `npm run provision`.',
    guestFallback:
        "Salesforce did not verify the identity token and silently issued a guest token: check the key with `npm run provision -- --check` (kid registered in OpenCX_Identity_Keys, issuer equal to the key set's), or register a new one with `npm run provision -- --rotate-key`, then paste the new values into OpenCX.",
    keyRefused:
        "Salesforce refused the identity token signed with the provisioned key: check the key with `npm run provision -- --check` (kid registered in OpenCX_Identity_Keys, issuer equal to the key set's, clock in sync), or register a new one with `npm run provision -- --rotate-key`, then paste the new values into OpenCX.",
    noKey: 'No identity token was verified (no provisioned key was used): run `npm run provision -- --target-org <alias>` (it registers the key), then rerun the rehearsal.',
    undetermined:
        'Fix the errors above (deployment published, channel active), then rerun the rehearsal.'
} as const;

function evidenceOf(attempts: TokenAttempt[]): Evidence {
    const signed = attempts.filter((a) => a.way === 'signed');
    const provisioned = signed.filter((a) => a.keySource === 'provisioned');
    return {
        guestAccepted: attempts.some((a) => a.way === 'unauthenticated' && a.ok),
        guestRefused: attempts.some(saysAuthModeOn),
        verifiedAccepted: signed.some((a) => a.ok && a.subjectKind === 'AUTH'),
        guestFallback: provisioned.some((a) => a.ok && a.subjectKind !== 'AUTH'),
        provisionedKeyRefused: provisioned.some(
            (a) => !a.ok && a.status !== null && a.status >= 400 && a.status < 500
        ),
        signedAnswered: signed.some((a) => a.ok)
    };
}

export function decideVerdict(attempts: TokenAttempt[], mode: VisitorVerification): Verdict {
    const evidence = evidenceOf(attempts);
    // A guest token for the visitor and no verified one: the channel does not verify users.
    if (evidence.guestAccepted && !evidence.verifiedAccepted) return openVerdict(mode);
    if (evidence.verifiedAccepted || evidence.guestRefused || evidence.signedAnswered) {
        return verifiesVerdict(mode, evidence);
    }
    const statuses = attempts.map((a) => `${a.kind} ${a.way}: ${a.status ?? 'no answer'}`);
    return {
        channel: 'unknown',
        needed: 'undetermined',
        guestFallback: evidence.guestFallback,
        line: `Mode: undetermined: neither token call showed how the channel treats visitors (${statuses.join('; ') || 'no token call made'}). Change: ${FIXES.undetermined}`,
        fix: FIXES.undetermined
    };
}

function openVerdict(mode: VisitorVerification): Verdict {
    const base =
        "Mode: open: the channel takes guests and refuses identity tokens, so every visitor is a guest and Chat_Consumer_Type is OpenCX's claim alone (OpenCX must request guest tokens for verified visitors too; rules for verified visitors take the claim only when OpenCX Setting Allow_Unchecked_Verified_Claims__c is on).";
    const fix = mode === 'open' ? null : FIXES.verifyAgain;
    return {
        channel: 'open',
        needed: 'open',
        guestFallback: false,
        line: `${base} ${fix ? `Change: ${fix}` : 'No change needed.'}`,
        fix
    };
}

function verifiesVerdict(mode: VisitorVerification, evidence: Evidence): Verdict {
    // Say about guest tokens only what a call showed.
    const guests = evidence.guestRefused
        ? ' and refuses guest tokens'
        : evidence.guestAccepted
          ? ' and also takes guest tokens'
          : '';
    const anonymous = evidence.guestAccepted
        ? ''
        : `; anonymous visitors get in only with a token OpenCX signs (${ASK_OPENCX}; if it does not, use open mode)`;
    const base = `Mode: verified: the channel verifies identity tokens${guests}${anonymous}.`;
    const fix =
        mode === 'open'
            ? FIXES.deployOpen
            : evidence.guestFallback
              ? FIXES.guestFallback
              : evidence.verifiedAccepted
                ? null
                : evidence.provisionedKeyRefused
                  ? FIXES.keyRefused
                  : FIXES.noKey;
    return {
        channel: 'verifies',
        needed: 'verified',
        guestFallback: evidence.guestFallback,
        line: `${base} ${fix ? `Change: ${fix}` : 'No change needed.'}`,
        fix
    };
}

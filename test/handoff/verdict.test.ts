// The rehearsal's verdict from its token calls alone (scripts/handoff/verdict.ts): which mode the
// org and OpenCX need, the exact change when the mode in use is wrong, and the silent guest
// fallback. Each case is a set of calls as the rehearsal records them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decideVerdict } from '../../scripts/handoff/verdict.ts';
import { TOKEN_ENDPOINTS, type TokenAttempt } from '../../scripts/handoff/visitors.ts';

type Call = Pick<TokenAttempt, 'kind' | 'way' | 'status' | 'ok'> & Partial<TokenAttempt>;

function attempt(call: Call): TokenAttempt {
    return {
        endpoint: TOKEN_ENDPOINTS[call.way],
        body: call.ok ? 'accessToken' : '',
        subjectKind: null,
        subject: null,
        ...(call.way === 'signed' ? { keySource: 'provisioned' as const } : {}),
        ...call
    };
}

const guestRefused = attempt({
    kind: 'anonymous',
    way: 'unauthenticated',
    status: 400,
    ok: false,
    body: '{"message":"Set the auth mode to false."}'
});
const guestAccepted = (kind: TokenAttempt['kind']) =>
    attempt({ kind, way: 'unauthenticated', status: 200, ok: true, subjectKind: 'UNAUTH' });
const signedVerified = (kind: TokenAttempt['kind']) =>
    attempt({ kind, way: 'signed', status: 200, ok: true, subjectKind: 'AUTH' });
const signedRefused = (kind: TokenAttempt['kind'], status = 400) =>
    attempt({ kind, way: 'signed', status, ok: false, body: 'refused' });

describe('decideVerdict', () => {
    test('a verifying channel in verified mode: no change', () => {
        const verdict = decideVerdict(
            [guestRefused, signedVerified('anonymous'), signedVerified('verified')],
            'verified'
        );
        assert.deepEqual(
            [verdict.channel, verdict.needed, verdict.fix],
            ['verifies', 'verified', null]
        );
        assert.match(
            verdict.line,
            /^Mode: verified: the channel verifies identity tokens and refuses guest tokens; .* No change needed\.$/
        );
    });

    test('an open channel in open mode: no change; in verified mode: the exact change', () => {
        const calls = [
            guestAccepted('anonymous'),
            signedRefused('verified'),
            guestAccepted('verified')
        ];
        const open = decideVerdict(calls, 'open');
        assert.deepEqual([open.channel, open.needed, open.fix], ['open', 'open', null]);
        assert.match(open.line, /Allow_Unchecked_Verified_Claims__c.* No change needed\.$/);
        const verified = decideVerdict(calls, 'verified');
        assert.equal(verified.needed, 'open');
        assert.match(
            verified.fix!,
            /does not verify users.*npm run deploy -- --target-org <alias>.*"visitorVerification": "open"/
        );
        assert.ok(verified.line.endsWith(`Change: ${verified.fix}`));
    });

    test('open mode on a channel that still verifies: deploy open mode', () => {
        const verdict = decideVerdict([guestRefused, signedVerified('anonymous')], 'open');
        assert.equal(verdict.needed, 'verified');
        assert.match(
            verdict.fix!,
            /^visitorVerification is "open" but the channel OpenCX_Messaging still verifies users/
        );
    });

    test('silent guest fallback: a token signed with the provisioned key comes back as a guest', () => {
        const verdict = decideVerdict(
            [
                attempt({
                    kind: 'verified',
                    way: 'signed',
                    status: 200,
                    ok: true,
                    subjectKind: 'UNAUTH'
                })
            ],
            'verified'
        );
        assert.equal(verdict.guestFallback, true);
        assert.match(verdict.fix!, /silently issued a guest token.*npm run provision -- --check/);
    });

    test('a throwaway key answered with a guest token is no fallback: the fix is to provision the key', () => {
        const verdict = decideVerdict(
            [
                guestRefused,
                attempt({
                    kind: 'anonymous',
                    way: 'signed',
                    status: 200,
                    ok: true,
                    subjectKind: 'UNAUTH',
                    keySource: 'throwaway'
                })
            ],
            'verified'
        );
        assert.equal(verdict.guestFallback, false);
        assert.match(verdict.fix!, /no provisioned key was used.*npm run provision/);
    });

    test('the provisioned key refused by a verifying channel: the key is named, not "no key was used"', () => {
        const verdict = decideVerdict([guestRefused, signedRefused('anonymous', 401)], 'verified');
        assert.equal(verdict.needed, 'verified');
        assert.match(
            verdict.fix!,
            /refused the identity token signed with the provisioned key.*--rotate-key/
        );
        assert.doesNotMatch(verdict.line, /no provisioned key was used/);
    });

    test('a channel that verifies tokens and also takes guests: the line says only what was seen', () => {
        const verdict = decideVerdict(
            [guestAccepted('anonymous'), signedVerified('verified')],
            'verified'
        );
        assert.equal(verdict.channel, 'verifies');
        assert.equal(verdict.fix, null);
        assert.match(
            verdict.line,
            /verifies identity tokens and also takes guest tokens\. No change needed\.$/
        );
        assert.doesNotMatch(verdict.line, /refuses guest tokens|get in only with a token/);
    });

    test('nothing told the modes apart: undetermined, with the statuses and the change', () => {
        const verdict = decideVerdict(
            [attempt({ kind: 'anonymous', way: 'unauthenticated', status: null, ok: false })],
            'verified'
        );
        assert.deepEqual([verdict.channel, verdict.needed], ['unknown', 'undetermined']);
        assert.match(verdict.line, /anonymous unauthenticated: no answer/);
        assert.ok(verdict.line.endsWith(`Change: ${verdict.fix}`));
    });
});

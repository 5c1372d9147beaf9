// How each kind of visitor gets its MIAW access token, tried every way that tells the modes apart:
//   anonymous  1. the unauthenticated endpoint (OpenCX's documented way for anonymous visitors);
//              2. if refused: an identity token with a random subject (how verified mode needs
//                 OpenCX to bring anonymous visitors in).
//   verified   1. the authenticated endpoint with an identity token for the visitor's email;
//              2. if refused: the unauthenticated endpoint (how open mode treats every visitor;
//                 Chat_Consumer_Type is then OpenCX's claim alone).
// Every attempt is reported: endpoint, status, body (redacted by the caller's output), and the
// subject kind of the token (AUTH verified, UNAUTH/ANON guest).
import { randomUUID, type KeyObject } from 'node:crypto';
import { MiawClient, MiawError, subjectKindOf, type AccessTokenResponse } from './miaw-client.ts';
import { signIdentityToken } from './identity-token.ts';
import type { SubjectKind } from '../lib/rehearsal-verdict.ts';

export type VisitorKind = 'anonymous' | 'verified';
export type TokenWay = 'unauthenticated' | 'signed';

export const TOKEN_ENDPOINTS: Record<TokenWay, string> = {
    unauthenticated: '/iamessage/api/v2/authorization/unauthenticated/access-token',
    signed: '/iamessage/api/v2/authorization/authenticated/access-token'
};

export interface SigningKey {
    privateKey: KeyObject;
    kid: string;
    issuer: string;
    /** provisioned: the key registered in the org; throwaway: made for this run, unknown to it. */
    source: 'provisioned' | 'throwaway';
}

export interface TokenAttempt {
    kind: VisitorKind;
    way: TokenWay;
    endpoint: string;
    status: number | null;
    /** The answer's body (first 300 characters) or the failure's message. */
    body: string;
    subjectKind: SubjectKind | null;
    subject: string | null;
    /** A token came back that this visitor can hand off with. */
    ok: boolean;
    /** The identity token's subject, for signed attempts. */
    signedSubject?: string;
    keySource?: SigningKey['source'];
}

export interface VisitorToken {
    kind: VisitorKind;
    attempts: TokenAttempt[];
    /** The token the handoff goes on with (null: every attempt was refused). */
    token: AccessTokenResponse | null;
    /** The attempt that gave it. */
    accepted: TokenAttempt | null;
}

/** The token for one kind of visitor, trying the second way only when the first is refused. */
export async function obtainVisitorToken(
    client: MiawClient,
    kind: VisitorKind,
    key: SigningKey | null,
    email: string,
    onSecret: (value: string) => void = () => {}
): Promise<VisitorToken> {
    const ways: TokenWay[] =
        kind === 'anonymous' ? ['unauthenticated', 'signed'] : ['signed', 'unauthenticated'];
    const attempts: TokenAttempt[] = [];
    for (const way of ways) {
        if (way === 'signed' && !key) continue;
        const subject = kind === 'verified' ? email : `anonymous-${randomUUID()}`;
        const { attempt, token } = await tryToken(client, kind, way, key, subject, onSecret);
        attempts.push(attempt);
        if (token) return { kind, attempts, token, accepted: attempt };
        // A failure that is not a refusal (unreachable host, garbage) is the same either way.
        if (attempt.status === null || attempt.status >= 500) break;
    }
    return { kind, attempts, token: null, accepted: null };
}

async function tryToken(
    client: MiawClient,
    kind: VisitorKind,
    way: TokenWay,
    key: SigningKey | null,
    subject: string,
    onSecret: (value: string) => void
): Promise<{ attempt: TokenAttempt; token: AccessTokenResponse | null }> {
    const attempt: TokenAttempt = {
        kind,
        way,
        endpoint: TOKEN_ENDPOINTS[way],
        status: null,
        body: '',
        subjectKind: null,
        subject: null,
        ok: false,
        ...(way === 'signed' && key ? { signedSubject: subject, keySource: key.source } : {})
    };
    try {
        let token: AccessTokenResponse;
        if (way === 'signed' && key) {
            const identityToken = await signIdentityToken({ ...key, subject });
            onSecret(identityToken);
            token = await client.getAuthenticatedAccessToken(identityToken);
        } else token = await client.getUnauthenticatedAccessToken();
        onSecret(token.accessToken);
        attempt.status = 200;
        attempt.subject = token.context?.endUser?.subject ?? null;
        attempt.subjectKind = subjectKindOf(token);
        attempt.body = `accessToken, subject ${attempt.subject ?? '(none)'}`;
        attempt.ok = true;
        return { attempt, token };
    } catch (error) {
        if (!(error instanceof MiawError)) throw error;
        attempt.status =
            error.kind === 'http' || error.kind === 'unreadable' ? (error.status ?? null) : null;
        attempt.body = (error.body ?? error.message).slice(0, 300);
        if (
            error.kind === 'unreachable' ||
            error.kind === 'unreadable' ||
            error.kind === 'protocol'
        ) {
            attempt.status = error.status ?? null;
            attempt.body = error.message;
        }
        return { attempt, token: null };
    }
}

/** The refusal third-party reports quote when a channel verifies users and the call is a guest's. */
export function saysAuthModeOn(attempt: TokenAttempt): boolean {
    return (
        attempt.way === 'unauthenticated' &&
        attempt.status === 400 &&
        /auth mode to false/i.test(attempt.body)
    );
}

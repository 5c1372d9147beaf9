// The customer identity token OpenCX sends for a visitor with a verified email: a JWT signed RS256
// with the private key provisioning wrote, header `kid` = the key id registered in the
// PublicKeyCertificateSet, claims iss (the keyset's issuer), sub (the visitor), iat and exp.
// Salesforce finds the key by kid, checks the signature, iss and exp, and keeps `sub` as the
// verified identity (MessagingEndUser.MessagingPlatformKey ends in `uid:<sub>`).
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT, decodeProtectedHeader, decodeJwt } from 'jose';

export interface IdentityTokenInput {
    /** PEM (PKCS#8 or PKCS#1) or an already loaded key. */
    privateKey: string | KeyObject;
    kid: string;
    issuer: string;
    /** The verified visitor (OpenCX uses the visitor's verified email). */
    subject: string;
    /** Lifetime in seconds (default 5 minutes: the token is exchanged once, right away). */
    ttlSeconds?: number;
    /** Clock, seconds since the epoch (tests pass a fixed one). */
    nowSeconds?: number;
}

export async function signIdentityToken(input: IdentityTokenInput): Promise<string> {
    if (!input.kid) throw new Error('The identity token needs a key id (kid).');
    if (!input.issuer) throw new Error('The identity token needs an issuer (iss).');
    if (!input.subject) throw new Error('The identity token needs a subject (sub).');
    const key =
        typeof input.privateKey === 'string'
            ? createPrivateKey({ key: input.privateKey, format: 'pem' })
            : input.privateKey;
    if (key.asymmetricKeyType !== 'rsa') {
        throw new Error(
            `The identity key must be an RSA key (found ${key.asymmetricKeyType ?? 'none'}).`
        );
    }
    const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
    return new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: input.kid })
        .setIssuer(input.issuer)
        .setSubject(input.subject)
        .setIssuedAt(now)
        .setExpirationTime(now + (input.ttlSeconds ?? 300))
        .sign(key);
}

/** Reads the private key file provisioning wrote; a clear error when it is missing or not a key. */
export function readPrivateKeyFile(path: string): KeyObject {
    let pem: string;
    try {
        pem = readFileSync(path, 'utf8');
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new Error(
            code === 'ENOENT'
                ? `No private key at ${path}. Run \`npm run provision\` first (it writes the user-verification key), or pass --private-key <file>.`
                : `Cannot read the private key ${path}: ${(error as Error).message}`
        );
    }
    try {
        return createPrivateKey({ key: pem, format: 'pem' });
    } catch {
        throw new Error(`${path} is not a PEM private key (the file may be incomplete).`);
    }
}

/** Header and claims of a token, without checking anything (for messages and tests). */
export function describeToken(token: string): {
    kid?: string;
    alg?: string;
    iss?: string;
    sub?: string;
    iat?: number;
    exp?: number;
} {
    const header = decodeProtectedHeader(token);
    const claims = decodeJwt(token);
    return {
        kid: header.kid,
        alg: header.alg,
        iss: claims.iss,
        sub: claims.sub,
        iat: claims.iat,
        exp: claims.exp
    };
}

// The user-verification key: an RSA 2048 key pair made with node's crypto, a self-signed X.509
// certificate for it (node-forge), and the public JWK Salesforce's key set stores (kty, kid, alg
// RS256, use sig, n, e, x5c). The key id is the key's RFC 7638 thumbprint, so the same private key
// always yields the same kid and a rerun can tell whether its key is already registered.
import {
    createHash,
    createPrivateKey,
    createPublicKey,
    generateKeyPairSync,
    randomBytes,
    type KeyObject
} from 'node:crypto';
import forge from 'node-forge';

export interface PublicJwk {
    kty: 'RSA';
    kid: string;
    alg: 'RS256';
    use: 'sig';
    n: string;
    e: string;
    x5c: string[];
}

export const MIN_RSA_BITS = 2048;

export function generatePrivateKeyPem(): string {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: MIN_RSA_BITS });
    return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Parses a PEM private key; throws a plain-language error when it is not an RSA key of 2048+ bits. */
export function readPrivateKey(pem: string): KeyObject {
    let key: KeyObject;
    try {
        key = createPrivateKey(pem);
    } catch {
        throw new Error('is not a PEM private key');
    }
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (key.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
        throw new Error(`must be an RSA key of ${MIN_RSA_BITS} bits or more`);
    }
    return key;
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) of the key's public part. */
export function keyId(privateKey: KeyObject): string {
    const { n, e } = createPublicKey(privateKey).export({ format: 'jwk' }) as {
        n: string;
        e: string;
    };
    // Members in lexicographic order, no whitespace, as RFC 7638 requires.
    return createHash('sha256')
        .update(JSON.stringify({ e, kty: 'RSA', n }))
        .digest('base64url');
}

/** The PublicKeyCertificate developer name for a key: letters, digits, single underscores. */
export function certificateName(kid: string): string {
    return `OpenCX_Key_${createHash('sha256').update(kid).digest('hex').slice(0, 12)}`;
}

/** A self-signed certificate (base64 DER, as x5c carries it) for the key, valid five years. */
export function selfSignedCertificate(privateKeyPem: string, commonName: string): string {
    const privateKey = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
    const certificate = forge.pki.createCertificate();
    certificate.publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
    // Positive serial: a leading 0 nibble keeps the DER integer from reading as negative.
    certificate.serialNumber = `0${randomBytes(15).toString('hex')}`;
    const now = new Date();
    certificate.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
    certificate.validity.notAfter = new Date(now.getTime());
    certificate.validity.notAfter.setFullYear(now.getFullYear() + 5);
    const subject = [{ name: 'commonName', value: commonName }];
    certificate.setSubject(subject);
    certificate.setIssuer(subject);
    certificate.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true }
    ]);
    certificate.sign(privateKey, forge.md.sha256.create());
    const der = forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes();
    return Buffer.from(der, 'binary').toString('base64');
}

/** The public JWK for the private key, with a fresh self-signed certificate in x5c. */
export function publicJwk(privateKeyPem: string, commonName: string): PublicJwk {
    const key = readPrivateKey(privateKeyPem);
    const { n, e } = createPublicKey(key).export({ format: 'jwk' }) as { n: string; e: string };
    return {
        kty: 'RSA',
        kid: keyId(key),
        alg: 'RS256',
        use: 'sig',
        n,
        e,
        x5c: [selfSignedCertificate(privateKeyPem, commonName)]
    };
}

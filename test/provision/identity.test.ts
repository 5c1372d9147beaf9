// The six dashboard values work together: an identity token signed the way OpenCX signs it (RS256,
// header kid; claims iss, sub, iat, exp) with the private key file provisioning wrote verifies
// against the JWK provisioning registered in the org's key set (x5c certificate, kid, the key set's
// issuer), as Salesforce would check it. Also: key rotation and the refusal to overwrite a key file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { importPKCS8, importX509, jwtVerify, SignJWT, type JWK } from 'jose';
import { generatePrivateKeyPem } from '../../scripts/lib/identity-key.ts';
import { createHarness, repUsernames, type Harness } from './harness.ts';
import type { Emulator } from '../../testkit/emulator/index.ts';

const reps = repUsernames(1);
const config = { reps: reps.map((username) => ({ username })) };

interface Dashboard {
    'Instance URL': string;
    'ES Developer Name': string;
    'Salesforce Org ID': string;
    'Auth Key ID': string;
    Issuer: string;
    'Private key file': string;
}

/** The key set as Salesforce holds it: issuer and the JWKs of its certificates. */
function registeredKeys(emulator: Emulator): { issuer: string; keys: JWK[] } {
    const keySet = emulator.state
        .metadataOfType('PublicKeyCertificateSet')
        .get('OpenCX_Identity_Keys')!;
    const certificates = emulator.state.metadataOfType('PublicKeyCertificate');
    const names = (keySet.publicKeyCertificateSetKeys as { publicKeyCertificate: string }[]).map(
        (key) => key.publicKeyCertificate
    );
    return {
        issuer: String(keySet.jwtIssuer),
        keys: names.map((name) => JSON.parse(String(certificates.get(name)!.jsonWebKey)) as JWK)
    };
}

/** Verifies a token as Salesforce does: key by kid from the key set, via its x5c certificate, issuer. */
async function verifyAsSalesforce(emulator: Emulator, token: string) {
    const { issuer, keys } = registeredKeys(emulator);
    const [headerPart] = token.split('.');
    const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString()) as {
        kid: string;
        alg: string;
    };
    const jwk = keys.find((key) => key.kid === header.kid);
    if (!jwk) throw new Error(`no key with kid ${header.kid}`);
    assert.equal(jwk.alg, 'RS256');
    const pem = `-----BEGIN CERTIFICATE-----\n${jwk.x5c![0].match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----`;
    return jwtVerify(token, await importX509(pem, 'RS256'), { issuer, algorithms: ['RS256'] });
}

async function signAsOpenCx(
    privateKeyPem: string,
    kid: string,
    issuer: string,
    subject = 'visitor-42@example.com'
) {
    return new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(await importPKCS8(privateKeyPem, 'RS256'));
}

describe('identity key: the dashboard values verify a token end to end', () => {
    let harness: Harness;
    let dashboard: Dashboard;
    before(async () => {
        harness = await createHarness({ users: reps, config });
        const result = await harness.run(['--json']);
        assert.equal(result.code, 0, result.stderr);
        dashboard = (JSON.parse(result.stdout) as { dashboard: Dashboard }).dashboard;
    });
    after(() => harness.close());

    test('a token OpenCX signs with the written key verifies against the registered JWK', async () => {
        const pem = readFileSync(dashboard['Private key file'], 'utf8');
        const token = await signAsOpenCx(pem, dashboard['Auth Key ID'], dashboard.Issuer);
        const { payload, protectedHeader } = await verifyAsSalesforce(harness.emulator, token);
        assert.equal(protectedHeader.kid, dashboard['Auth Key ID']);
        assert.equal(payload.iss, 'opencx-handoff');
        assert.equal(payload.sub, 'visitor-42@example.com');
        assert.ok(typeof payload.iat === 'number' && typeof payload.exp === 'number');
    });

    test('the registered JWK carries kty, kid, alg, use, n, e and one x5c certificate', () => {
        const [jwk] = registeredKeys(harness.emulator).keys;
        assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c']);
        assert.equal(jwk.kid, dashboard['Auth Key ID']);
        assert.equal(jwk.x5c!.length, 1);
    });

    test('a token from another key, with the wrong issuer, or expired does not verify', async () => {
        const other = await signAsOpenCx(
            generatePrivateKeyPem(),
            dashboard['Auth Key ID'],
            dashboard.Issuer
        );
        await assert.rejects(
            verifyAsSalesforce(harness.emulator, other),
            /signature verification failed/
        );
        const pem = readFileSync(dashboard['Private key file'], 'utf8');
        const wrongIssuer = await signAsOpenCx(pem, dashboard['Auth Key ID'], 'someone-else');
        await assert.rejects(
            verifyAsSalesforce(harness.emulator, wrongIssuer),
            /unexpected "iss" claim value/
        );
        const expired = await new SignJWT({})
            .setProtectedHeader({ alg: 'RS256', kid: dashboard['Auth Key ID'] })
            .setIssuer(dashboard.Issuer)
            .setSubject('v')
            .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
            .setExpirationTime(Math.floor(Date.now() / 1000) - 1800)
            .sign(await importPKCS8(pem, 'RS256'));
        await assert.rejects(
            verifyAsSalesforce(harness.emulator, expired),
            /"exp" claim timestamp check failed/
        );
    });
});

describe('identity key: rotation and overwrite protection', () => {
    test('--rotate-key writes a new key, registers it, keeps the old one registered', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            const first = JSON.parse((await harness.run(['--json'])).stdout) as {
                dashboard: Dashboard;
            };
            const rotated = await harness.run(['--rotate-key', '--json']);
            assert.equal(rotated.code, 0, rotated.stderr);
            const second = (JSON.parse(rotated.stdout) as { dashboard: Dashboard }).dashboard;
            assert.notEqual(second['Auth Key ID'], first.dashboard['Auth Key ID']);
            assert.equal(statSync(second['Private key file']).mode & 0o777, 0o600);
            assert.deepEqual(
                registeredKeys(harness.emulator)
                    .keys.map((key) => key.kid)
                    .sort(),
                [first.dashboard['Auth Key ID'], second['Auth Key ID']].sort()
            );
            const token = await signAsOpenCx(
                readFileSync(second['Private key file'], 'utf8'),
                second['Auth Key ID'],
                second.Issuer
            );
            await verifyAsSalesforce(harness.emulator, token);
        } finally {
            await harness.close();
        }
    });

    test('a key file that is not a usable key is left alone: error, nothing written', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            const keyPath = `${harness.dir}/custom-key.pem`;
            harness.writeConfig({ ...config, identity: { privateKeyPath: 'custom-key.pem' } });
            writeFileSync(keyPath, 'not a key\n');
            const result = await harness.run();
            assert.equal(result.code, 2);
            assert.match(
                result.stderr,
                /custom-key\.pem is not a PEM private key; it is left as is/
            );
            // --rotate-key would not replace a file that is not a key: never suggested for one.
            assert.doesNotMatch(result.stderr, /--rotate-key/);
            assert.equal(readFileSync(keyPath, 'utf8'), 'not a key\n');
            assert.equal(harness.emulator.writeCount(), 0);
        } finally {
            await harness.close();
        }
    });

    test('an existing valid key file is kept and registered (a key made elsewhere, or a half-finished run)', async () => {
        const harness = await createHarness({ users: reps, config });
        try {
            const pem = generatePrivateKeyPem();
            harness.writeConfig({
                ...config,
                identity: { privateKeyPath: 'mine.pem', issuer: 'https://acme.example/opencx' }
            });
            writeFileSync(`${harness.dir}/mine.pem`, pem, { mode: 0o600 });
            const result = JSON.parse((await harness.run(['--json'])).stdout) as {
                dashboard: Dashboard;
            };
            assert.equal(readFileSync(`${harness.dir}/mine.pem`, 'utf8'), pem);
            assert.equal(result.dashboard.Issuer, 'https://acme.example/opencx');
            assert.equal(registeredKeys(harness.emulator).issuer, 'https://acme.example/opencx');
            const token = await signAsOpenCx(
                pem,
                result.dashboard['Auth Key ID'],
                result.dashboard.Issuer
            );
            await verifyAsSalesforce(harness.emulator, token);
        } finally {
            await harness.close();
        }
    });
});

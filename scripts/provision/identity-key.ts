// Step 5, the user-verification key. OpenCX signs each verified visitor's identity token (RS256) with
// a private key; Salesforce checks it against the channel's key set. This step makes an RSA 2048
// key locally, writes the private key PEM with mode 0600 (never over an existing file unless
// --rotate-key), and registers its public JWK (kid, alg RS256, x5c self-signed certificate) through
// the Metadata API: a PublicKeyCertificate holding the JWK, referenced from the
// PublicKeyCertificateSet, whose jwtIssuer must equal the issuer OpenCX puts in its tokens.
// Order: the key file first, then the org, so a failure in between leaves a key a rerun registers.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Connection } from 'jsforce';
import {
    certificateName,
    generatePrivateKeyPem,
    keyId,
    publicJwk,
    readPrivateKey
} from '../lib/identity-key.ts';
import { assertSaved, readMetadata, upsertMetadata } from '../lib/metadata-api.ts';
import type { ProjectNames } from '../lib/project.ts';
import { PlanError, type PlannedChange, type ProvisionContext, type Step } from './context.ts';

export interface KeySetComponent {
    fullName?: string;
    masterLabel?: string;
    description?: string;
    type?: string;
    jwtIssuer?: string;
    jwksEndPoint?: string;
    publicKeyCertificateSetKeys?:
        { publicKeyCertificate: string } | { publicKeyCertificate: string }[];
}

function toArray<T>(value: T | T[] | undefined): T[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}

/** The key set as the org has it; undefined when it is not deployed. */
export async function readKeySet(
    conn: Connection,
    project: ProjectNames
): Promise<KeySetComponent | undefined> {
    const [component] = await readMetadata<KeySetComponent>(conn, 'PublicKeyCertificateSet', [
        project.keySet.name
    ]);
    return component?.fullName ? component : undefined;
}

export function registeredCertificates(keySet: KeySetComponent): string[] {
    return toArray(keySet.publicKeyCertificateSetKeys).map((key) => key.publicKeyCertificate);
}

export function defaultPrivateKeyPath(stateDir: string, orgId: string): string {
    return join(stateDir, orgId, 'identity-key.pem');
}

export function expectedIssuer(
    context: Pick<ProvisionContext, 'config' | 'project'>
): string | undefined {
    return context.config.identity.issuer ?? context.project.keySet.issuer;
}

/** The kid of the private key at `path`; throws PlanError when the file is not a usable key. */
export function localKeyId(path: string, rotateHint: boolean): string {
    try {
        return keyId(readPrivateKey(readFileSync(path, 'utf8')));
    } catch (error) {
        throw new PlanError(
            `${path} ${(error as Error).message}${rotateHint ? '; it is left as is: --rotate-key replaces it with a new key' : ''}`
        );
    }
}

export const identityKeyStep: Step = {
    id: 'identity-key',
    title: 'User-verification key',
    plan: async (context: ProvisionContext) => {
        const { conn, project, config, options, snapshot } = context;
        const issuer = expectedIssuer(context);
        if (!issuer) {
            throw new PlanError(
                `no JWT issuer: set jwtIssuer in PublicKeyCertificateSet/${project.keySet.name} or identity.issuer in the config`
            );
        }
        const keySet = await readKeySet(conn, project);
        if (!keySet) {
            throw new PlanError(
                `key set ${project.keySet.name} is not in the org: deploy the project first`,
                1
            );
        }
        const keyPath =
            config.identity.privateKeyPath ??
            defaultPrivateKeyPath(options.stateDir, snapshot.orgId);
        const keyExists = existsSync(keyPath);
        const newKey = !keyExists || options.rotateKey;
        const kid = newKey ? undefined : localKeyId(keyPath, true);
        const registered = registeredCertificates(keySet);
        const needsRegistration = newKey || !registered.includes(certificateName(kid!));
        const issuerWrong = keySet.jwtIssuer !== issuer;

        context.facts.issuer = issuer;
        context.facts.privateKeyPath = keyPath;
        context.facts.authKeyId = kid;

        const changes: PlannedChange[] = [];
        if (newKey) {
            changes.push({
                action: keyExists ? 'update' : 'create',
                description: `${keyExists ? 'replace' : 'write'} the private key ${keyPath} (RSA 2048, mode 0600)`
            });
        }
        if (needsRegistration) {
            changes.push({
                action: 'create',
                description: `register the public key${kid ? ` ${kid}` : ''} (JWK with x5c) in key set ${project.keySet.name}`
            });
        }
        if (issuerWrong) {
            changes.push({
                action: 'update',
                description: `set the issuer of key set ${project.keySet.name} to "${issuer}" (now "${keySet.jwtIssuer ?? ''}")`
            });
        }
        return {
            changes,
            unchangedSummary: `key ${kid} registered in ${project.keySet.name}, issuer "${issuer}"`,
            apply: async () => {
                let pem: string;
                if (newKey) {
                    pem = generatePrivateKeyPem();
                    mkdirSync(dirname(keyPath), { recursive: true, mode: 0o700 });
                    // 'wx' fails if a file appeared since the plan: never overwrite without --rotate-key.
                    writeFileSync(keyPath, pem, {
                        mode: 0o600,
                        flag: options.rotateKey ? 'w' : 'wx'
                    });
                    chmodSync(keyPath, 0o600);
                } else {
                    pem = readFileSync(keyPath, 'utf8');
                }
                const jwk = publicJwk(pem, `OpenCX Handoff ${snapshot.orgId}`);
                const name = certificateName(jwk.kid);
                const certificates = registered.includes(name) ? registered : [...registered, name];
                if (!registered.includes(name)) {
                    assertSaved(
                        // Elements in the WSDL's sequence order: the SOAP API rejects any other.
                        await upsertMetadata(conn, 'PublicKeyCertificate', {
                            fullName: name,
                            description: `Signs OpenCX identity tokens (kid ${jwk.kid}); added by npm run provision.`,
                            isActive: true,
                            jsonWebKey: JSON.stringify(jwk),
                            masterLabel: `OpenCX key ${jwk.kid.slice(0, 8)}`
                        }),
                        'PublicKeyCertificate'
                    );
                }
                assertSaved(
                    await upsertMetadata(conn, 'PublicKeyCertificateSet', {
                        fullName: project.keySet.name,
                        ...(keySet.description ? { description: keySet.description } : {}),
                        ...(keySet.jwksEndPoint ? { jwksEndPoint: keySet.jwksEndPoint } : {}),
                        jwtIssuer: issuer,
                        masterLabel: keySet.masterLabel ?? project.keySet.label,
                        publicKeyCertificateSetKeys: certificates.map((certificate) => ({
                            publicKeyCertificate: certificate
                        })),
                        type: keySet.type ?? project.keySet.type
                    }),
                    'PublicKeyCertificateSet'
                );
                context.facts.authKeyId = jwk.kid;
                const parts = [
                    ...(newKey ? [`new key ${jwk.kid} written to ${keyPath}`] : []),
                    ...(needsRegistration
                        ? [`key ${jwk.kid} registered in ${project.keySet.name}`]
                        : []),
                    ...(issuerWrong ? [`issuer set to "${issuer}"`] : []),
                    ...(newKey && registered.length > 0
                        ? [
                              `${registered.length} earlier key(s) stay registered until you remove them in Setup`
                          ]
                        : [])
                ];
                return {
                    outcome: newKey && !keyExists ? 'created' : 'updated',
                    summary: parts.join('; '),
                    details: {
                        authKeyId: jwk.kid,
                        certificate: name,
                        issuer,
                        privateKeyPath: keyPath
                    }
                };
            }
        };
    }
};

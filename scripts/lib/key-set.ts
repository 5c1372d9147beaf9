// The channel's key set (PublicKeyCertificateSet) as the org has it, and registering a key in it
// safely when another run may be doing the same: re-read before the write, merge (keep every key
// the org has), write, read again to verify; a run whose key is still missing tries again and, if it
// keeps losing, says so instead of printing a key id the org does not know.
import { join } from 'node:path';
import type { Connection } from 'jsforce';
import { isObject, UnreadableAnswerError } from './answer.ts';
import { CliError } from './cli.ts';
import { assertSaved, readMetadata, upsertMetadata } from './metadata-api.ts';
import type { ProjectNames } from './project.ts';

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

/** Where provisioning keeps the private key by default: <state dir>/<org id>/identity-key.pem. */
export function defaultPrivateKeyPath(stateDir: string, orgId: string): string {
    return join(stateDir, orgId, 'identity-key.pem');
}

/** The key set as the org has it; undefined when it is not deployed. */
export async function readKeySet(
    conn: Connection,
    project: ProjectNames
): Promise<KeySetComponent | undefined> {
    const answer: unknown = await readMetadata<KeySetComponent>(conn, 'PublicKeyCertificateSet', [
        project.keySet.name
    ]);
    const [component] = toArray(answer as KeySetComponent | KeySetComponent[]);
    if (component !== undefined && component !== null && !isObject(component)) {
        throw new UnreadableAnswerError(`PublicKeyCertificateSet ${project.keySet.name}`, answer);
    }
    return component?.fullName ? component : undefined;
}

export function registeredCertificates(keySet: KeySetComponent): string[] {
    return toArray(keySet.publicKeyCertificateSetKeys).map((key) => key.publicKeyCertificate);
}

export interface Registration {
    /** True when the set held keys this run had not seen when it planned (another run's). */
    mergedOtherKeys: boolean;
    attempts: number;
}

const MAX_ATTEMPTS = 3;

/**
 * Makes sure `certificate` is in the key set with `issuer`, keeping every key the org has. `seen`
 * are the keys the run's plan read; keys beyond them came from another run and are kept.
 */
export async function registerInKeySet(
    conn: Connection,
    project: ProjectNames,
    certificate: string,
    issuer: string,
    seen: string[]
): Promise<Registration> {
    let mergedOtherKeys = false;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
        const current = await readKeySet(conn, project);
        if (!current) {
            throw new CliError(
                'KEY_SET_MISSING',
                `key set ${project.keySet.name} is not in the org`,
                {
                    fix: 'deploy the project first: npm run deploy -- --target-org <alias> (in verified mode it deploys the key set)'
                }
            );
        }
        const keys = registeredCertificates(current);
        if (keys.some((key) => !seen.includes(key) && key !== certificate)) mergedOtherKeys = true;
        if (keys.includes(certificate) && current.jwtIssuer === issuer) {
            return { mergedOtherKeys, attempts: attempt };
        }
        const merged = keys.includes(certificate) ? keys : [...keys, certificate];
        assertSaved(
            // Elements in the WSDL's sequence order: the SOAP API rejects any other.
            await upsertMetadata(conn, 'PublicKeyCertificateSet', {
                fullName: project.keySet.name,
                ...(current.description ? { description: current.description } : {}),
                ...(current.jwksEndPoint ? { jwksEndPoint: current.jwksEndPoint } : {}),
                jwtIssuer: issuer,
                masterLabel: current.masterLabel ?? project.keySet.label,
                publicKeyCertificateSetKeys: merged.map((name) => ({ publicKeyCertificate: name })),
                type: current.type ?? project.keySet.type
            }),
            'PublicKeyCertificateSet'
        );
        // Verify: another run may have written its own list between our read and our write.
        const after = await readKeySet(conn, project);
        if (after && registeredCertificates(after).includes(certificate)) {
            const lost = keys.filter((key) => !registeredCertificates(after).includes(key));
            if (lost.length === 0) return { mergedOtherKeys, attempts: attempt };
        }
        mergedOtherKeys = true;
    }
    throw new CliError(
        'KEY_SET_RACE',
        `another run changed key set ${project.keySet.name} at the same time ${MAX_ATTEMPTS} times; this run's key ${certificate} may not be registered`,
        { fix: 'wait for the other run to finish, then rerun npm run provision' }
    );
}

// Step 5, the user-verification key (visitorVerification 'verified' only). OpenCX signs each verified
// visitor's identity token (RS256) with a private key; Salesforce checks it against the channel's key
// set. This step makes an RSA 2048 key locally and registers its public JWK (kid, alg RS256, x5c
// self-signed certificate) through the Metadata API: a PublicKeyCertificate holding the JWK,
// referenced from the PublicKeyCertificateSet, whose jwtIssuer must equal the issuer OpenCX uses.
// The key file: written atomically, never through a symlink or over a file that is not a key
// (scripts/lib/key-file.ts). A first key is written before it is registered, so a failure in between
// leaves a key a rerun registers. A rotated key waits in <key>.pending until the org has it; only
// then does it replace the working key, so a failed rotation leaves the working key as it was.
import { certificateName, generatePrivateKeyPem, publicJwk } from '../lib/identity-key.ts';
import {
    inspectKeyFile,
    pendingKeyPath,
    promotePendingKey,
    type KeyFileState
} from '../lib/key-file.ts';
import { writeFileAtomic } from '../lib/atomic-file.ts';
import {
    defaultPrivateKeyPath,
    readKeySet,
    registerInKeySet,
    registeredCertificates
} from '../lib/key-set.ts';
import { assertSaved, upsertMetadata } from '../lib/metadata-api.ts';
import type { ProjectNames } from '../lib/project.ts';
import type { Connection } from 'jsforce';
import {
    PlanError,
    type PlannedChange,
    type ProvisionContext,
    type Step,
    type StepResult
} from './context.ts';

export function expectedIssuer(
    context: Pick<ProvisionContext, 'config' | 'project'>
): string | undefined {
    return context.config.identity.issuer ?? context.project.keySet.issuer;
}

export function privateKeyPathOf(
    context: Pick<ProvisionContext, 'config' | 'options' | 'snapshot'>
) {
    return (
        context.config.identity.privateKeyPath ??
        defaultPrivateKeyPath(context.options.stateDir, context.snapshot.orgId)
    );
}

/** What the step will do with the key file. */
type KeyPlan =
    | { action: 'keep'; kid: string; pem: string }
    | { action: 'create'; replacesEmpty: boolean }
    | { action: 'rotate'; pending: string | undefined };

function planKeyFile(current: KeyFileState, pending: KeyFileState, rotate: boolean): KeyPlan {
    if (current.kind !== 'key')
        return { action: 'create', replacesEmpty: current.kind === 'empty' };
    // A rotation interrupted after its key was made: finish with that key, do not mint another.
    if (rotate)
        return { action: 'rotate', pending: pending.kind === 'key' ? pending.pem : undefined };
    return { action: 'keep', kid: current.kid, pem: current.pem };
}

function describeKeyChange(plan: KeyPlan, keyPath: string): PlannedChange | undefined {
    if (plan.action === 'keep') return undefined;
    if (plan.action === 'create') {
        return {
            action: 'create',
            description: `${plan.replacesEmpty ? 'replace the empty file' : 'write the private key'} ${keyPath} (RSA 2048, mode 0600)`
        };
    }
    return {
        action: 'update',
        description: `make a new key; it replaces ${keyPath} once the org has it`
    };
}

/** Writes the key file as planned; returns the PEM to register. */
function writeKey(plan: KeyPlan, keyPath: string): string {
    if (plan.action === 'keep') return plan.pem;
    if (plan.action === 'create') {
        const pem = generatePrivateKeyPem();
        writeFileAtomic(keyPath, pem);
        return pem;
    }
    if (plan.pending) return plan.pending;
    const pem = generatePrivateKeyPem();
    writeFileAtomic(pendingKeyPath(keyPath), pem);
    return pem;
}

async function registerCertificate(conn: Connection, pem: string, orgId: string) {
    const jwk = publicJwk(pem, `OpenCX Handoff ${orgId}`);
    const name = certificateName(jwk.kid);
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
    return { kid: jwk.kid, name };
}

function requireIssuer(context: ProvisionContext, project: ProjectNames): string {
    const issuer = expectedIssuer(context);
    if (!issuer) {
        throw new PlanError(
            `no JWT issuer: set jwtIssuer in PublicKeyCertificateSet/${project.keySet.name} or identity.issuer in the config`
        );
    }
    return issuer;
}

function plannedChanges(
    keyPlan: KeyPlan,
    keyPath: string,
    kid: string | undefined,
    registered: string[],
    orgIssuer: string | undefined,
    issuer: string,
    project: ProjectNames
): PlannedChange[] {
    const keyChange = describeKeyChange(keyPlan, keyPath);
    const changes: PlannedChange[] = keyChange ? [keyChange] : [];
    if (!kid || !registered.includes(certificateName(kid))) {
        changes.push({
            action: 'create',
            description: `register the public key${kid ? ` ${kid}` : ''} (JWK with x5c) in key set ${project.keySet.name}`
        });
    }
    if (orgIssuer !== issuer) {
        changes.push({
            action: 'update',
            description: `set the issuer of key set ${project.keySet.name} to "${issuer}" (now "${orgIssuer ?? ''}")`
        });
    }
    return changes;
}

interface KeyWork {
    keyPlan: KeyPlan;
    keyPath: string;
    issuer: string;
    /** The key set's certificates when the plan read it. */
    registered: string[];
    orgIssuer: string | undefined;
}

/** Writes the key file as planned, registers the key, and only then promotes a rotated key. */
async function applyIdentityKey(context: ProvisionContext, work: KeyWork): Promise<StepResult> {
    const { conn, project, snapshot } = context;
    const { keyPlan, keyPath, issuer, registered, orgIssuer } = work;
    const pem = writeKey(keyPlan, keyPath);
    context.redactor.add(pem);
    const certificate = await registerCertificate(conn, pem, snapshot.orgId);
    const registration = await registerInKeySet(
        conn,
        project,
        certificate.name,
        issuer,
        registered
    );
    if (keyPlan.action === 'rotate') promotePendingKey(keyPath);
    context.facts.authKeyId = certificate.kid;
    const parts = [
        ...(keyPlan.action === 'keep' ? [] : [`new key ${certificate.kid} in ${keyPath}`]),
        `key ${certificate.kid} registered in ${project.keySet.name}`,
        ...(orgIssuer !== issuer ? [`issuer set to "${issuer}"`] : []),
        ...(registration.mergedOtherKeys
            ? ['another run changed the key set at the same time: its keys were kept']
            : []),
        ...(keyPlan.action === 'rotate' && registered.length > 0
            ? [`${registered.length} earlier key(s) stay registered until you remove them in Setup`]
            : [])
    ];
    return {
        outcome: keyPlan.action === 'create' ? 'created' : 'updated',
        summary: parts.join('; '),
        details: {
            authKeyId: certificate.kid,
            certificate: certificate.name,
            issuer,
            privateKeyPath: keyPath,
            ...(registration.mergedOtherKeys ? { mergedConcurrentRun: true } : {})
        }
    };
}

export const identityKeyStep: Step = {
    id: 'identity-key',
    title: 'User-verification key',
    plan: async (context: ProvisionContext) => {
        const { conn, project, options, config } = context;
        if (config.visitorVerification === 'open') {
            return {
                changes: [],
                unchangedSummary:
                    'not used: visitorVerification is open (every visitor is a guest to Salesforce)',
                apply: () => Promise.reject(new Error('nothing to apply'))
            };
        }
        const issuer = requireIssuer(context, project);
        const keyPath = privateKeyPathOf(context);
        // Refuses symlinks, folders and files that are not keys before anything is read or written.
        const keyPlan = planKeyFile(
            inspectKeyFile(keyPath),
            options.rotateKey ? inspectKeyFile(pendingKeyPath(keyPath)) : { kind: 'missing' },
            options.rotateKey
        );
        const keySet = await readKeySet(conn, project);
        if (!keySet) {
            throw new PlanError(
                `key set ${project.keySet.name} is not in the org: deploy the project first (npm run deploy -- --target-org <alias> deploys it in verified mode)`,
                1
            );
        }
        const registered = registeredCertificates(keySet);
        const kid = keyPlan.action === 'keep' ? keyPlan.kid : undefined;
        context.facts.issuer = issuer;
        context.facts.privateKeyPath = keyPath;
        context.facts.authKeyId = kid;

        const changes = plannedChanges(
            keyPlan,
            keyPath,
            kid,
            registered,
            keySet.jwtIssuer,
            issuer,
            project
        );
        return {
            changes,
            unchangedSummary: `key ${kid} registered in ${project.keySet.name}, issuer "${issuer}"`,
            apply: () =>
                applyIdentityKey(context, {
                    keyPlan,
                    keyPath,
                    issuer,
                    registered,
                    orgIssuer: keySet.jwtIssuer
                })
        };
    }
};

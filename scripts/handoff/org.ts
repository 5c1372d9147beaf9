// The rehearsal's org connection and the defaults of its identity token, from the shared modules in
// scripts/lib (never from another command): the same login handling as provisioning (stored `sf`
// login, or --instance-url with SF_ACCESS_TOKEN; every request with a deadline and progress), the
// private key file provisioning writes (.opencx/<org id>/identity-key.pem), its key id (the key's
// RFC 7638 thumbprint) and the key set's issuer as the org has it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'jsforce';
import { CliError, EXIT } from '../lib/cli.ts';
import { connectToOrg, toCliError, type OrgConnection } from '../lib/org.ts';
import { keyId, readPrivateKey } from '../lib/identity-key.ts';
import { readMetadata } from '../lib/metadata-api.ts';
import { loadProjectNames, type ProjectNames } from '../lib/project.ts';
import type { OrgApi } from './verify.ts';

export interface ConnectedOrg {
    api: OrgApi;
    orgId: string;
    label: string;
    connection: OrgConnection;
    project: ProjectNames;
}

export async function connectOrg(
    options: { targetOrg?: string; instanceUrl?: string },
    env: NodeJS.ProcessEnv
): Promise<ConnectedOrg> {
    const project = loadProjectNames();
    const connection = await connectToOrg({
        aliasOrUsername: options.targetOrg,
        instanceUrl: options.instanceUrl,
        accessToken: env.SF_ACCESS_TOKEN,
        apiVersion: project.apiVersion
    }).catch((error: unknown) => {
        throw toCliError(error, {
            label: options.targetOrg ?? options.instanceUrl ?? 'the org',
            loginHint: options.targetOrg
                ? `sf org login web --alias ${options.targetOrg}`
                : 'set SF_ACCESS_TOKEN to a fresh access token for --instance-url'
        });
    });
    const api = orgApi(connection);
    const organization = await api.query<{ Id: string }>('SELECT Id FROM Organization');
    const orgId = organization[0]?.Id;
    if (typeof orgId !== 'string' || !/^00D[0-9A-Za-z]{12,15}$/.test(orgId)) {
        throw new CliError('ORG_ID_UNKNOWN', 'The org did not return its Organization record.', {
            fix: 'Pass --org-id 00D….',
            exitCode: EXIT.usage
        });
    }
    return { api, orgId, label: connection.label, connection, project };
}

/** Queries without jsforce's `attributes`, every failure a CliError that names the query. */
function orgApi(connection: OrgConnection): OrgApi {
    const { conn } = connection;
    const run = async <T>(
        soql: string,
        read: () => PromiseLike<{ records: T[] }>
    ): Promise<T[]> => {
        try {
            const result = await read();
            if (!Array.isArray(result?.records)) {
                throw new CliError(
                    'UNREADABLE_ANSWER',
                    `the org answered a query without records (query: ${soql})`,
                    {
                        fix: 'rerun in a few minutes'
                    }
                );
            }
            return result.records.map((record) => {
                const { attributes: _attributes, ...fields } = record as T & {
                    attributes?: unknown;
                };
                return fields as unknown as T;
            });
        } catch (error) {
            throw queryError(error, connection, soql);
        }
    };
    return {
        instanceUrl: conn.instanceUrl,
        query: <T extends Record<string, unknown>>(soql: string) =>
            run<T>(soql, () => conn.query<T>(soql, { autoFetch: true, maxFetch: 50_000 })),
        toolingQuery: <T extends Record<string, unknown>>(soql: string) =>
            run<T>(soql, () => conn.tooling.query<T>(soql)),
        updateSession: async (id: string, fields: Record<string, unknown>) => {
            const result = await conn.sobject('MessagingSession').update({ Id: id, ...fields });
            if (!result.success) {
                const errors = (result as { errors?: Array<{ message?: string }> }).errors ?? [];
                throw new Error(
                    errors.map((error) => error.message).join('; ') || 'update refused'
                );
            }
        }
    };
}

function queryError(error: unknown, connection: OrgConnection, soql: string): CliError {
    const failure = toCliError(error, connection);
    if (
        ['LOGIN', 'CONNECTION_LOST', 'REQUEST_TIMEOUT', 'UNREADABLE_ANSWER'].includes(failure.code)
    ) {
        return new CliError(failure.code, failure.message, {
            fix: failure.fix,
            exitCode: EXIT.usage
        });
    }
    return new CliError(
        'ORG_QUERY_FAILED',
        `The org refused a query: ${failure.message} (query: ${soql})`,
        {
            fix: 'Deploy the project metadata (npm run deploy) and run as an admin with the OpenCX_Handoff_Admin permission set.',
            exitCode: EXIT.usage
        }
    );
}

interface KeySetComponent {
    fullName?: string;
    jwtIssuer?: string;
}

/** The identity token's defaults: provisioning's key file, its kid, the org key set's issuer. */
export async function identityDefaults(
    org: ConnectedOrg,
    stateDir: string
): Promise<{
    privateKeyPath: string;
    kidOf: (privateKeyPath: string) => string;
    issuer: string | undefined;
}> {
    let issuer = org.project.keySet.issuer;
    try {
        issuer = (await readKeySetIssuer(org.connection.conn, org.project)) ?? issuer;
    } catch {
        // Not readable (permissions, open mode: no key set): the shipped issuer; --issuer wins.
    }
    return {
        privateKeyPath: join(stateDir, org.orgId, 'identity-key.pem'),
        kidOf: (path) => keyId(readPrivateKey(readFileSync(path, 'utf8'))),
        issuer
    };
}

async function readKeySetIssuer(
    conn: Connection,
    project: ProjectNames
): Promise<string | undefined> {
    const [component] = await readMetadata<KeySetComponent>(conn, 'PublicKeyCertificateSet', [
        project.keySet.name
    ]);
    return component?.fullName && typeof component.jwtIssuer === 'string'
        ? component.jwtIssuer
        : undefined;
}

// The rehearsal's org connection and the defaults of its identity token, from provisioning's own
// modules: the same login handling (stored `sf` login, or --instance-url with SF_ACCESS_TOKEN),
// the same private key file, the same key id (the key's RFC 7638 thumbprint) and the key set's
// issuer as the org has it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectToOrg, describeApiError, type OrgConnection } from '../lib/org.ts';
import { keyId, readPrivateKey } from '../lib/identity-key.ts';
import { loadProjectNames, type ProjectNames } from '../lib/project.ts';
import { defaultPrivateKeyPath, readKeySet } from '../provision/identity-key.ts';
import type { OrgApi } from './verify.ts';

export class OrgConnectionError extends Error {
    constructor(
        readonly code: string,
        message: string,
        readonly fix: string
    ) {
        super(message);
        this.name = 'OrgConnectionError';
    }
}

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
    let connection: OrgConnection;
    try {
        connection = await connectToOrg({
            aliasOrUsername: options.targetOrg,
            instanceUrl: options.instanceUrl,
            accessToken: env.SF_ACCESS_TOKEN,
            apiVersion: project.apiVersion
        });
    } catch (error) {
        throw new OrgConnectionError(
            'org-connection',
            (error as Error).message,
            options.targetOrg
                ? `sf org login web --alias ${options.targetOrg}`
                : 'Set SF_ACCESS_TOKEN to a fresh access token for --instance-url.'
        );
    }
    const { conn } = connection;
    const strip = <T>(records: T[]): T[] =>
        records.map((record) => {
            const { attributes: _attributes, ...fields } = record as T & { attributes?: unknown };
            return fields as unknown as T;
        });
    const api: OrgApi = {
        instanceUrl: conn.instanceUrl,
        async query<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
            try {
                return strip(
                    (await conn.query<T>(soql, { autoFetch: true, maxFetch: 50_000 })).records
                );
            } catch (error) {
                throw orgError(error, connection, soql);
            }
        },
        async toolingQuery<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
            try {
                return strip((await conn.tooling.query<T>(soql)).records);
            } catch (error) {
                throw orgError(error, connection, soql);
            }
        }
    };
    const organization = await api.query<{ Id: string }>('SELECT Id FROM Organization');
    const orgId = organization[0]?.Id;
    if (!orgId) {
        throw new OrgConnectionError(
            'org-id-unknown',
            'The org did not return its Organization record.',
            'Pass --org-id 00D….'
        );
    }
    return { api, orgId, label: connection.label, connection, project };
}

function orgError(error: unknown, connection: OrgConnection, soql: string): OrgConnectionError {
    const failure = error as { errorCode?: string; name?: string };
    const message = describeApiError(error, connection);
    const code = failure.errorCode ?? failure.name ?? '';
    if (code === 'INVALID_SESSION_ID' || /ERROR_HTTP_401/.test(code)) {
        return new OrgConnectionError(
            'org-login-expired',
            message,
            `${connection.loginHint}, then rerun this command.`
        );
    }
    if (/Lost the connection/.test(message)) {
        return new OrgConnectionError('org-unreachable', message, 'Check the network, then rerun.');
    }
    return new OrgConnectionError(
        'org-query-failed',
        `The org refused a query: ${message} (query: ${soql})`,
        'Deploy the project metadata (sf project deploy start) and run as an admin with the OpenCX_Handoff_Admin permission set.'
    );
}

/** The identity token's defaults: provisioning's key file, its kid, the org key set's issuer. */
export async function identityDefaults(org: ConnectedOrg): Promise<{
    privateKeyPath: string;
    kidOf: (privateKeyPath: string) => string;
    issuer: string | undefined;
}> {
    let issuer = org.project.keySet.issuer;
    try {
        issuer = (await readKeySet(org.connection.conn, org.project))?.jwtIssuer ?? issuer;
    } catch {
        // Not readable (permissions): the issuer the project ships is the best guess; --issuer wins.
    }
    return {
        privateKeyPath: defaultPrivateKeyPath(resolve(process.cwd(), '.opencx'), org.orgId),
        kidOf: (path) => keyId(readPrivateKey(readFileSync(path, 'utf8'))),
        issuer
    };
}

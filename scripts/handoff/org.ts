// The org connection of the rehearsal and the defaults of the identity token. Interim: replaced
// by provisioning's shared modules as soon as they exist.
import { Org } from '@salesforce/core';
import { Connection } from 'jsforce';
import { join } from 'node:path';
import { loadProjectNames, PROJECT_ROOT } from '../lib/project.ts';
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
}

interface JsforceLikeError {
    errorCode?: string;
    name?: string;
    message?: string;
}

export async function connectOrg(
    options: { targetOrg?: string; instanceUrl?: string },
    env: NodeJS.ProcessEnv
): Promise<ConnectedOrg> {
    const label = options.targetOrg ?? options.instanceUrl ?? '';
    const loginFix = options.targetOrg
        ? `Log in again: sf org login web --alias ${options.targetOrg}`
        : 'Set SF_ACCESS_TOKEN to a fresh access token for --instance-url.';
    let connection: Connection;
    if (options.instanceUrl) {
        const accessToken = env.SF_ACCESS_TOKEN;
        if (!accessToken) {
            throw new OrgConnectionError(
                'no-access-token',
                '--instance-url needs the access token in SF_ACCESS_TOKEN.',
                loginFix
            );
        }
        connection = new Connection({
            instanceUrl: options.instanceUrl,
            accessToken,
            version: loadProjectNames().apiVersion
        });
    } else {
        try {
            const org = await Org.create({ aliasOrUsername: options.targetOrg });
            connection = org.getConnection() as unknown as Connection;
        } catch (error) {
            throw new OrgConnectionError(
                'org-not-found',
                `No sf login for "${options.targetOrg}": ${(error as Error).message}`,
                `Log in first: sf org login web --alias ${options.targetOrg}`
            );
        }
    }

    const api: OrgApi = {
        instanceUrl: connection.instanceUrl,
        async query<T extends Record<string, unknown>>(soql: string): Promise<T[]> {
            try {
                const result = await connection.query<T>(soql, {
                    autoFetch: true,
                    maxFetch: 50_000
                });
                return result.records.map((record) => {
                    const { attributes: _attributes, ...fields } = record as T & {
                        attributes?: unknown;
                    };
                    return fields as unknown as T;
                });
            } catch (error) {
                const failure = error as JsforceLikeError;
                if (
                    failure.errorCode === 'INVALID_SESSION_ID' ||
                    failure.name === 'INVALID_SESSION_ID'
                ) {
                    throw new OrgConnectionError(
                        'org-login-expired',
                        `The login to ${label} has expired or was revoked (INVALID_SESSION_ID).`,
                        loginFix
                    );
                }
                const code =
                    (error as { cause?: { code?: string } }).cause?.code ??
                    (error as { code?: string }).code;
                if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
                    throw new OrgConnectionError(
                        'org-unreachable',
                        `Cannot reach ${connection.instanceUrl} (${code}).`,
                        'Check the network, or the instance URL.'
                    );
                }
                throw new OrgConnectionError(
                    'org-query-failed',
                    `The org refused a query (${failure.errorCode ?? failure.name ?? 'error'}): ${failure.message ?? String(error)}\n  query: ${soql}`,
                    'Deploy the project metadata (sf project deploy start) and run as a user with the OpenCX_Handoff_Admin permission set.'
                );
            }
        }
    };
    const organization = await api.query<{ Id: string }>('SELECT Id FROM Organization');
    const orgId = organization[0]?.Id;
    if (!orgId)
        throw new OrgConnectionError(
            'org-id-unknown',
            'The org did not return its Organization record.',
            'Pass --org-id 00D….'
        );
    return { api, orgId, label };
}

/** Where the identity token's key, kid and issuer come from when no flag names them. */
export function identityDefaults(): {
    privateKeyPath: string;
    kid: (privateKeyPath: string) => string | undefined;
    issuer: string | undefined;
} {
    return {
        privateKeyPath: join(PROJECT_ROOT, '.opencx', 'identity-private-key.pem'),
        kid: () => undefined,
        issuer: loadProjectNames().keySet.issuer
    };
}

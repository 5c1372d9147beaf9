// Connecting to the org the way `sf` does, and turning API failures into messages an admin can act
// on. Two ways in: the CLI's stored login (@salesforce/core reads ~/.sfdx and refreshes the token),
// or --instance-url with SF_ACCESS_TOKEN for CI. Either way the result is a jsforce Connection.
import { Connection } from 'jsforce';

export interface OrgTarget {
    /** `sf` alias or username (stored login). */
    aliasOrUsername?: string;
    /** With `accessToken`: connect directly (CI). */
    instanceUrl?: string;
    accessToken?: string;
    apiVersion: string;
}

export interface OrgConnection {
    conn: Connection;
    /** How the admin named the org: the alias/username, or the instance URL. */
    label: string;
    /** The login command that fixes an expired or missing session. */
    loginHint: string;
}

export class OrgConnectionError extends Error {}

function loginHint(alias: string | undefined): string {
    return alias
        ? `sf org login web --alias ${alias}`
        : 'sf org login web --alias <alias> (or set a fresh SF_ACCESS_TOKEN)';
}

export async function connectToOrg(target: OrgTarget): Promise<OrgConnection> {
    if (target.instanceUrl) {
        if (!target.accessToken) {
            throw new OrgConnectionError(
                '--instance-url needs the access token in the SF_ACCESS_TOKEN environment variable'
            );
        }
        const url = target.instanceUrl.replace(/\/+$/, '');
        if (!/^https:\/\//.test(url) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(url)) {
            throw new OrgConnectionError(`--instance-url must start with https:// (got ${url})`);
        }
        return {
            conn: new Connection({
                instanceUrl: url,
                accessToken: target.accessToken,
                version: target.apiVersion
            }),
            label: url,
            loginHint: loginHint(undefined)
        };
    }
    const alias = target.aliasOrUsername;
    if (!alias) throw new OrgConnectionError('--target-org <alias|username> is required');
    // Loaded on demand: @salesforce/core is large and CI runs (--instance-url) never need it.
    const { Org } = await import('@salesforce/core');
    let org;
    try {
        org = await Org.create({ aliasOrUsername: alias });
        // A stored login holds a refresh token: get a fresh access token before the run starts.
        await org.refreshAuth();
    } catch (error) {
        const name = (error as Error).name;
        if (name === 'NamedOrgNotFoundError' || name === 'NoAuthInfoFound') {
            throw new OrgConnectionError(
                `No Salesforce login named "${alias}" on this computer: run ${loginHint(alias)}`
            );
        }
        throw new OrgConnectionError(
            `Could not use the stored login "${alias}" (${(error as Error).message}): run ${loginHint(alias)}`
        );
    }
    const coreConnection = org.getConnection(target.apiVersion);
    return {
        conn: new Connection({
            instanceUrl: coreConnection.instanceUrl,
            accessToken: coreConnection.accessToken ?? undefined,
            version: target.apiVersion
        }),
        label: alias,
        loginHint: loginHint(alias)
    };
}

/** An error message for an admin: expired logins and lost connections say what to do next. */
export function describeApiError(
    error: unknown,
    org: Pick<OrgConnection, 'label' | 'loginHint'>
): string {
    const err = error as { name?: string; errorCode?: string; code?: string; message?: string };
    const code = err.errorCode ?? err.name ?? '';
    if (code === 'INVALID_SESSION_ID' || /ERROR_HTTP_401/.test(code)) {
        return `The Salesforce session for ${org.label} has expired or is invalid: run ${org.loginHint}, then rerun this command.`;
    }
    if (
        err.name === 'FetchError' ||
        ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET'].includes(
            err.code ?? ''
        )
    ) {
        return `Lost the connection to ${org.label} (${err.code ?? err.message}). Rerun the command: finished changes are kept and skipped.`;
    }
    return `${code ? `${code}: ` : ''}${err.message ?? String(error)}`;
}

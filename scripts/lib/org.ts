// Connecting to the org the way `sf` does, and turning API failures into messages an admin can act
// on. Two ways in: the CLI's stored login (@salesforce/core reads ~/.sfdx and refreshes the token),
// or --instance-url with SF_ACCESS_TOKEN for CI. Either way the result is a jsforce Connection.
import { Connection } from 'jsforce';
import { CliError, EXIT } from './cli.ts';
import { applyRequestPolicy, requestPolicy, type RequestPolicy } from './http.ts';

export interface OrgTarget {
    /** `sf` alias or username (stored login). */
    aliasOrUsername?: string;
    /** With `accessToken`: connect directly (CI). */
    instanceUrl?: string;
    accessToken?: string;
    apiVersion: string;
    /** Deadlines, progress and retries (default: 120 s, progress on stderr every 10 s). */
    policy?: RequestPolicy;
}

export interface OrgConnection {
    conn: Connection;
    /** How the admin named the org: the alias/username, or the instance URL. */
    label: string;
    /** The login command that fixes an expired or missing session. */
    loginHint: string;
}

export class OrgConnectionError extends CliError {
    constructor(message: string, fix?: string) {
        super('LOGIN', message, { fix, exitCode: EXIT.usage });
        this.name = 'OrgConnectionError';
    }
}

function withPolicy(conn: Connection, target: OrgTarget): Connection {
    applyRequestPolicy(
        conn,
        target.policy ?? requestPolicy(process.env, (line) => process.stderr.write(`${line}\n`))
    );
    return conn;
}

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
            conn: withPolicy(
                new Connection({
                    instanceUrl: url,
                    accessToken: target.accessToken,
                    version: target.apiVersion
                }),
                target
            ),
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
        conn: withPolicy(
            new Connection({
                instanceUrl: coreConnection.instanceUrl,
                accessToken: coreConnection.accessToken ?? undefined,
                version: target.apiVersion
            }),
            target
        ),
        label: alias,
        loginHint: loginHint(alias)
    };
}

const NETWORK_CODES = ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET'];

/**
 * Any failure as a CliError an admin can act on: an expired or bad session (REST 401 or the SOAP
 * fault sf:INVALID_SESSION_ID) is a login problem, exit 2, with the command that renews it; a lost
 * connection says to rerun; an HTML page is named as such instead of printed.
 */
export function toCliError(
    error: unknown,
    org: Pick<OrgConnection, 'label' | 'loginHint'>
): CliError {
    if (error instanceof CliError) return error;
    const err = error as { name?: string; errorCode?: string; code?: string; message?: string };
    const code = err.errorCode ?? err.name ?? '';
    if (/(^|:)INVALID_SESSION_ID$/.test(code) || /ERROR_HTTP_401/.test(code)) {
        return new CliError(
            'LOGIN',
            `The Salesforce session for ${org.label} has expired or is invalid: run ${org.loginHint}, then rerun this command.`,
            { fix: org.loginHint, exitCode: EXIT.usage }
        );
    }
    if (err.name === 'FetchError' || NETWORK_CODES.includes(err.code ?? '')) {
        return new CliError(
            'CONNECTION_LOST',
            `Lost the connection to ${org.label} (${err.code ?? err.message}). Rerun the command: finished changes are kept and skipped.`,
            { fix: 'rerun the command' }
        );
    }
    const message = err.message ?? String(error);
    if (/^\s*<(!doctype|html)/i.test(message)) {
        return new CliError(
            'UNREADABLE_ANSWER',
            `unreadable answer from ${org.label}: ${code ? `${code} with ` : ''}an HTML page instead of an API answer (maintenance, or a proxy in between)`,
            { fix: 'rerun in a few minutes; open the org in a browser to see the page' }
        );
    }
    return new CliError(code || 'API_ERROR', `${code ? `${code}: ` : ''}${message}`);
}

/** An error message for an admin: expired logins and lost connections say what to do next. */
export function describeApiError(
    error: unknown,
    org: Pick<OrgConnection, 'label' | 'loginHint'>
): string {
    return toCliError(error, org).message;
}

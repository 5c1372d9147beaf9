// The org connection for a deploy: @salesforce/core's Connection (what source-deploy-retrieve needs),
// from a stored `sf` login (--target-org) or from --instance-url with SF_ACCESS_TOKEN (CI). Failures
// are usage errors (exit 2) that name the login command that fixes them.
import type { Connection } from '@salesforce/core';
import { CliError, EXIT, type OrgTargetFlags } from '../lib/cli.ts';

export interface DeployConnection {
    conn: Connection;
    /** How the admin named the org: the alias/username, or the instance URL. */
    label: string;
    /** The command that fixes an expired or missing login. */
    loginHint: string;
}

function loginHint(alias: string | undefined): string {
    return alias
        ? `sf org login web --alias ${alias}`
        : 'sf org login web --alias <alias> (or set a fresh SF_ACCESS_TOKEN)';
}

function loginError(message: string, alias: string | undefined, cause?: unknown): CliError {
    return new CliError('LOGIN', message, {
        fix: loginHint(alias),
        exitCode: EXIT.usage,
        cause
    });
}

async function fromAccessToken(
    instanceUrl: string,
    accessToken: string | undefined,
    apiVersion: string
): Promise<DeployConnection> {
    if (!accessToken) {
        throw loginError('--instance-url needs the access token in SF_ACCESS_TOKEN', undefined);
    }
    const url = instanceUrl.replace(/\/+$/, '');
    if (!/^https:\/\//.test(url) && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(url)) {
        throw loginError(`--instance-url must start with https:// (got ${url})`, undefined);
    }
    const {
        AuthInfo,
        Connection: CoreConnection,
        matchesOpaqueAccessToken
    } = await import('@salesforce/core');
    // An opaque token (00D…!…) is used as is, as `sf` does; other token kinds are checked by core.
    const authInfo = matchesOpaqueAccessToken(accessToken)
        ? await AuthInfo.create({
              username: accessToken,
              accessTokenOptions: { accessToken, instanceUrl: url, loginUrl: url }
          })
        : await AuthInfo.create({
              accessTokenOptions: { accessToken, instanceUrl: url, loginUrl: url }
          });
    const conn = await CoreConnection.create({
        authInfo,
        connectionOptions: { version: apiVersion }
    });
    return { conn, label: url, loginHint: loginHint(undefined) };
}

async function fromStoredLogin(alias: string, apiVersion: string): Promise<DeployConnection> {
    const { Org } = await import('@salesforce/core');
    try {
        const org = await Org.create({ aliasOrUsername: alias });
        await org.refreshAuth();
        return { conn: org.getConnection(apiVersion), label: alias, loginHint: loginHint(alias) };
    } catch (error) {
        const name = (error as Error).name;
        if (name === 'NamedOrgNotFoundError' || name === 'NoAuthInfoFound') {
            throw loginError(`No Salesforce login named "${alias}" on this computer`, alias, error);
        }
        throw loginError(
            `Could not use the stored login "${alias}" (${(error as Error).message})`,
            alias,
            error
        );
    }
}

export async function connectForDeploy(
    target: OrgTargetFlags,
    apiVersion: string
): Promise<DeployConnection> {
    if (target.instanceUrl) {
        return fromAccessToken(target.instanceUrl, target.accessToken, apiVersion);
    }
    return fromStoredLogin(target.targetOrg!, apiVersion);
}

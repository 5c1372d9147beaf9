// The first thing the rehearsal checks: the messaging host serves the deployment. A wrong ES name
// and an unpublished deployment look the same from the messaging host (a 4xx), so the org tells
// them apart; a 5xx or an HTML page is the host being unavailable, not the deployment missing.
import { CliError, EXIT } from '../lib/cli.ts';
import {
    MiawError,
    describeText,
    hiddenPrechatFieldNames,
    type MiawClient,
    type MiawEndpoint
} from './miaw-client.ts';
import type { OrgApi } from './verify.ts';

/** A failure that stops the rehearsal: exit 2, with the fix. */
export class HandoffError extends CliError {
    constructor(code: string, message: string, fix: string) {
        super(code, message, { fix, exitCode: EXIT.usage });
        this.name = 'HandoffError';
    }
}

/** The hidden pre-chat fields of the published deployment (the only attributes MIAW passes on). */
export async function checkDeployment(
    client: MiawClient,
    org: OrgApi,
    endpoint: MiawEndpoint
): Promise<string[]> {
    try {
        return hiddenPrechatFieldNames(await client.getDeploymentConfiguration());
    } catch (error) {
        const handoffError = asHandoffError(error, endpoint);
        if (handoffError instanceof HandoffError && handoffError.code === 'deployment-not-found') {
            throw await diagnoseDeployment(org, endpoint, handoffError);
        }
        throw handoffError;
    }
}

async function diagnoseDeployment(
    org: OrgApi,
    endpoint: MiawEndpoint,
    original: HandoffError
): Promise<HandoffError> {
    let names: { DeveloperName: string; IsEnabled: boolean }[];
    try {
        names = await org.toolingQuery<{ DeveloperName: string; IsEnabled: boolean }>(
            "SELECT DeveloperName, IsEnabled FROM EmbeddedServiceConfig WHERE DeploymentFeature = 'EmbeddedMessaging'"
        );
    } catch {
        return original;
    }
    const name = endpoint.esDeveloperName;
    const found = names.find((row) => row.DeveloperName === name);
    if (!found) {
        const others = names.map((row) => String(row.DeveloperName)).sort();
        return new HandoffError(
            'deployment-not-found',
            `The org has no Messaging for In-App and Web deployment named "${name}"` +
                (others.length ? ` (it has: ${others.join(', ')}).` : ' (it has none).'),
            others.length
                ? `Pass the right name with --es-name (the project ships OpenCX_Handoff), and type the same name into OpenCX's "ES Developer Name".`
                : 'Deploy the project (npm run deploy): it creates the OpenCX_Handoff deployment.'
        );
    }
    return new HandoffError(
        'deployment-not-published',
        `The deployment "${name}" exists in the org but the messaging host does not serve it: it is ${found.IsEnabled === false ? 'disabled' : 'not published'}.`,
        // Right after `npm run deploy` this is what an org shows: provisioning publishes it.
        `Setup → Embedded Service Deployments → ${name} → Publish (after every change to it), or run npm run provision (it activates the channel and publishes the deployment); then wait a few minutes and rerun.`
    );
}

const RETRY_LATER =
    'Retry in a few minutes; check Salesforce Trust (status.salesforce.com) for your instance.';

/** Turns a MIAW failure into the one clear error an admin can act on. */
export function asHandoffError(error: unknown, endpoint: MiawEndpoint): Error {
    if (error instanceof CliError) return error;
    if (!(error instanceof MiawError))
        return error instanceof Error ? error : new Error(String(error));
    if (error.kind === 'unreachable') {
        return new HandoffError(
            'messaging-host-unreachable',
            `Cannot reach the messaging host ${endpoint.messagingHost} (${error.message.replace(/^.*\(([^)]*)\)$/, '$1')}).`,
            'The host is your My Domain with .my.salesforce-scrt.com (e.g. https://acme.my.salesforce-scrt.com; sandbox: https://acme--dev.sandbox.my.salesforce-scrt.com). Pass it with --messaging-host, or check the network and proxy.'
        );
    }
    if (error.kind === 'unreadable' || error.kind === 'protocol') {
        return new HandoffError(
            'messaging-answer-unreadable',
            `The messaging host answered the ${error.operation} with something unreadable: ${error.message.replace(`${error.operation}: `, '')}.`,
            `Check --messaging-host (it must be the .my.salesforce-scrt.com host, not a login or proxy page). ${RETRY_LATER}`
        );
    }
    if (error.status !== undefined && error.status >= 500) {
        return new HandoffError(
            'messaging-host-unavailable',
            `The messaging host is unavailable (HTTP ${error.status}) for the ${error.operation}${error.body ? `: ${describeText(error.body)}` : ''}.`,
            RETRY_LATER
        );
    }
    if (error.operation === 'deployment configuration') {
        return new HandoffError(
            'deployment-not-found',
            `The messaging host does not know a published Embedded Service deployment "${endpoint.esDeveloperName}" in org ${endpoint.orgId} (HTTP ${error.status}).`,
            `Check the ES developer name (--es-name; the project ships OpenCX_Handoff) and the org id (--org-id), and publish the deployment: Setup → Embedded Service Deployments → ${endpoint.esDeveloperName} → Publish.`
        );
    }
    return new HandoffError(
        'messaging-request-refused',
        `The messaging API refused the ${error.operation} (HTTP ${error.status}): ${error.message}`,
        `Check that the deployment ${endpoint.esDeveloperName} is published and its channel is active (\`npm run provision -- --check\`).`
    );
}

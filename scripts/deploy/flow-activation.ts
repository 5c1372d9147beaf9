// After phase 1: every flow whose source says Active must have its latest version active before
// the channel is saved (a channel's parameter mappings bind only to an active flow). A production
// deploy leaves flows inactive unless Setup → Process Automation Settings → "Deploy processes and
// flows as active" is on, so the latest version is activated here through the Tooling API
// (FlowDefinition.Metadata.activeVersionNumber), then read back.
import type { Connection } from '@salesforce/core';
import { CliError } from '../lib/cli.ts';

export interface FlowActivation {
    flow: string;
    version: number | null;
    /** already: the deploy left it active; activated: this run activated it. */
    outcome: 'already-active' | 'activated';
}

interface FlowDefinitionRow {
    Id: string;
    ActiveVersionId: string | null;
    LatestVersionId: string | null;
    LatestVersion?: { VersionNumber?: number } | null;
}

function quote(value: string): string {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

async function readDefinition(
    conn: Connection,
    flow: string
): Promise<FlowDefinitionRow | undefined> {
    const result = await conn.tooling.query<FlowDefinitionRow>(
        `SELECT Id, ActiveVersionId, LatestVersionId, LatestVersion.VersionNumber FROM FlowDefinition WHERE DeveloperName = ${quote(flow)}`
    );
    return result.records[0];
}

export function activationFix(flow: string): string {
    const label = flow.replace(/_/g, ' ');
    return `Setup → Flows → ${label} → open the latest version → Activate (or turn on Setup → Process Automation Settings → "Deploy processes and flows as active"), then run the deploy again`;
}

/** Makes the latest version of `flow` active; throws a CliError with the manual fix otherwise. */
export async function ensureFlowActive(
    conn: Connection,
    flow: string,
    progress: (line: string) => void
): Promise<FlowActivation> {
    const definition = await readDefinition(conn, flow);
    if (!definition?.LatestVersionId) {
        throw new CliError('FLOW_MISSING', `the flow ${flow} is not in the org after phase 1`, {
            fix: 'check the phase 1 component list for the flow; deploy it again'
        });
    }
    const version = definition.LatestVersion?.VersionNumber ?? null;
    if (definition.ActiveVersionId === definition.LatestVersionId) {
        return { flow, version, outcome: 'already-active' };
    }
    progress(
        `  flow ${flow}: version ${version ?? '?'} is inactive (production deploys leave flows inactive); activating`
    );
    try {
        await conn.request({
            method: 'PATCH',
            url: `/services/data/v${conn.getApiVersion()}/tooling/sobjects/FlowDefinition/${definition.Id}`,
            body: JSON.stringify({ Metadata: { activeVersionNumber: version } }),
            headers: { 'content-type': 'application/json' }
        });
    } catch (error) {
        throw new CliError(
            'FLOW_INACTIVE',
            `could not activate flow ${flow} version ${version}: ${(error as Error).message}`,
            {
                fix: activationFix(flow),
                cause: error
            }
        );
    }
    const after = await readDefinition(conn, flow);
    if (!after || after.ActiveVersionId !== after.LatestVersionId) {
        throw new CliError(
            'FLOW_INACTIVE',
            `flow ${flow} version ${version} is still inactive after activation`,
            {
                fix: activationFix(flow)
            }
        );
    }
    return { flow, version, outcome: 'activated' };
}

// Step 4, activation: the routing flow's latest version active (Tooling FlowDefinition, Metadata
// activeVersionNumber), the messaging channel active (MessagingChannel.IsActive), and the deployment
// published (Connect .../embeddedserviceconfig/publish/<id>, API 67.0+). Salesforce has no field
// that says a deployment is published, so the run records each publish locally
// (<state dir>/<org id>/publish.json) with the deployment's and channel's LastModifiedDate: a rerun
// publishes again only when either changed since, or when the last publish did not finish.
import { existsSync, readFileSync } from 'node:fs';
import type { Connection } from 'jsforce';
import { join } from 'node:path';
import { soqlQuote, queryAll } from '../lib/batch.ts';
import { writeFileAtomic } from '../lib/atomic-file.ts';
import {
    PlanError,
    type OrgSnapshot,
    type PlannedChange,
    type ProvisionContext,
    type Step
} from './context.ts';

export const PUBLISH_MIN_API_VERSION = 67;

export interface PublishRecord {
    deploymentId: string;
    deploymentLastModified: string;
    channelLastModified: string;
    publishedAt: string;
}

export function publishRecordPath(stateDir: string, orgId: string): string {
    return join(stateDir, orgId, 'publish.json');
}

export function readPublishRecord(stateDir: string, orgId: string): PublishRecord | undefined {
    const path = publishRecordPath(stateDir, orgId);
    if (!existsSync(path)) return undefined;
    try {
        return JSON.parse(readFileSync(path, 'utf8')) as PublishRecord;
    } catch {
        return undefined;
    }
}

/** Whether the deployment was published by this tool after its and the channel's last change. */
export function isPublishCurrent(
    record: PublishRecord | undefined,
    snapshot: OrgSnapshot
): boolean {
    return (
        record !== undefined &&
        snapshot.deployment !== undefined &&
        snapshot.channel !== undefined &&
        record.deploymentId === snapshot.deployment.Id &&
        record.deploymentLastModified === snapshot.deployment.LastModifiedDate &&
        record.channelLastModified === snapshot.channel.LastModifiedDate
    );
}

/** The newest org API version that serves the publish resource, if any. */
export function publishApiVersion(snapshot: OrgSnapshot): string | undefined {
    return [...snapshot.apiVersions]
        .reverse()
        .find((version) => Number(version) >= PUBLISH_MIN_API_VERSION);
}

/** Activates the channel; returns its new LastModifiedDate (the publish record keeps it). */
async function activateChannel(conn: Connection, channelId: string): Promise<string> {
    await conn.sobject('MessagingChannel').update({ Id: channelId, IsActive: true });
    const [fresh] = await queryAll(
        conn,
        `SELECT Id, LastModifiedDate FROM MessagingChannel WHERE Id = ${soqlQuote(channelId)}`
    );
    return String(fresh?.LastModifiedDate ?? '');
}

/** Publishes the deployment (Connect, API 67.0+) and records it atomically. */
async function publishDeployment(
    conn: Connection,
    apiVersion: string,
    deployment: { Id: string; LastModifiedDate: string },
    channelLastModified: string,
    recordPath: string
): Promise<void> {
    await conn.request({
        method: 'POST',
        url: `/services/data/v${apiVersion}/connect/embeddedservice/embeddedserviceconfig/publish/${deployment.Id}`,
        body: '{}',
        headers: { 'content-type': 'application/json' }
    });
    const published: PublishRecord = {
        deploymentId: deployment.Id,
        deploymentLastModified: deployment.LastModifiedDate,
        channelLastModified,
        publishedAt: new Date().toISOString()
    };
    writeFileAtomic(recordPath, `${JSON.stringify(published, null, 2)}\n`);
}

export const activationStep: Step = {
    id: 'activation',
    title: 'Flow, channel, deployment',
    plan: async ({ conn, snapshot, project, options }: ProvisionContext) => {
        const { flow, channel, deployment } = snapshot;
        // The preflight stops the run when any is missing; this guards a changed snapshot.
        if (!flow || !channel || !deployment) {
            throw new PlanError(
                'the flow, channel or deployment is not in the org: deploy the project first',
                1
            );
        }
        const changes: PlannedChange[] = [];
        const flowNeedsActivation =
            flow.LatestVersionId !== null && flow.ActiveVersionId !== flow.LatestVersionId;
        if (flowNeedsActivation) {
            changes.push({
                action: 'update',
                description: `activate version ${flow.latestVersionNumber} of routing flow ${project.routingFlow}`
            });
        }
        if (!channel.IsActive) {
            changes.push({
                action: 'update',
                description: `activate messaging channel ${project.messagingChannel}`
            });
        }
        const publishVersion = publishApiVersion(snapshot);
        const record = readPublishRecord(options.stateDir, snapshot.orgId);
        const needsPublish = changes.length > 0 || !isPublishCurrent(record, snapshot);
        if (needsPublish && publishVersion) {
            changes.push({
                action: 'update',
                description: `publish Embedded Service deployment ${project.deployment}`
            });
        }
        const manualPublish = needsPublish && !publishVersion;
        const unchangedSummary = manualPublish
            ? `flow and channel active; publish ${project.deployment} in Setup (the org serves API ${snapshot.apiVersions.at(-1)}, publishing by API needs ${PUBLISH_MIN_API_VERSION}.0)`
            : `flow version ${flow.latestVersionNumber} active, channel active, deployment published`;
        return {
            changes,
            unchangedSummary,
            apply: async () => {
                const done: string[] = [];
                if (flowNeedsActivation) {
                    await conn.request({
                        method: 'PATCH',
                        url: `/tooling/sobjects/FlowDefinition/${flow.Id}`,
                        body: JSON.stringify({
                            Metadata: { activeVersionNumber: flow.latestVersionNumber }
                        }),
                        headers: { 'content-type': 'application/json' }
                    });
                    done.push(`flow version ${flow.latestVersionNumber} activated`);
                }
                let channelLastModified = channel.LastModifiedDate;
                if (!channel.IsActive) {
                    channelLastModified = await activateChannel(conn, channel.Id);
                    done.push('channel activated');
                }
                if (needsPublish && publishVersion) {
                    await publishDeployment(
                        conn,
                        publishVersion,
                        deployment,
                        channelLastModified,
                        publishRecordPath(options.stateDir, snapshot.orgId)
                    );
                    done.push('deployment published');
                }
                if (manualPublish) done.push(`publish ${project.deployment} in Setup`);
                return { outcome: 'updated', summary: done.join(', ') };
            }
        };
    }
};

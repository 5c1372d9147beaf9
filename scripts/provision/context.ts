// What every provisioning step shares: the connection, the project names, the config, the run's
// options and the org snapshot the preflight read; and the shape of a step's plan and result.
// A step first plans (reads only, and says what it would change), then applies only the difference.
import type { Connection } from 'jsforce';
import { CliError, EXIT, type CheckLine, type ExitCode } from '../lib/cli.ts';
import type { OrgConnection } from '../lib/org.ts';
import type { ProjectNames } from '../lib/project.ts';
import type { Redactor } from '../lib/redact.ts';
import type { ProvisionConfig } from './config.ts';

export type Outcome = 'created' | 'updated' | 'unchanged';

export interface RunOptions {
    targetOrg?: string;
    instanceUrl?: string;
    accessToken?: string;
    configPath?: string;
    /** True when --config was given (a missing file is then an error even for --check). */
    configExplicit?: boolean;
    dryRun: boolean;
    check: boolean;
    json: boolean;
    rotateKey: boolean;
    updateApiKey: boolean;
    /** Ask the org for the org cache again although it refused before (org-cache.ts). */
    retryCache?: boolean;
    /** Folder for local outputs (private key, publish record); default ./.opencx. */
    stateDir: string;
    /** Folder a relative --config (and the default opencx.config.json) is read from; default cwd. */
    workDir?: string;
    /** Where the OpenCX API key comes from (env variable or a hidden prompt). */
    readApiKey: () => Promise<string>;
    /** Environment the run reads (request deadline: OPENCX_REQUEST_TIMEOUT_SECONDS). */
    env: NodeJS.ProcessEnv;
}

/** The org state the steps and the doctor work from, read once by the preflight. */
export interface OrgSnapshot {
    orgId: string;
    orgName: string;
    instanceUrl: string;
    /** API versions the org serves, e.g. ['64.0', '65.0', '66.0']. */
    apiVersions: string[];
    messagingEnabled: boolean;
    omniChannelEnabled: boolean;
    /** Queue developer name → Group id (project queues and every queue a routing rule names). */
    queues: Map<string, string>;
    permissionSets: Map<string, string>;
    presenceConfigId: string | undefined;
    presenceStatuses: Map<string, string>;
    serviceChannelId: string | undefined;
    channel:
        | {
              Id: string;
              IsActive: boolean;
              SessionHandlerId: string | null;
              LastModifiedDate: string;
          }
        | undefined;
    flow:
        | {
              Id: string;
              ActiveVersionId: string | null;
              LatestVersionId: string | null;
              latestVersionNumber: number | null;
          }
        | undefined;
    deployment: { Id: string; IsEnabled: boolean; LastModifiedDate: string } | undefined;
    rules: { name: string; consumerType: string; queue: string; active: boolean }[] | undefined;
}

export interface ProvisionContext {
    conn: Connection;
    org: OrgConnection;
    project: ProjectNames;
    config: ProvisionConfig;
    options: RunOptions;
    snapshot: OrgSnapshot;
    /** Values steps learn for the dashboard (key id, issuer, key path). */
    facts: DashboardFacts;
    /** Every secret the run knows (API key, access token, private key) is kept out of output. */
    redactor: Redactor;
}

export interface DashboardFacts {
    authKeyId?: string;
    issuer?: string;
    privateKeyPath?: string;
}

/** One change a step would make (dry-run prints these). */
export interface PlannedChange {
    action: 'create' | 'update';
    description: string;
}

export interface StepResult {
    outcome: Outcome;
    summary: string;
    /** Something the admin should know that does not fail the run (shown with the warning mark). */
    warning?: boolean;
    /** Extra facts for --json (never secrets). */
    details?: Record<string, unknown>;
}

export interface StepPlan {
    changes: PlannedChange[];
    /** What the step found when nothing needs to change. */
    unchangedSummary: string;
    /** The unchanged state is worth a warning (it does not fail the run). */
    warning?: boolean;
    details?: Record<string, unknown>;
    /** Makes the planned changes; only called when there are changes and this is no dry run. */
    apply: () => Promise<StepResult>;
}

export interface Step {
    id: string;
    title: string;
    plan: (context: ProvisionContext) => Promise<StepPlan>;
}

/** A problem that stops the run before any write (bad config seen against the org, missing setup). */
export class PlanError extends CliError {
    constructor(message: string, exitCode: ExitCode = EXIT.usage, fix?: string) {
        super('PLAN', message, { exitCode, fix });
        this.name = 'PlanError';
    }
}

/** A doctor finding: pass/fail with the Setup path that fixes it. */
export interface Check extends CheckLine {
    id: string;
}

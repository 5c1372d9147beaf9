// Runs provisioning: project names and config first (no network), then the org snapshot, then every
// step's plan (reads only; bad config or a missing piece stops here, before any write), then the
// changes, one progress line per step. --dry-run stops after the plans; --check runs the doctor.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { connectToOrg, describeApiError, type OrgConnection, type OrgTarget } from '../lib/org.ts';
import { loadProjectNames, type ProjectNames } from '../lib/project.ts';
import { activationStep } from './activation.ts';
import { apiKeyStep } from './api-key.ts';
import { ConfigError, emptyConfig, loadConfig, type ProvisionConfig } from './config.ts';
import {
    PlanError,
    type Check,
    type ProvisionContext,
    type RunOptions,
    type Step,
    type StepPlan,
    type StepResult
} from './context.ts';
import { dashboardValues, formatDashboard } from './dashboard.ts';
import { runDoctor } from './doctor.ts';
import { identityKeyStep } from './identity-key.ts';
import { preflightStep, readOrgSnapshot } from './preflight.ts';
import { repsStep } from './reps.ts';

export const STEPS: Step[] = [preflightStep, repsStep, apiKeyStep, activationStep, identityKeyStep];
const DASHBOARD_TITLE = 'Dashboard values';
const TOTAL_STEPS = STEPS.length + 1;

export interface RunIO {
    stdout: (line: string) => void;
    stderr: (line: string) => void;
}

export interface RunDeps {
    connect?: (target: OrgTarget) => Promise<OrgConnection>;
}

interface StepReport {
    step: string;
    title: string;
    outcome: 'created' | 'updated' | 'unchanged' | 'planned' | 'failed' | 'not run';
    summary: string;
    changes?: { action: string; description: string }[];
    details?: Record<string, unknown>;
}

export const DEFAULT_CONFIG = 'opencx.config.json';

function progressLine(index: number, title: string, outcome: string, summary: string): string {
    const icon = outcome === 'failed' ? '✖' : outcome === 'planned' ? '•' : '✔';
    return `${icon} [${index}/${TOTAL_STEPS}] ${title}: ${outcome}${summary ? ` — ${summary}` : ''}`;
}

function resolveConfig(options: RunOptions, project: ProjectNames): ProvisionConfig {
    const path = options.configPath ?? DEFAULT_CONFIG;
    // The doctor can run without a config: it then checks the org's own queue members.
    if (options.check && !options.configExplicit && !existsSync(resolve(path)))
        return emptyConfig();
    return loadConfig(path, project);
}

/** Runs provisioning, a dry run or the doctor; returns the process exit code. */
export async function runProvision(
    options: RunOptions,
    io: RunIO,
    deps: RunDeps = {}
): Promise<number> {
    const mode = options.check ? 'check' : options.dryRun ? 'dry-run' : 'provision';
    const reports: StepReport[] = [];
    const result: Record<string, unknown> = { mode, ok: false };
    const say = (line: string) => {
        if (!options.json) io.stdout(line);
    };
    const finish = (code: number, error?: string) => {
        if (error) result.error = error;
        result.ok = code === 0;
        if (reports.length) result.steps = reports;
        if (options.json) io.stdout(JSON.stringify(result, null, 2));
        else if (error) io.stderr(`error: ${error}`);
        return code;
    };

    let project: ProjectNames;
    let config: ProvisionConfig;
    try {
        project = loadProjectNames();
        config = resolveConfig(options, project);
    } catch (error) {
        return finish(2, (error as Error).message);
    }

    let org: OrgConnection;
    try {
        org = await (deps.connect ?? connectToOrg)({
            aliasOrUsername: options.targetOrg,
            instanceUrl: options.instanceUrl,
            accessToken: options.accessToken,
            apiVersion: project.apiVersion
        });
    } catch (error) {
        return finish(2, (error as Error).message);
    }

    let context: ProvisionContext;
    try {
        const snapshot = await readOrgSnapshot(org.conn, project);
        context = { conn: org.conn, org, project, config, options, snapshot, facts: {} };
    } catch (error) {
        return finish(1, describeApiError(error, org));
    }
    result.org = {
        id: context.snapshot.orgId,
        name: context.snapshot.orgName,
        instanceUrl: context.snapshot.instanceUrl
    };
    say(
        `OpenCX Handoff ${mode === 'check' ? 'check' : 'provisioning'}${mode === 'dry-run' ? ' (dry run: no changes)' : ''} for ${org.label}: ${context.snapshot.orgName} (${context.snapshot.orgId})`
    );

    if (options.check) {
        let checks: Check[];
        try {
            checks = await runDoctor(context);
        } catch (error) {
            return finish(1, describeApiError(error, org));
        }
        for (const item of checks) {
            say(`${item.passed ? '✔ pass' : '✖ FAIL'}  ${item.title}: ${item.detail}`);
            if (!item.passed) say(`         fix: ${item.fix}`);
        }
        const failed = checks.filter((item) => !item.passed).length;
        say(
            failed
                ? `${failed} of ${checks.length} checks failed`
                : `all ${checks.length} checks passed`
        );
        result.checks = checks;
        return finish(failed ? 1 : 0);
    }

    // Plan every step before the first write.
    const plans: StepPlan[] = [];
    for (const [index, step] of STEPS.entries()) {
        try {
            plans.push(await step.plan(context));
        } catch (error) {
            const message =
                error instanceof PlanError || error instanceof ConfigError
                    ? error.message
                    : describeApiError(error, org);
            reports.push({ step: step.id, title: step.title, outcome: 'failed', summary: message });
            say(progressLine(index + 1, step.title, 'failed', ''));
            return finish(error instanceof PlanError ? error.exitCode : 1, message);
        }
    }

    for (const [index, step] of STEPS.entries()) {
        const plan = plans[index];
        const changes = plan.changes;
        if (changes.length === 0) {
            reports.push({
                step: step.id,
                title: step.title,
                outcome: 'unchanged',
                summary: plan.unchangedSummary,
                ...(plan.details ? { details: plan.details } : {})
            });
            say(progressLine(index + 1, step.title, 'unchanged', plan.unchangedSummary));
            continue;
        }
        if (options.dryRun) {
            reports.push({
                step: step.id,
                title: step.title,
                outcome: 'planned',
                summary: `${changes.length} change(s)`,
                changes
            });
            say(progressLine(index + 1, step.title, 'planned', `${changes.length} change(s)`));
            for (const change of changes.slice(0, 25))
                say(`      would ${change.action}: ${change.description}`);
            if (changes.length > 25) say(`      … and ${changes.length - 25} more (see --json)`);
            continue;
        }
        let applied: StepResult;
        try {
            applied = await plan.apply();
        } catch (error) {
            const message = describeApiError(error, org);
            reports.push({ step: step.id, title: step.title, outcome: 'failed', summary: message });
            say(progressLine(index + 1, step.title, 'failed', ''));
            for (const later of STEPS.slice(index + 1)) {
                reports.push({
                    step: later.id,
                    title: later.title,
                    outcome: 'not run',
                    summary: ''
                });
            }
            return finish(1, `${step.title}: ${message}`);
        }
        reports.push({
            step: step.id,
            title: step.title,
            outcome: applied.outcome,
            summary: applied.summary,
            ...(applied.details ? { details: applied.details } : {})
        });
        say(progressLine(index + 1, step.title, applied.outcome, applied.summary));
    }

    const values = dashboardValues(context);
    result.dashboard = Object.fromEntries(values.map((item) => [item.label, item.value]));
    reports.push({
        step: 'dashboard',
        title: DASHBOARD_TITLE,
        outcome: 'unchanged',
        summary: 'printed below'
    });
    say(
        progressLine(
            TOTAL_STEPS,
            DASHBOARD_TITLE,
            options.dryRun ? 'planned' : 'unchanged',
            options.dryRun ? 'final values after a real run' : 'printed below'
        )
    );
    say('');
    for (const line of formatDashboard(values)) say(line);
    return finish(0);
}

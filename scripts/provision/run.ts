// Runs provisioning: project names and config first (no network), then the org snapshot, then every
// step's plan (reads only; bad config or a missing piece stops here, before any write), then the
// changes, one progress line per step. --dry-run stops after the plans; --check runs the doctor.
// Every outcome ends in finish(): one JSON document under --json, secrets redacted either way.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, EXIT, SYMBOLS, errorJson, renderChecks, type ExitCode } from '../lib/cli.ts';
import { queryAll } from '../lib/batch.ts';
import { requestPolicy } from '../lib/http.ts';
import { connectToOrg, toCliError, type OrgConnection, type OrgTarget } from '../lib/org.ts';
import { loadProjectNames, type ProjectNames } from '../lib/project.ts';
import { Redactor } from '../lib/redact.ts';
import { activationStep } from './activation.ts';
import { apiKeyStep } from './api-key.ts';
import { emptyConfig, loadConfig, type ProvisionConfig } from './config.ts';
import type { ProvisionContext, RunOptions, Step, StepPlan, StepResult } from './context.ts';
import { dashboardValues, formatDashboard } from './dashboard.ts';
import { runDoctor } from './doctor.ts';
import { identityKeyStep } from './identity-key.ts';
import { orgCacheStep } from './org-cache.ts';
import { preflightStep, readOrgSnapshot } from './preflight.ts';
import { repsStep } from './reps.ts';
import { uncheckedClaimsChecks } from './unchecked-claims.ts';

// The optional org cache comes last: nothing the handoff needs waits for it.
export const STEPS: Step[] = [
    preflightStep,
    repsStep,
    apiKeyStep,
    activationStep,
    identityKeyStep,
    orgCacheStep
];
const DASHBOARD_TITLE = 'Dashboard values';
const TOTAL_STEPS = STEPS.length + 1;
const DRY_RUN_LISTED = 25;

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
    /** A finding that does not fail the run (the org cache could not be allocated). */
    warning?: true;
    changes?: { action: string; description: string }[];
    details?: Record<string, unknown>;
}

export const DEFAULT_CONFIG = 'opencx.config.json';

/** What one run prints and returns; every outcome goes through finish(). */
class RunOutput {
    readonly reports: StepReport[] = [];
    readonly result: Record<string, unknown>;
    constructor(
        private readonly options: Pick<RunOptions, 'json'>,
        private readonly io: RunIO,
        readonly redactor: Redactor,
        mode: string
    ) {
        this.result = { mode, ok: false };
    }
    /** When this run last printed (the request policy prints progress after 10 s of silence). */
    readonly silence = { lastOutputAt: Date.now() };
    say(line: string): void {
        if (this.options.json) return;
        this.silence.lastOutputAt = Date.now();
        this.io.stdout(this.redactor.text(line));
    }
    progress(line: string): void {
        this.io.stderr(this.redactor.text(line));
    }
    step(index: number, report: StepReport): void {
        this.reports.push(report);
        const icon =
            report.outcome === 'failed'
                ? SYMBOLS.fail
                : report.outcome === 'planned'
                  ? SYMBOLS.planned
                  : report.warning
                    ? SYMBOLS.warn
                    : SYMBOLS.pass;
        const summary = report.outcome === 'failed' ? '' : report.summary;
        this.say(
            `${icon} [${index}/${TOTAL_STEPS}] ${report.title}: ${report.outcome}${summary ? ` — ${summary}` : ''}`
        );
    }
    finish(code: ExitCode, error?: CliError): number {
        if (error) this.result.error = { ...errorJson(error), exitCode: error.exitCode };
        this.result.ok = code === EXIT.ok;
        if (this.reports.length) this.result.steps = this.reports;
        if (this.options.json) this.io.stdout(this.redactor.json(this.result));
        else if (error) {
            this.io.stderr(this.redactor.text(`error: ${error.message}`));
            if (error.fix && !error.message.includes(error.fix))
                this.io.stderr(this.redactor.text(`fix: ${error.fix}`));
        }
        return code;
    }
    fail(error: unknown, org?: OrgConnection): number {
        const failure = org ? toCliError(error, org) : asCliError(error);
        return this.finish(failure.exitCode, failure);
    }
}

function asCliError(error: unknown): CliError {
    return error instanceof CliError
        ? error
        : new CliError('INTERNAL', (error as Error).message ?? String(error));
}

function resolveConfig(options: RunOptions, project: ProjectNames): ProvisionConfig {
    const path = options.configPath ?? DEFAULT_CONFIG;
    const workDir = options.workDir ?? process.cwd();
    // The doctor can run without a config: it then checks the org's own queue members.
    if (options.check && !options.configExplicit && !existsSync(resolve(workDir, path)))
        return emptyConfig();
    return loadConfig(path, project, workDir);
}

/** Plans every step before the first write; a failed plan ends the run. */
async function planSteps(context: ProvisionContext, out: RunOutput): Promise<StepPlan[] | number> {
    const plans: StepPlan[] = [];
    for (const [index, step] of STEPS.entries()) {
        try {
            plans.push(await step.plan(context));
        } catch (error) {
            const failure = toCliError(error, context.org);
            out.step(index + 1, {
                step: step.id,
                title: step.title,
                outcome: 'failed',
                summary: failure.message
            });
            return out.finish(failure.exitCode, failure);
        }
    }
    return plans;
}

function reportDryRun(index: number, step: Step, plan: StepPlan, out: RunOutput): void {
    const { changes } = plan;
    out.step(index + 1, {
        step: step.id,
        title: step.title,
        outcome: 'planned',
        summary: `${changes.length} change(s)`,
        changes
    });
    for (const change of changes.slice(0, DRY_RUN_LISTED))
        out.say(`      would ${change.action}: ${change.description}`);
    if (changes.length > DRY_RUN_LISTED)
        out.say(`      … and ${changes.length - DRY_RUN_LISTED} more (see --json)`);
}

/** Applies the plans in order; a failed step marks the later ones not run. */
async function applySteps(
    context: ProvisionContext,
    plans: StepPlan[],
    out: RunOutput
): Promise<number | undefined> {
    for (const [index, step] of STEPS.entries()) {
        const plan = plans[index];
        const base = { step: step.id, title: step.title };
        if (plan.changes.length === 0) {
            out.step(index + 1, {
                ...base,
                outcome: 'unchanged',
                summary: plan.unchangedSummary,
                ...(plan.warning ? { warning: true as const } : {}),
                ...(plan.details ? { details: plan.details } : {})
            });
            continue;
        }
        if (context.options.dryRun) {
            reportDryRun(index, step, plan, out);
            continue;
        }
        let applied: StepResult;
        try {
            applied = await plan.apply();
        } catch (error) {
            const failure = toCliError(error, context.org);
            out.step(index + 1, { ...base, outcome: 'failed', summary: failure.message });
            for (const later of STEPS.slice(index + 1))
                out.reports.push({
                    step: later.id,
                    title: later.title,
                    outcome: 'not run',
                    summary: ''
                });
            const message = `${step.title}: ${failure.message}`;
            return out.finish(
                failure.exitCode,
                new CliError(failure.code, message, {
                    fix: failure.fix,
                    exitCode: failure.exitCode
                })
            );
        }
        out.step(index + 1, {
            ...base,
            outcome: applied.outcome,
            summary: applied.summary,
            ...(applied.warning ? { warning: true as const } : {}),
            ...(applied.details ? { details: applied.details } : {})
        });
    }
    return undefined;
}

function printDashboard(context: ProvisionContext, out: RunOutput): number {
    const values = dashboardValues(context);
    out.result.dashboard = Object.fromEntries(values.map((item) => [item.label, item.value]));
    const dryRun = context.options.dryRun;
    out.step(TOTAL_STEPS, {
        step: 'dashboard',
        title: DASHBOARD_TITLE,
        outcome: dryRun ? 'planned' : 'unchanged',
        summary: dryRun ? 'final values after a real run' : 'printed below'
    });
    out.say('');
    for (const line of formatDashboard(values)) out.say(line);
    if (!dryRun) {
        // The admin's path goes on with the rehearsal (as the deploy names provisioning).
        const { targetOrg, instanceUrl } = context.options;
        const target = targetOrg ? `--target-org ${targetOrg}` : `--instance-url ${instanceUrl}`;
        out.result.next = `npm run handoff:test -- ${target}`;
        out.say('');
        out.say(`Next: ${String(out.result.next)}`);
    }
    return out.finish(EXIT.ok);
}

async function doctor(context: ProvisionContext, out: RunOutput): Promise<number> {
    const checks = await runDoctor(context);
    for (const line of renderChecks(checks)) out.say(line);
    const failed = checks.filter((item) => !item.passed && !item.warning).length;
    const counted = checks.filter((item) => !item.warning).length;
    out.say(failed ? `${failed} of ${counted} checks failed` : `all ${counted} checks passed`);
    out.result.checks = checks;
    return out.finish(failed ? EXIT.failed : EXIT.ok);
}

/** Project, config and the org connection: everything before the first read of org state. */
async function prepare(options: RunOptions, out: RunOutput, deps: RunDeps) {
    const project = loadProjectNames();
    const config = resolveConfig(options, project);
    const org = await (deps.connect ?? connectToOrg)({
        aliasOrUsername: options.targetOrg,
        instanceUrl: options.instanceUrl,
        accessToken: options.accessToken,
        apiVersion: project.apiVersion,
        policy: requestPolicy(options.env, (line) => out.progress(line), out.silence)
    });
    return { project, config, org };
}

/** Runs provisioning, a dry run or the doctor; returns the process exit code. */
export async function runProvision(
    options: RunOptions,
    io: RunIO,
    deps: RunDeps = {}
): Promise<number> {
    const mode = options.check ? 'check' : options.dryRun ? 'dry-run' : 'provision';
    const redactor = new Redactor().add(options.accessToken, options.env.OPENCX_API_KEY);
    const out = new RunOutput(options, io, redactor, mode);
    let prepared;
    try {
        prepared = await prepare(options, out, deps);
    } catch (error) {
        return out.fail(error);
    }
    const { project, config, org } = prepared;
    let context: ProvisionContext;
    try {
        const snapshot = await readOrgSnapshot(org.conn, project);
        context = { conn: org.conn, org, project, config, options, snapshot, facts: {}, redactor };
        out.result.org = {
            id: snapshot.orgId,
            name: snapshot.orgName,
            instanceUrl: snapshot.instanceUrl
        };
        out.result.visitorVerification = config.visitorVerification;
        out.say(
            `OpenCX Handoff ${mode === 'check' ? 'check' : 'provisioning'}${mode === 'dry-run' ? ' (dry run: no changes)' : ''} for ${org.label}: ${snapshot.orgName} (${snapshot.orgId}), visitorVerification ${config.visitorVerification}`
        );
        if (options.check) return await doctor(context, out);
    } catch (error) {
        return out.fail(error, org);
    }
    const plans = await planSteps(context, out);
    if (typeof plans === 'number') return plans;
    const failed = await applySteps(context, plans, out);
    if (failed !== undefined) return failed;
    await warnUncheckedClaims(context, out);
    return printDashboard(context, out);
}

/**
 * Open mode: where verified claims go while OpenCX Setting keeps them from routing (a warning line,
 * never a failure; also under --json as `warnings`).
 */
async function warnUncheckedClaims(context: ProvisionContext, out: RunOutput): Promise<void> {
    const checks = await uncheckedClaimsChecks(context, (soql) => queryAll(context.conn, soql));
    const warnings = checks.filter((check) => check.warning);
    if (warnings.length === 0) return;
    out.result.warnings = warnings;
    for (const line of renderChecks(warnings)) out.say(line);
}

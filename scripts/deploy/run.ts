// `npm run deploy`: plans the phases from force-app's component types, deploys them in order
// (activating the routing flow after phase 1 and checking the channel's mappings after phase 2),
// or validates everything at once (--validate), and reports as text or one JSON document.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
import { CliError, errorJson, EXIT, printable, type ExitCode } from '../lib/cli.ts';
import { JsonTextError, parseJsonText } from '../lib/json-text.ts';
import { Redactor } from '../lib/redact.ts';
import {
    ChannelTransformError,
    DEFAULT_VISITOR_VERIFICATION,
    visitorVerificationFromConfig,
    type VisitorVerification
} from '../lib/visitor-verification.ts';
import { findUnboundMappings, unboundFix } from './channel-check.ts';
import type { DeployArgs } from './cli.ts';
import { connectForDeploy, type DeployConnection } from './connection.ts';
import { ensureFlowActive } from './flow-activation.ts';
import { planPhases, UnplacedTypeError, type PlannedPhase } from './phases.ts';
import {
    applyOutcome,
    dryRunLines,
    failureLines,
    plannedPhaseReport,
    type DeployReport,
    type PhaseReport
} from './report.ts';
import { deploySet, retrieveSet, type WaitOptions } from './transfer.ts';
import { prepareWorkspace, type Workspace } from './workspace.ts';

export interface DeployIo {
    stdout: (line: string) => void;
    stderr: (line: string) => void;
}

export interface DeployEnvironment {
    projectRoot: string;
    env: NodeJS.ProcessEnv;
    /** Status polling interval and longest silence while waiting (tests shorten them). */
    pollMs?: number;
    heartbeatMs?: number;
}

interface Context {
    args: DeployArgs;
    report: DeployReport;
    say: (line: string) => void;
    wait: WaitOptions;
    workspace: Workspace;
    org: DeployConnection;
    planned: PlannedPhase[];
}

function chooseMode(
    args: DeployArgs
): Pick<DeployReport, 'visitorVerification' | 'visitorVerificationSource'> {
    if (args.visitorVerification) {
        return { visitorVerification: args.visitorVerification, visitorVerificationSource: 'flag' };
    }
    if (!existsSync(args.configPath)) {
        if (args.configExplicit) {
            throw new CliError('CONFIG', `config file not found: ${args.configPath}`, {
                exitCode: EXIT.usage
            });
        }
        return {
            visitorVerification: DEFAULT_VISITOR_VERIFICATION,
            visitorVerificationSource: 'default'
        };
    }
    try {
        // The parser provisioning uses: a byte-order mark is named, and errors give line and column.
        const config = parseJsonText(readFileSync(args.configPath, 'utf8'));
        const source =
            (config as { visitorVerification?: unknown })?.visitorVerification === undefined
                ? 'default'
                : 'config';
        return {
            visitorVerification: visitorVerificationFromConfig(config),
            visitorVerificationSource: source
        };
    } catch (error) {
        throw new CliError('CONFIG', `${args.configPath}: ${(error as Error).message}`, {
            fix:
                error instanceof JsonTextError
                    ? 'correct the file (opencx.config.example.json shows every field)'
                    : 'set "visitorVerification": "verified" or "open" (see opencx.config.example.json)',
            exitCode: EXIT.usage
        });
    }
}

function subset(workspace: Workspace, phase: PlannedPhase): ComponentSet {
    const wanted = new Set(phase.components.map((item) => `${item.type}:${item.fullName}`));
    const set = new ComponentSet(
        workspace.components
            .getSourceComponents()
            .toArray()
            .filter((component) => wanted.has(`${component.type.name}:${component.fullName}`))
    );
    set.apiVersion = workspace.sourceApiVersion;
    set.sourceApiVersion = workspace.sourceApiVersion;
    return set;
}

async function deployPhase(
    ctx: Context,
    phase: PlannedPhase,
    report: PhaseReport,
    index: number
): Promise<void> {
    ctx.say(
        `Phase ${index + 1}/${ctx.planned.length} ${phase.id}: ${phase.title} (${phase.components.length} components)`
    );
    const startedAt = Date.now();
    const outcome = await deploySet(
        {
            components: subset(ctx.workspace, phase),
            conn: ctx.org.conn,
            label: `phase ${index + 1} ${phase.id}`
        },
        ctx.wait
    );
    applyOutcome(report, outcome, Math.round((Date.now() - startedAt) / 100) / 10);
    if (!outcome.success) {
        for (const line of failureLines(report, outcome.errorMessage)) ctx.say(line);
        throw new CliError(
            'PHASE_FAILED',
            `phase ${index + 1} (${phase.id}) failed: ${report.componentFailures?.length ?? 0} component errors, ${report.testFailures?.length ?? 0} test failures; later phases were not deployed`,
            {
                fix: failureFix(
                    report,
                    ctx.args,
                    'then run the deploy again (deployed phases are deployed again unchanged)'
                )
            }
        );
    }
    ctx.say(
        `  ✓ phase ${index + 1} ${phase.id}: ${outcome.componentsDeployed} components deployed${outcome.testsRun ? `, ${outcome.testsRun} tests passed` : ''} (${report.seconds} s, id ${outcome.id})`
    );
}

/**
 * The fix for a failed request. A channel whose enabled authorization names a key set that is new
 * to the org (no key yet, same request) may be refused: the phased deploy puts the key set first.
 */
function failureFix(report: PhaseReport, args: DeployArgs, then: string): string {
    const keySetRefused = (report.componentFailures ?? []).some(
        (failure) =>
            failure.type === 'MessagingChannel' &&
            /messagingAuthorizations|PublicKeyCertificateSet|publicKeyCertificateSetName/.test(
                failure.problem
            )
    );
    if (keySetRefused) {
        return `the channel's user verification names the key set OpenCX_Identity_Keys, which this org does not have (with a key) yet: run npm run deploy -- ${targetText(args)} (phase 1 deploys the key set before the channel) and npm run provision (adds the key), then ${then.replace(/^then /, '')}; or choose visitorVerification open`;
    }
    return `fix the errors listed above, ${then}`;
}

async function activateFlows(ctx: Context, phase: PlannedPhase): Promise<void> {
    const flows = phase.components.filter(
        (item) => item.type === 'Flow' && ctx.workspace.activeFlows.includes(item.fullName)
    );
    for (const { fullName } of flows) {
        const activation = await ensureFlowActive(ctx.org.conn, fullName, ctx.say);
        ctx.report.flows.push(activation);
        ctx.say(
            `  ✓ flow ${fullName}: version ${activation.version ?? '?'} ${activation.outcome === 'activated' ? 'activated' : 'already active'}`
        );
    }
}

async function checkChannels(ctx: Context, phase: PlannedPhase): Promise<void> {
    for (const { fullName } of phase.components.filter(
        (item) => item.type === 'MessagingChannel'
    )) {
        const deployed = ctx.workspace.channels.get(fullName) ?? '';
        const flow = /<sessionHandlerFlow>([^<]+)<\/sessionHandlerFlow>/.exec(deployed)?.[1] ?? '';
        const output = mkdtempSync(join(ctx.workspace.root, 'retrieved-'));
        const set = new ComponentSet([{ fullName, type: 'MessagingChannel' }]);
        set.apiVersion = ctx.workspace.sourceApiVersion;
        const files = await retrieveSet(set, ctx.org.conn, output, ctx.wait);
        const file = files.find((path) => path.endsWith('.messagingChannel-meta.xml'));
        if (!file) {
            throw new CliError(
                'CHANNEL_NOT_RETRIEVED',
                `the channel ${fullName} did not come back from retrieve`,
                {
                    fix: `sf project retrieve start --metadata MessagingChannel:${fullName} --target-org <alias> to see why`
                }
            );
        }
        const unbound = findUnboundMappings(deployed, readFileSync(file, 'utf8'));
        const all = [
            ...deployed.matchAll(/<actionParameterName>([^<]+)<\/actionParameterName>/g)
        ].map((match) => match[1]);
        const bound = all.filter((name) => !unbound.some((problem) => problem.expected === name));
        ctx.report.channelChecks.push({ channel: fullName, flow, bound, unbound });
        if (unbound.length > 0) {
            for (const problem of unbound) {
                ctx.say(
                    `    ✗ parameter ${problem.parameter}: not bound to flow variable ${problem.expected} (retrieved: ${problem.found ?? 'empty mapping'})`
                );
            }
            throw new CliError(
                'MAPPINGS_UNBOUND',
                `channel ${fullName}: ${unbound.length} of ${all.length} custom parameter mappings are not bound to ${flow}'s variables, so the flow would receive empty routing attributes`,
                {
                    fix: unboundFix(fullName, flow, targetText(ctx.args))
                }
            );
        }
        ctx.say(`  ✓ channel ${fullName}: all ${all.length} parameter mappings bound to ${flow}`);
    }
}

function targetText(args: DeployArgs): string {
    if (args.target?.targetOrg) return `--target-org ${args.target.targetOrg}`;
    if (args.target?.instanceUrl) return `--instance-url ${args.target.instanceUrl}`;
    return '--target-org <alias>';
}

/** A component as readMetadata returns it (values as text). */
type OrgRecord = { fullName?: string } & Record<string, unknown>;

/** The cache (MB, org and session together) a Platform Cache partition in the org allocates. */
function allocatedCacheMb(record: OrgRecord): number {
    const types = record.platformCachePartitionTypes as
        { allocatedCapacity?: unknown } | { allocatedCapacity?: unknown }[] | undefined;
    return (Array.isArray(types) ? types : types ? [types] : []).reduce(
        (sum, type) => sum + (Number(type.allocatedCapacity ?? 0) || 0),
        0
    );
}

/**
 * Components the org already has that a deploy would undo, and why each is left as it is:
 * - the key set: the shipped set has no key, and a deploy replaces the set's keys with the file's
 *   (none), which would remove the key provisioning registered;
 * - the Platform Cache partition, once it has cache: the shipped partition allocates none (so a
 *   deploy never fails on an org without capacity), and a deploy would reset what provisioning or
 *   an admin allocated. A partition with 0 MB is deployed again as shipped (nothing to lose).
 */
const KEPT_WHEN_PRESENT: Record<
    string,
    { keep: (record: OrgRecord) => boolean; why: (record: OrgRecord) => string }
> = {
    PublicKeyCertificateSet: {
        keep: () => true,
        why: (record) =>
            `Key set ${record.fullName} is already in the org: left as it is (a deploy would replace its keys with none)`
    },
    PlatformCachePartition: {
        keep: (record) => allocatedCacheMb(record) > 0,
        why: (record) =>
            `Platform Cache partition ${record.fullName} has ${allocatedCacheMb(record)} MB of cache allocated in the org: left as it is (a deploy would reset it to the shipped 0 MB)`
    }
};

/** The components among `names` that the org has (Metadata API readMetadata), by full name. */
async function existingRecords(
    ctx: Context,
    type: string,
    names: string[]
): Promise<Map<string, OrgRecord>> {
    const records = (await ctx.org.conn.metadata.read(type as never, names)) as unknown as
        OrgRecord | OrgRecord[];
    const found = (Array.isArray(records) ? records : [records]).filter(
        (record) => record?.fullName
    );
    return new Map(found.map((record) => [String(record.fullName), record]));
}

async function leaveOutExisting(ctx: Context): Promise<void> {
    for (const [index, phase] of ctx.planned.entries()) {
        for (const [type, rule] of Object.entries(KEPT_WHEN_PRESENT)) {
            const wanted = phase.components.filter((item) => item.type === type);
            if (wanted.length === 0) continue;
            const existing = await existingRecords(
                ctx,
                type,
                wanted.map((item) => item.fullName)
            );
            for (const item of wanted) {
                const record = existing.get(item.fullName);
                if (!record || !rule.keep(record)) continue;
                phase.components = phase.components.filter((entry) => entry !== item);
                ctx.report.phases[index].components = phase.components.map(
                    (entry) => `${entry.type}:${entry.fullName}`
                );
                ctx.report.kept.push(`${type}:${item.fullName}`);
                ctx.say(rule.why(record));
            }
        }
    }
}

async function runPhases(ctx: Context): Promise<void> {
    const reports = ctx.report.phases;
    for (const [index, phase] of ctx.planned.entries()) {
        if (phase.components.length === 0) {
            reports[index].status = 'succeeded';
            continue;
        }
        await deployPhase(ctx, phase, reports[index], index);
        // Flows of phase 1 (the routing flow, before the channel) and of phase 3 (flows that
        // call Apex arrive with their classes).
        if (phase.id !== 'channel') await activateFlows(ctx, phase);
        if (phase.id === 'channel') await checkChannels(ctx, phase);
    }
    ctx.report.next = `npm run provision -- ${targetText(ctx.args)}`;
    ctx.say(
        `Deployed. The channel arrives inactive and the deployment unpublished: provisioning activates and publishes them.`
    );
    ctx.say(`Next: ${ctx.report.next}`);
}

async function runValidation(ctx: Context): Promise<void> {
    const everything: PlannedPhase = {
        id: 'references',
        title: 'every phase in one check-only deploy, RunLocalTests',
        components: ctx.planned.flatMap((phase) => phase.components)
    };
    const report: PhaseReport = { ...plannedPhaseReport(everything), id: 'validate' };
    ctx.report.phases = [report];
    ctx.say(
        `Validate: check-only deploy of ${everything.components.length} components with RunLocalTests (nothing is saved)`
    );
    const startedAt = Date.now();
    const outcome = await deploySet(
        {
            components: subset(ctx.workspace, everything),
            conn: ctx.org.conn,
            label: 'validate',
            checkOnly: true,
            testLevel: 'RunLocalTests'
        },
        ctx.wait
    );
    applyOutcome(report, outcome, Math.round((Date.now() - startedAt) / 100) / 10);
    if (!outcome.success) {
        for (const line of failureLines(report, outcome.errorMessage)) ctx.say(line);
        throw new CliError(
            'VALIDATION_FAILED',
            `validation failed: ${report.componentFailures?.length ?? 0} component errors, ${report.testFailures?.length ?? 0} test failures`,
            {
                fix: failureFix(report, ctx.args, 'then validate again')
            }
        );
    }
    ctx.report.quickDeployId = outcome.id;
    ctx.report.next = `npm run deploy -- ${targetText(ctx.args)}`;
    ctx.say(
        `  ✓ validated: ${outcome.componentsTotal} components, ${outcome.testsRun} tests passed (${report.seconds} s)`
    );
    ctx.say(`Quick-deploy id: ${outcome.id}`);
    ctx.say(
        `sf project deploy quick --job-id ${outcome.id} deploys this validation in one request; on a first install it leaves the routing flow inactive and the channel's mappings unbound, so deploy with: ${ctx.report.next}`
    );
}

/** The temporary copy; a project the deploy library cannot read is a usage error (exit 2). */
function prepareProject(projectRoot: string, mode: VisitorVerification): Workspace {
    try {
        return prepareWorkspace(projectRoot, mode);
    } catch (error) {
        if (error instanceof ChannelTransformError) throw error;
        throw new CliError(
            'PROJECT',
            `the project cannot be read for deploy: ${(error as Error).message.replace(/\/tmp\/opencx-deploy-[^/]+\//g, '')}`,
            {
                fix: 'fix the file named (npx sf project convert source --output-dir /tmp/check shows the same error)',
                exitCode: EXIT.usage
            }
        );
    }
}

let warningSink: ((line: string) => void) | undefined;

/** The deploy library's own warnings (API version lowered, size limits) become progress lines. */
async function forwardLibraryWarnings(say: (line: string) => void): Promise<void> {
    if (!warningSink) {
        const { Lifecycle } = await import('@salesforce/core');
        Lifecycle.getInstance().onWarning((warning) =>
            Promise.resolve(warningSink?.(`warning: ${warning}`))
        );
    }
    warningSink = say;
}

function apiErrorToCli(error: unknown, org: DeployConnection | undefined): CliError {
    if (error instanceof CliError) return error;
    const message = (error as Error).message ?? String(error);
    if (/INVALID_SESSION_ID|expired access\/refresh token|ERROR_HTTP_401/.test(message)) {
        return new CliError(
            'LOGIN',
            `the Salesforce session for ${org?.label ?? 'the org'} has expired or is invalid`,
            {
                fix: `${org?.loginHint ?? 'sf org login web --alias <alias>'}, then run the deploy again`,
                exitCode: EXIT.usage
            }
        );
    }
    if (error instanceof UnplacedTypeError || error instanceof ChannelTransformError) {
        return new CliError('PLAN', message, { exitCode: EXIT.usage });
    }
    return new CliError('DEPLOY_ERROR', message, {
        fix: 'run the deploy again; finished phases are deployed again unchanged'
    });
}

export async function runDeploy(
    args: DeployArgs,
    io: DeployIo,
    environment: DeployEnvironment
): Promise<ExitCode> {
    const redactor = new Redactor().add(args.target?.accessToken, environment.env.SF_ACCESS_TOKEN);
    const say = (line: string) =>
        (args.json ? io.stderr : io.stdout)(redactor.text(printable(line)));
    const report: DeployReport = {
        command: 'deploy',
        ok: false,
        org: args.target?.targetOrg ?? args.target?.instanceUrl ?? null,
        visitorVerification: DEFAULT_VISITOR_VERIFICATION,
        visitorVerificationSource: 'default',
        validate: args.validate,
        dryRun: args.dryRun,
        phases: [],
        flows: [],
        channelChecks: [],
        kept: []
    };
    let workspace: Workspace | undefined;
    let org: DeployConnection | undefined;
    let exitCode: ExitCode = EXIT.ok;
    try {
        Object.assign(report, chooseMode(args));
        workspace = prepareProject(environment.projectRoot, report.visitorVerification);
        const planned = planPhases(
            workspace.components.getSourceComponents().toArray(),
            report.visitorVerification
        );
        report.phases = planned.map(plannedPhaseReport);
        if (args.dryRun) {
            if (!args.json) dryRunLines(report).forEach(say);
        } else {
            await forwardLibraryWarnings(say);
            org = await connectForDeploy(args.target!, workspace.sourceApiVersion);
            redactor.add(org.conn.accessToken);
            say(
                `Deploying to ${org.label} (visitorVerification ${report.visitorVerification}, from ${report.visitorVerificationSource})`
            );
            const wait = {
                deadline: Date.now() + args.waitMinutes * 60_000,
                progress: say,
                pollMs: environment.pollMs,
                heartbeatMs: environment.heartbeatMs
            };
            const ctx: Context = { args, report, say, wait, workspace, org, planned };
            await leaveOutExisting(ctx);
            await (args.validate ? runValidation(ctx) : runPhases(ctx));
        }
        report.ok = true;
    } catch (error) {
        const failure = apiErrorToCli(error, org);
        report.error = errorJson(failure);
        for (const phase of report.phases)
            if (phase.status === 'planned' && !args.dryRun) phase.status = 'not-run';
        exitCode = failure.exitCode;
        if (!args.json) {
            io.stderr(redactor.text(printable(`error: ${failure.message}`)));
            if (failure.fix) io.stderr(redactor.text(printable(`fix: ${failure.fix}`)));
        }
    } finally {
        workspace?.cleanup();
    }
    if (args.json) io.stdout(redactor.json(report));
    return exitCode;
}

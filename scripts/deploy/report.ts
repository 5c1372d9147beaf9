// The result of `npm run deploy`: one document (--json) and the text lines the same facts make.
import type { FlowActivation } from './flow-activation.ts';
import type { MappingProblem } from './channel-check.ts';
import type { PhaseId, PlannedPhase } from './phases.ts';
import type { ComponentFailure, DeployOutcome, TestFailure } from './transfer.ts';
import type { VisitorVerification } from '../lib/visitor-verification.ts';

export type PhaseStatus = 'planned' | 'succeeded' | 'failed' | 'not-run';

export interface PhaseReport {
    id: PhaseId | 'validate';
    title: string;
    status: PhaseStatus;
    components: string[];
    deployId?: string;
    seconds?: number;
    testsRun?: number;
    componentFailures?: ComponentFailure[];
    testFailures?: TestFailure[];
}

export interface ChannelCheckReport {
    channel: string;
    flow: string;
    bound: string[];
    unbound: MappingProblem[];
}

export interface DeployReport {
    command: 'deploy';
    ok: boolean;
    org: string | null;
    visitorVerification: VisitorVerification;
    visitorVerificationSource: 'flag' | 'config' | 'default';
    validate: boolean;
    dryRun: boolean;
    phases: PhaseReport[];
    flows: FlowActivation[];
    channelChecks: ChannelCheckReport[];
    /** Components left out because the org's copy must not be replaced (key sets with keys). */
    kept: string[];
    quickDeployId?: string;
    next?: string;
    error?: { code: string; message: string; fix?: string };
}

export function plannedPhaseReport(phase: PlannedPhase): PhaseReport {
    return {
        id: phase.id,
        title: phase.title,
        status: 'planned',
        components: phase.components.map((item) => `${item.type}:${item.fullName}`)
    };
}

export function applyOutcome(report: PhaseReport, outcome: DeployOutcome, seconds: number): void {
    report.status = outcome.success ? 'succeeded' : 'failed';
    report.deployId = outcome.id;
    report.seconds = seconds;
    report.testsRun = outcome.testsRun;
    report.componentFailures = outcome.componentFailures;
    report.testFailures = outcome.testFailures;
}

/** Lines that list a failed deploy's component and test errors. */
export function failureLines(report: PhaseReport, errorMessage?: string): string[] {
    const lines = (report.componentFailures ?? []).map(
        (failure) =>
            `    ✗ ${failure.type} ${failure.fullName}${failure.line ? ` (line ${failure.line})` : ''}: ${failure.problem}`
    );
    for (const failure of report.testFailures ?? []) {
        lines.push(`    ✗ test ${failure.name}.${failure.method}: ${failure.message}`);
    }
    if (lines.length === 0 && errorMessage) lines.push(`    ✗ ${errorMessage}`);
    return lines;
}

export function dryRunLines(report: DeployReport): string[] {
    const lines = [
        `Deploy plan (visitorVerification ${report.visitorVerification}, from ${report.visitorVerificationSource}); nothing is sent.`
    ];
    report.phases.forEach((phase, index) => {
        lines.push(
            `Phase ${index + 1} ${phase.id}: ${phase.title} (${phase.components.length} components)`
        );
        for (const component of phase.components) lines.push(`    ${component}`);
        if (phase.components.some((item) => item.startsWith('PublicKeyCertificateSet:'))) {
            lines.push(
                '    (the key set only when the org does not have it yet: a deploy would replace its keys)'
            );
        }
        if (phase.id === 'references')
            lines.push("    then: the routing flow's latest version made active");
        if (phase.id === 'channel')
            lines.push('    then: the channel retrieved, its parameter mappings checked');
    });
    return lines;
}

// Runs one Metadata API deploy or retrieve through source-deploy-retrieve and waits for it with a
// deadline, printing progress at least every HEARTBEAT_MS (a status change prints at once).
import { Duration } from '@salesforce/kit';
import type { Connection } from '@salesforce/core';
import { ComponentSet, type MetadataApiDeployStatus } from '@salesforce/source-deploy-retrieve';
import { CliError } from '../lib/cli.ts';

export const HEARTBEAT_MS = 10_000;
const POLL_MS = 2_000;

export interface WaitOptions {
    /** Epoch ms by which the whole command must be done. */
    deadline: number;
    progress: (line: string) => void;
    pollMs?: number;
    /** Longest silence while waiting (default HEARTBEAT_MS). */
    heartbeatMs?: number;
}

export interface ComponentFailure {
    type: string;
    fullName: string;
    problem: string;
    fileName?: string;
    line?: number;
}

export interface TestFailure {
    name: string;
    method: string;
    message: string;
}

export interface DeployOutcome {
    id: string;
    status: string;
    success: boolean;
    componentsDeployed: number;
    componentsTotal: number;
    componentFailures: ComponentFailure[];
    testsRun: number;
    testFailures: TestFailure[];
    errorMessage?: string;
}

function list<T>(value: T | T[] | undefined | null): T[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}

function describeStatus(status: Partial<MetadataApiDeployStatus>): string {
    const parts = [String(status.status ?? 'Pending')];
    if (status.numberComponentsTotal) {
        parts.push(
            `${status.numberComponentsDeployed ?? 0}/${status.numberComponentsTotal} components`
        );
    }
    if (status.numberTestsTotal) {
        parts.push(`${status.numberTestsCompleted ?? 0}/${status.numberTestsTotal} tests`);
    }
    if (status.stateDetail) parts.push(String(status.stateDetail));
    return parts.join(', ');
}

/** Prints `label: status` when it changes, and at least every HEARTBEAT_MS while waiting. */
function progressReporter(label: string, wait: WaitOptions, startedAt: number) {
    const heartbeat = wait.heartbeatMs ?? HEARTBEAT_MS;
    const progress = wait.progress;
    let last = '';
    let lastPrinted = 0;
    const print = (text: string) => {
        last = text;
        lastPrinted = Date.now();
        progress(`  ${label}: ${text} (${Math.round((Date.now() - startedAt) / 1000)} s)`);
    };
    const timer = setInterval(() => {
        if (Date.now() - lastPrinted >= heartbeat - heartbeat / 10) print(last || 'waiting');
    }, heartbeat / 10);
    timer.unref();
    return {
        update: (text: string) => (text !== last ? print(text) : undefined),
        stop: () => clearInterval(timer)
    };
}

function remaining(deadline: number, what: string, id?: string): Duration {
    const left = deadline - Date.now();
    if (left <= 0) {
        throw new CliError('TIMEOUT', `the --wait time ran out before ${what} finished`, {
            fix: id
                ? `see how it ended: sf project deploy report --job-id ${id}; rerun with a longer --wait`
                : 'rerun with a longer --wait'
        });
    }
    return Duration.milliseconds(left);
}

/** The polling library's "timed out" as the command's TIMEOUT error (with the deploy's id). */
function asTimeout(error: unknown, what: string, id?: string): CliError | undefined {
    if (error instanceof CliError || !/timed out/i.test((error as Error).message ?? ''))
        return undefined;
    return new CliError(
        'TIMEOUT',
        `the --wait time ran out before ${what} finished${id ? ` (id ${id})` : ''}`,
        {
            fix: id
                ? `see how it ended: sf project deploy report --job-id ${id}; rerun with a longer --wait`
                : 'rerun with a longer --wait',
            cause: error
        }
    );
}

function outcomeOf(status: MetadataApiDeployStatus): DeployOutcome {
    const details = status.details ?? {};
    const failures = list(details.componentFailures).map((failure) => ({
        type: String(failure.componentType ?? ''),
        fullName: String(failure.fullName ?? ''),
        problem: String(failure.problem ?? ''),
        fileName: failure.fileName ? String(failure.fileName) : undefined,
        line: failure.lineNumber ? Number(failure.lineNumber) : undefined
    }));
    const tests = details.runTestResult;
    return {
        id: status.id,
        status: String(status.status),
        success: String(status.success) === 'true',
        componentsDeployed: Number(status.numberComponentsDeployed ?? 0),
        componentsTotal: Number(status.numberComponentsTotal ?? 0),
        componentFailures: failures,
        testsRun: Number(tests?.numTestsRun ?? 0),
        testFailures: list(tests?.failures).map((failure) => ({
            name: String(failure.name ?? ''),
            method: String(failure.methodName ?? ''),
            message: String(failure.message ?? '')
        })),
        errorMessage: status.errorMessage ? String(status.errorMessage) : undefined
    };
}

export interface DeployRequest {
    components: ComponentSet;
    conn: Connection;
    label: string;
    checkOnly?: boolean;
    testLevel?: 'NoTestRun' | 'RunLocalTests';
}

/** Deploys (or validates) a set and waits for the org's answer. */
export async function deploySet(request: DeployRequest, wait: WaitOptions): Promise<DeployOutcome> {
    const startedAt = Date.now();
    const reporter = progressReporter(request.label, wait, startedAt);
    reporter.update('sending');
    let deployId: string | undefined;
    try {
        const operation = await request.components.deploy({
            usernameOrConnection: request.conn,
            apiOptions: {
                rest: false,
                checkOnly: request.checkOnly ?? false,
                rollbackOnError: true,
                ...(request.testLevel ? { testLevel: request.testLevel } : {})
            }
        });
        deployId = operation.id;
        operation.onUpdate((status) => reporter.update(describeStatus(status)));
        const result = await operation.pollStatus({
            frequency: Duration.milliseconds(wait.pollMs ?? POLL_MS),
            timeout: remaining(wait.deadline, `deploy ${request.label}`, operation.id)
        });
        reporter.update(describeStatus(result.response));
        return outcomeOf(result.response);
    } catch (error) {
        throw asTimeout(error, `deploy ${request.label}`, deployId) ?? error;
    } finally {
        reporter.stop();
    }
}

/** Retrieves components into `outputDir` (source format) and returns the retrieved file paths. */
export async function retrieveSet(
    components: ComponentSet,
    conn: Connection,
    outputDir: string,
    wait: WaitOptions
): Promise<string[]> {
    const reporter = progressReporter('retrieve', wait, Date.now());
    reporter.update('sending');
    try {
        const operation = await components.retrieve({
            usernameOrConnection: conn,
            output: outputDir,
            merge: false
        });
        operation.onUpdate((status) => reporter.update(String(status.status)));
        const result = await operation.pollStatus({
            frequency: Duration.milliseconds(wait.pollMs ?? POLL_MS),
            timeout: remaining(wait.deadline, 'the channel retrieve')
        });
        reporter.update(String(result.response.status));
        return result
            .getFileResponses()
            .map((file) => file.filePath)
            .filter((path): path is string => Boolean(path));
    } catch (error) {
        throw asTimeout(error, 'the channel retrieve') ?? error;
    } finally {
        reporter.stop();
    }
}

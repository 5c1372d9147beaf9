// PMD over Apex through Salesforce Code Analyzer's own engine (the `sf code-analyzer` plugin does
// not install from this registry; its core and PMD engine do). Recommended Apex rules; severity 1
// (Critical) and 2 (High) block, and so does a file PMD could not parse, which Code Analyzer
// reports as an error log event rather than as a violation.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
    CodeAnalyzer,
    CodeAnalyzerConfig,
    EventType,
    LogLevel,
    SeverityLevel,
    type EngineLogEvent,
    type LogEvent
} from '@salesforce/code-analyzer-core';
import * as pmdEngine from '@salesforce/code-analyzer-pmd-engine';

export const BLOCKING_SEVERITIES: readonly SeverityLevel[] = [
    SeverityLevel.Critical,
    SeverityLevel.High
];

export interface PmdFinding {
    file: string;
    line: number;
    column: number;
    severity: SeverityLevel;
    rule: string;
    message: string;
    blocking: boolean;
}

export interface PmdReport {
    ruleCount: number;
    findings: PmdFinding[];
    /** Messages of error log events: files PMD could not parse, engine failures. */
    errors: string[];
    countBySeverity: Record<number, number>;
    blockingCount: number;
}

/** The Java version string, or null when there is no usable `java` on the PATH. */
export function javaVersion(): string | null {
    const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
    if (result.error || result.status !== 0) return null;
    return /version "([^"]+)"/.exec(result.stderr)?.[1] ?? 'unknown';
}

export async function runPmd(files: string[], configRoot: string): Promise<PmdReport> {
    const workFolder = mkdtempSync(join(tmpdir(), 'apex-pmd-'));
    try {
        const logFolder = join(workFolder, 'logs');
        mkdirSync(logFolder, { recursive: true });
        const analyzer = new CodeAnalyzer(
            CodeAnalyzerConfig.fromObject({
                config_root: configRoot.replace(/\/$/, ''),
                log_folder: logFolder,
                root_working_folder: workFolder
            })
        );
        const errors: string[] = [];
        const collect = (event: LogEvent | EngineLogEvent) => {
            if (event.logLevel === LogLevel.Error) errors.push(event.message.trim());
        };
        analyzer.onEvent(EventType.LogEvent, collect);
        analyzer.onEvent(EventType.EngineLogEvent, collect);

        await analyzer.addEnginePlugin(pmdEngine.createEnginePlugin());
        const workspace = await analyzer.createWorkspace(files);
        const rules = await analyzer.selectRules(['pmd:Recommended:Apex'], { workspace });
        const results = await analyzer.run(rules, { workspace });

        const findings = results.getViolations().map((violation): PmdFinding => {
            const location = violation.getPrimaryLocation();
            const severity = violation.getRule().getSeverityLevel();
            return {
                file: location.getFile() ?? '?',
                line: location.getStartLine() ?? 0,
                column: location.getStartColumn() ?? 0,
                severity,
                rule: violation.getRule().getName(),
                message: violation.getMessage().trim(),
                blocking: BLOCKING_SEVERITIES.includes(severity)
            };
        });
        const countBySeverity: Record<number, number> = {};
        for (const level of [1, 2, 3, 4, 5]) {
            countBySeverity[level] = results.getViolationCountOfSeverity(level);
        }
        return {
            ruleCount: rules.getCount(),
            findings,
            errors,
            countBySeverity,
            blockingCount: findings.filter((finding) => finding.blocking).length + errors.length
        };
    } finally {
        rmSync(workFolder, { recursive: true, force: true });
    }
}

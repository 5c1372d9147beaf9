// PMD over Apex through Salesforce Code Analyzer's own engine (the `sf code-analyzer` plugin does
// not install from this registry; its core and PMD engine do). Recommended Apex rules; severity 1
// (Critical) and 2 (High) block, and so does a file PMD could not parse, which Code Analyzer
// reports as an error log event rather than as a violation.
//
// Findings are cached per file, keyed by the file's content and the engine versions, so that
// `npm test` runs PMD once: the node test analyses its fixtures and the project in one run, and
// check:apex then reads the project's findings from the cache (PMD's Apex rules look at one file
// at a time). A run whose errors cannot be tied to a file caches nothing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
    existsSync,
    mkdirSync,
    mkdtempSync,
    readFileSync,
    renameSync,
    rmSync,
    writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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

const RULE_SELECTOR = 'pmd:Recommended:Apex';
const CACHE = new URL('../node_modules/.cache/opencx-pmd/', import.meta.url).pathname;

/** What the engine's answer depends on besides the file: the engine versions and the rules. */
const ENGINE_KEY = (() => {
    const version = (name: string) =>
        (
            JSON.parse(
                readFileSync(
                    new URL(`../node_modules/${name}/package.json`, import.meta.url),
                    'utf8'
                )
            ) as { version: string }
        ).version;
    return [
        version('@salesforce/code-analyzer-core'),
        version('@salesforce/code-analyzer-pmd-engine'),
        RULE_SELECTOR
    ].join('|');
})();

type FileFindings = Omit<PmdFinding, 'file'>;
interface CacheEntry {
    ruleCount: number;
    findings: FileFindings[];
    errors: string[];
}

function cachePath(file: string): string {
    const digest = createHash('sha256')
        .update(ENGINE_KEY)
        .update('\0')
        .update(basename(file))
        .update('\0')
        .update(readFileSync(file))
        .digest('hex');
    return join(CACHE, `${digest}.json`);
}

function readCache(file: string): CacheEntry | null {
    const path = cachePath(file);
    if (!existsSync(path)) return null;
    try {
        return JSON.parse(readFileSync(path, 'utf8')) as CacheEntry;
    } catch {
        return null;
    }
}

function writeCache(file: string, entry: CacheEntry): void {
    mkdirSync(CACHE, { recursive: true });
    const path = cachePath(file);
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(entry));
    renameSync(partial, path);
}

function summarize(ruleCount: number, findings: PmdFinding[], errors: string[]): PmdReport {
    const countBySeverity: Record<number, number> = {};
    for (const level of [1, 2, 3, 4, 5]) {
        countBySeverity[level] = findings.filter((finding) => finding.severity === level).length;
    }
    return {
        ruleCount,
        findings,
        errors,
        countBySeverity,
        blockingCount: findings.filter((finding) => finding.blocking).length + errors.length
    };
}

/** Errors name the file they are about; those that name none make a run uncacheable. */
function errorsByFile(files: string[], errors: string[]): Map<string, string[]> | null {
    const byFile = new Map<string, string[]>(files.map((file) => [file, []]));
    for (const error of errors) {
        const file = files.find((candidate) => error.includes(candidate));
        if (!file) return null;
        byFile.get(file)!.push(error);
    }
    return byFile;
}

export interface PmdRunOptions {
    /**
     * 'use' (default): read cached files, analyse and cache the rest; 'refresh': analyse every
     * file and cache the results; 'off': analyse every file, touch no cache.
     */
    cache?: 'use' | 'refresh' | 'off';
}

/**
 * PMD over the files; with the cache, files analysed before with the same content are not
 * analysed again. `analysed` says how many files this call handed to PMD.
 */
export async function runPmd(
    files: string[],
    configRoot: string,
    options: PmdRunOptions = {}
): Promise<PmdReport & { analysed: number }> {
    const mode = options.cache ?? 'use';
    const cached = new Map<string, CacheEntry>();
    if (mode === 'use') {
        for (const file of files) {
            const entry = readCache(file);
            if (entry) cached.set(file, entry);
        }
    }
    const misses = files.filter((file) => !cached.has(file));
    const fresh = misses.length ? await analyse(misses, configRoot) : null;
    if (fresh && mode !== 'off') {
        const errors = errorsByFile(misses, fresh.errors);
        if (errors) {
            for (const file of misses) {
                writeCache(file, {
                    ruleCount: fresh.ruleCount,
                    findings: fresh.findings
                        .filter((finding) => finding.file === file)
                        .map(({ file: _file, ...rest }) => rest),
                    errors: errors.get(file)!
                });
            }
        }
    }
    const findings: PmdFinding[] = [...(fresh?.findings ?? [])];
    const errors: string[] = [...(fresh?.errors ?? [])];
    for (const [file, entry] of cached) {
        findings.push(...entry.findings.map((finding) => ({ ...finding, file })));
        errors.push(...entry.errors);
    }
    const ruleCount = fresh?.ruleCount ?? [...cached.values()][0]?.ruleCount ?? 0;
    return { ...summarize(ruleCount, findings, errors), analysed: misses.length };
}

async function analyse(files: string[], configRoot: string): Promise<PmdReport> {
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
        const rules = await analyzer.selectRules([RULE_SELECTOR], { workspace });
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
        return summarize(rules.getCount(), findings, errors);
    } finally {
        rmSync(workFolder, { recursive: true, force: true });
    }
}

// `npm run check:apex`: the offline stand-in for an org compile.
//  1. Parses every .cls/.trigger under force-app with the Apex grammar; any syntax error fails.
//  2. Runs PMD (Salesforce Code Analyzer's PMD engine, Recommended rules) over the same files;
//     fails on severity 1 (Critical) or 2 (High) violations and on files PMD could not parse.
//     PMD needs Java 11+; without Java this step is skipped with one line saying so.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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
import { checkApexFiles, findApexFiles } from './apex-syntax.ts';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const apexRoot = join(root, 'force-app');
const FAILING_SEVERITIES = [SeverityLevel.Critical, SeverityLevel.High];

function javaVersion(): string | null {
    const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
    if (result.error || result.status !== 0) return null;
    return /version "([^"]+)"/.exec(result.stderr)?.[1] ?? 'unknown';
}

async function runPmd(files: string[]): Promise<number> {
    const workFolder = mkdtempSync(join(tmpdir(), 'check-apex-'));
    const logFolder = join(workFolder, 'logs');
    mkdirSync(logFolder, { recursive: true });
    const config = CodeAnalyzerConfig.fromObject({
        log_folder: logFolder,
        root_working_folder: workFolder,
        config_root: root
    });
    const analyzer = new CodeAnalyzer(config);
    // PMD reports files it cannot parse as error log events, not as violations.
    const parseErrors: string[] = [];
    const collect = (event: LogEvent | EngineLogEvent) => {
        if (event.logLevel === LogLevel.Error) parseErrors.push(event.message);
    };
    analyzer.onEvent(EventType.LogEvent, collect);
    analyzer.onEvent(EventType.EngineLogEvent, collect);

    await analyzer.addEnginePlugin(pmdEngine.createEnginePlugin());
    const workspace = await analyzer.createWorkspace(files);
    const rules = await analyzer.selectRules(['pmd:Recommended:Apex'], { workspace });
    const results = await analyzer.run(rules, { workspace });

    const violations = results.getViolations();
    let failing = 0;
    for (const violation of violations) {
        const severity = violation.getRule().getSeverityLevel();
        const location = violation.getPrimaryLocation();
        const failed = FAILING_SEVERITIES.includes(severity);
        if (failed) failing += 1;
        // Severity 4-5 (mostly ApexDoc) are counted in the summary, not listed one by one.
        if (severity > SeverityLevel.Moderate) continue;
        console.log(
            `${failed ? 'FAIL' : 'warn'} ${relative(root, location.getFile() ?? '?')}:${location.getStartLine()}:${location.getStartColumn()}: ` +
                `[sev ${severity}] ${violation.getRule().getName()}: ${violation.getMessage().trim()}`
        );
    }
    for (const message of parseErrors) console.log(`FAIL PMD error: ${message.trim()}`);
    const bySeverity = [1, 2, 3, 4, 5]
        .map((level) => `sev${level} ${results.getViolationCountOfSeverity(level)}`)
        .join(', ');
    console.log(
        `check:apex: PMD ran ${rules.getCount()} Recommended Apex rules on ${files.length} file(s): ` +
            `${violations.length} violation(s) (${bySeverity}), ${parseErrors.length} PMD error(s)`
    );
    return failing + parseErrors.length;
}

async function main(): Promise<void> {
    const files = findApexFiles(apexRoot);
    const syntaxErrors = checkApexFiles(files, root);
    for (const line of syntaxErrors) console.error(line);
    console.log(
        `check:apex: parsed ${files.length} Apex file(s), ${syntaxErrors.length} syntax error(s)`
    );
    if (syntaxErrors.length) process.exit(1);
    if (files.length === 0) return;

    const java = javaVersion();
    if (!java) {
        console.log('check:apex: PMD skipped: no Java on this machine (PMD needs Java 11+)');
        return;
    }
    const failing = await runPmd(files);
    if (failing) {
        console.error(`check:apex: ${failing} blocking PMD finding(s) (severity 1-2 or PMD error)`);
        process.exit(1);
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});

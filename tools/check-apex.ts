// `npm run check:apex`: the offline stand-in for an org compile.
//  1. Parses every .cls/.trigger under force-app with the Apex grammar; any syntax error fails.
//  2. Runs PMD (Salesforce Code Analyzer's PMD engine, Recommended rules) over the same files;
//     fails on severity 1 (Critical) or 2 (High) violations and on files PMD could not parse.
//     PMD needs Java 11+; without Java this step is skipped with one line saying so.
import { join, relative } from 'node:path';
import { SeverityLevel } from '@salesforce/code-analyzer-core';
import { checkApexFiles, findApexFiles } from './apex-syntax.ts';
import { javaVersion, runPmd } from './apex-pmd.ts';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

async function main(): Promise<void> {
    const files = findApexFiles(join(root, 'force-app'));
    const syntaxErrors = checkApexFiles(files, root);
    for (const line of syntaxErrors) console.error(line);
    console.log(
        `check:apex: parsed ${files.length} Apex file(s), ${syntaxErrors.length} syntax error(s)`
    );
    if (syntaxErrors.length) process.exit(1);
    if (files.length === 0) return;

    if (!javaVersion()) {
        console.log('check:apex: PMD skipped: no Java on this machine (PMD needs Java 11+)');
        return;
    }
    const report = await runPmd(files, root);
    for (const finding of report.findings) {
        // Severity 4-5 (mostly ApexDoc) are counted in the summary, not listed one by one.
        if (finding.severity > SeverityLevel.Moderate) continue;
        console.log(
            `${finding.blocking ? 'FAIL' : 'warn'} ${relative(root, finding.file)}:${finding.line}:${finding.column}: ` +
                `[sev ${finding.severity}] ${finding.rule}: ${finding.message}`
        );
    }
    for (const message of report.errors) console.log(`FAIL PMD error: ${message}`);
    const bySeverity = Object.entries(report.countBySeverity)
        .map(([level, count]) => `sev${level} ${count}`)
        .join(', ');
    console.log(
        `check:apex: PMD ran ${report.ruleCount} Recommended Apex rules on ${files.length} file(s): ` +
            `${report.findings.length} violation(s) (${bySeverity}), ${report.errors.length} PMD error(s)`
    );
    if (report.blockingCount) {
        console.error(
            `check:apex: ${report.blockingCount} blocking PMD finding(s) (severity 1-2 or PMD error)`
        );
        process.exit(1);
    }
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});

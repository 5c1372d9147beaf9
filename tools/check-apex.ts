// `npm run check:apex`: the offline stand-in for an org compile.
//  1. Parses every .cls/.trigger under force-app with the Apex grammar; any syntax error fails.
//  2. Runs PMD (Salesforce Code Analyzer's PMD engine, Recommended rules) over the same files;
//     fails on severity 1 (Critical) or 2 (High) violations and on files PMD could not parse.
//     Files whose content PMD has analysed before come from the per-file cache (tools/apex-pmd.ts).
//  3. Runs apex-ls semantic analysis (tools/apex-link.ts) on the project: unknown methods, fields
//     and types against the API 61 standard library; any issue fails.
// PMD needs Java 11+ and apex-ls Java 17+; without Java those steps are skipped with one line each.
import { join, relative } from 'node:path';
import { SeverityLevel } from '@salesforce/code-analyzer-core';
import { checkApexFiles, findApexFiles } from './apex-syntax.ts';
import { javaVersion, runPmd } from './apex-pmd.ts';
import { chooseJava, findJavaRuntimes, runApexLink } from './apex-link.ts';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** Step 2; true when nothing blocks. */
async function pmdStep(files: string[]): Promise<boolean> {
    if (!javaVersion()) {
        console.log('check:apex: PMD skipped: no Java on this machine (PMD needs Java 11+)');
        return true;
    }
    const started = Date.now();
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
    const fromCache = files.length - report.analysed;
    console.log(
        `check:apex: PMD ran ${report.ruleCount} Recommended Apex rules on ${files.length} file(s)` +
            `${fromCache ? ` (${fromCache} from the cache)` : ''}: ` +
            `${report.findings.length} violation(s) (${bySeverity}), ${report.errors.length} PMD error(s), ${seconds(started)}`
    );
    if (report.blockingCount) {
        console.error(
            `check:apex: ${report.blockingCount} blocking PMD finding(s) (severity 1-2 or PMD error)`
        );
        return false;
    }
    return true;
}

/** Step 3; true when apex-ls reports nothing. */
async function apexLinkStep(): Promise<boolean> {
    const java = chooseJava(findJavaRuntimes());
    if (!java) {
        console.log(
            'check:apex: Apex semantic analysis skipped: no Java 17+ on this machine ' +
                '(apex-ls needs Java 21, or Java 17 with the lowered jar; set OPENCX_APEX_JAVA)'
        );
        return true;
    }
    const report = await runApexLink(root, java);
    for (const issue of report.issues) {
        console.log(
            `FAIL ${relative(root, issue.file)}:${issue.line}: [${issue.category}] ${issue.message}`
        );
    }
    console.log(
        `check:apex: apex-ls 5.3 (API 61 library) on Java ${java.version}` +
            `${report.lowered ? ' (class files lowered to Java 17)' : ''}: ` +
            `${report.issues.length} issue(s), ${report.seconds.toFixed(1)} s`
    );
    return report.issues.length === 0;
}

async function main(): Promise<void> {
    const started = Date.now();
    const files = findApexFiles(join(root, 'force-app'));
    const syntaxErrors = checkApexFiles(files, root);
    for (const line of syntaxErrors) console.error(line);
    console.log(
        `check:apex: parsed ${files.length} Apex file(s), ${syntaxErrors.length} syntax error(s)`
    );
    if (syntaxErrors.length) process.exit(1);
    if (files.length === 0) return;

    const pmdClean = await pmdStep(files);
    const semanticsClean = await apexLinkStep();
    console.log(
        `check:apex: ${pmdClean && semanticsClean ? 'passed' : 'FAILED'}, ${seconds(started)}`
    );
    if (!pmdClean || !semanticsClean) process.exit(1);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
});

// `npm run provision`: finishes the org-side setup of OpenCX Handoff, checks it (--check) and prints
// the OpenCX dashboard values. See scripts/provision/cli.ts (--help), scripts/provision/run.ts and
// docs/provisioning.md. Under --json every outcome, a usage error included, is one JSON document.
import {
    CliError,
    errorJson,
    errorLines,
    exitQuietlyOnClosedStdout,
    wantsJson
} from './lib/cli.ts';
import { Redactor } from './lib/redact.ts';
import { buildRunOptions, HELP, parseArgs } from './provision/cli.ts';
import { runProvision } from './provision/run.ts';

function report(error: CliError, json: boolean): number {
    const redactor = new Redactor().add(process.env.SF_ACCESS_TOKEN, process.env.OPENCX_API_KEY);
    if (json) {
        const document = {
            mode: 'usage',
            ok: false,
            error: { ...errorJson(error), exitCode: error.exitCode }
        };
        process.stdout.write(`${redactor.json(document)}\n`);
    } else {
        for (const line of errorLines(error)) process.stderr.write(`${redactor.text(line)}\n`);
    }
    return error.exitCode;
}

async function main(argv: string[]): Promise<number> {
    let parsed;
    try {
        parsed = parseArgs(argv);
    } catch (error) {
        if (error instanceof CliError) return report(error, wantsJson(argv));
        throw error;
    }
    if (parsed.help) {
        process.stdout.write(`${HELP}\n`);
        return 0;
    }
    return runProvision(buildRunOptions(parsed, process.env, process.cwd()), {
        stdout: (line) => process.stdout.write(`${line}\n`),
        stderr: (line) => process.stderr.write(`${line}\n`)
    });
}

exitQuietlyOnClosedStdout();
const argv = process.argv.slice(2);
main(argv).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        process.exitCode = report(
            new CliError('INTERNAL', (error as Error).message ?? String(error)),
            wantsJson(argv)
        );
    }
);

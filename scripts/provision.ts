// `npm run provision`: finishes the org-side setup of OpenCX Handoff, checks it (--check) and prints
// the OpenCX dashboard values. See scripts/provision/cli.ts (--help) and scripts/provision/run.ts.
import { buildRunOptions, HELP, parseArgs, UsageError } from './provision/cli.ts';
import { runProvision } from './provision/run.ts';

async function main(): Promise<number> {
    let parsed;
    try {
        parsed = parseArgs(process.argv.slice(2));
    } catch (error) {
        if (error instanceof UsageError) {
            process.stderr.write(`error: ${error.message}\n`);
            return 2;
        }
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

main().then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        process.stderr.write(`error: ${(error as Error).message}\n`);
        process.exitCode = 1;
    }
);

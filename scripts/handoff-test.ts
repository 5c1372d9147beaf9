// `npm run handoff:test -- --target-org <alias> ...`: rehearses an OpenCX handoff against an org.
// See scripts/handoff/cli.ts (--help) and README "Rehearse a handoff".
import { runHandoffCommand } from './handoff/command.ts';

void runHandoffCommand(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env
}).then(
    (outcome) => {
        process.exitCode = outcome.exitCode;
    },
    (error: unknown) => {
        process.stderr.write(`error: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exitCode = 2;
    }
);

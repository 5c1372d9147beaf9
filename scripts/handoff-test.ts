// `npm run handoff:test -- --target-org <alias> ...`: rehearses an OpenCX handoff against an org.
// See scripts/handoff/cli.ts (--help) and docs/rehearsal.md.
import { exitQuietlyOnClosedStdout } from './lib/cli.ts';
import { runHandoffCommand } from './handoff/command.ts';

// `handoff:test | head`: a closed pipe ends the run quietly.
exitQuietlyOnClosedStdout();

void runHandoffCommand(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env
}).then(
    (outcome) => exitWhenFlushed(outcome.exitCode),
    (error: unknown) => {
        // runHandoffCommand turns every failure into output; this is a bug in it.
        process.stderr.write(`error: ${(error as Error)?.message ?? String(error)}\n`);
        exitWhenFlushed(2);
    }
);

/** Exits once stdout is written out: a request abandoned at its deadline must not hold the process. */
function exitWhenFlushed(code: number): void {
    process.exitCode = code;
    process.stdout.write('', () => process.exit(code));
}

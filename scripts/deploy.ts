// `npm run deploy`: deploys force-app in phases and proves the result (scripts/deploy/run.ts).
import {
    CliError,
    errorJson,
    errorLines,
    EXIT,
    exitQuietlyOnClosedStdout,
    wantsJson
} from './lib/cli.ts';
import { PROJECT_ROOT } from './lib/project.ts';
import { Redactor } from './lib/redact.ts';
import { HELP, parseDeployArgs } from './deploy/cli.ts';
import { runDeploy } from './deploy/run.ts';

async function main(argv: string[]): Promise<number> {
    const json = wantsJson(argv);
    const redactor = new Redactor().add(process.env.SF_ACCESS_TOKEN);
    let args;
    try {
        args = parseDeployArgs(argv, process.env, process.cwd());
    } catch (error) {
        const failure =
            error instanceof CliError
                ? error
                : new CliError('USAGE', String(error), { exitCode: EXIT.usage });
        if (json)
            process.stdout.write(
                `${redactor.json({ command: 'deploy', ok: false, error: errorJson(failure) })}\n`
            );
        else
            for (const line of errorLines(failure))
                process.stderr.write(`${redactor.text(line)}\n`);
        return failure.exitCode;
    }
    if (args.help) {
        if (json)
            process.stdout.write(
                `${JSON.stringify({ command: 'deploy', ok: true, help: HELP })}\n`
            );
        else process.stdout.write(`${HELP}\n`);
        return EXIT.ok;
    }
    return runDeploy(
        args,
        {
            stdout: (line) => process.stdout.write(`${line}\n`),
            stderr: (line) => process.stderr.write(`${line}\n`)
        },
        { projectRoot: PROJECT_ROOT, env: process.env }
    );
}

exitQuietlyOnClosedStdout();
main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        const message = new Redactor()
            .add(process.env.SF_ACCESS_TOKEN)
            .text(`error: ${(error as Error).message}`);
        if (wantsJson(process.argv)) {
            process.stdout.write(
                `${JSON.stringify({ command: 'deploy', ok: false, error: { code: 'INTERNAL', message } })}\n`
            );
        } else process.stderr.write(`${message}\n`);
        process.exitCode = EXIT.failed;
    }
);

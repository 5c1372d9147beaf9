// Command line of `npm run provision`: flags, --help, and where the OpenCX API key is read from
// (OPENCX_API_KEY, or a prompt that does not echo).
import { resolve } from 'node:path';
import { ORG_FLAGS, OUTPUT_FLAGS, orgTarget, parseFlags, usageError } from '../lib/cli.ts';
import { PlanError, type RunOptions } from './context.ts';

export const HELP = `Usage: npm run provision -- --target-org <alias|username> [options]

Finishes the org-side setup of OpenCX Handoff after the project is deployed, checks it, and prints
the six values for OpenCX's dashboard (Salesforce → MIAW). Every step reads first and writes only
what is missing, so running it again is safe; an interrupted run finishes on the next one.

Steps: 1 preflight (API version, Messaging, Omni-Channel, deployed metadata) · 2 reps and admins
(queue members, permission sets, presence configuration; from the config file) · 3 OpenCX API key
into the External Credential · 4 routing flow and channel active, deployment published ·
5 user-verification key, visitorVerification "verified" only (RSA 2048, private key file mode
0600, public JWK in the key set) · 6 org cache: 1 MB of Platform Cache for the panel when the org
has it free (a warning, not a failure, when it has none) · 7 dashboard values.

Options:
  --target-org, -o <alias|username>  org of a stored \`sf\` login (sf org login web --alias <alias>)
  --instance-url <https://...>       connect with the access token in SF_ACCESS_TOKEN instead (CI)
  --config <file>                    config file (default: opencx.config.json; see
                                     opencx.config.example.json)
  --dry-run                          read only: print the plan, make no change
  --check                            doctor: check every known cause of lost handoffs, with the
                                     Setup path that fixes each; exits 1 when one fails
  --json                             print one JSON document on stdout and nothing else
  --rotate-key                       replace the private key file with a new key once the org has
                                     it (the old key stays registered until you remove it in Setup)
  --update-api-key                   store the API key even when one is already set (replace it)
  --retry-cache                      ask the org for the panel's org cache again after it refused
                                     (once it has free Platform Cache capacity)
  --help, -h                         this text

Environment:
  OPENCX_API_KEY   the OpenCX API key (otherwise asked for, without echo; never printed or logged)
  SF_ACCESS_TOKEN  access token for --instance-url
  OPENCX_REQUEST_TIMEOUT_SECONDS
                   deadline of one request (default 120); while a request waits, a line is
                   printed on stderr every 10 s

Exit codes: 0 done / all checks passed, 1 a step or check failed, 2 bad usage, config or login.
See docs/provisioning.md.`;

export interface ParsedArgs {
    help: boolean;
    options: Omit<RunOptions, 'readApiKey' | 'accessToken' | 'stateDir' | 'workDir' | 'env'>;
}

const FLAGS = {
    ...ORG_FLAGS,
    ...OUTPUT_FLAGS,
    config: { type: 'string' },
    'dry-run': { type: 'boolean' },
    check: { type: 'boolean' },
    'rotate-key': { type: 'boolean' },
    'update-api-key': { type: 'boolean' },
    'retry-cache': { type: 'boolean' }
} as const;

/** Parses the command line; every problem is a usage CliError (exit 2). */
export function parseArgs(argv: string[]): ParsedArgs {
    const values = parseFlags(argv, FLAGS);
    const options: ParsedArgs['options'] = {
        targetOrg: values['target-org'],
        instanceUrl: values['instance-url'],
        ...(values.config === undefined ? {} : { configPath: values.config, configExplicit: true }),
        dryRun: values['dry-run'] ?? false,
        check: values.check ?? false,
        json: values.json ?? false,
        rotateKey: values['rotate-key'] ?? false,
        updateApiKey: values['update-api-key'] ?? false,
        retryCache: values['retry-cache'] ?? false
    };
    const help = values.help ?? false;
    if (help) return { help, options };
    orgTarget(values, {});
    if (
        options.check &&
        (options.dryRun || options.rotateKey || options.updateApiKey || options.retryCache)
    ) {
        throw usageError(
            '--check only reads; it cannot be combined with --dry-run, --rotate-key, --update-api-key or --retry-cache'
        );
    }
    return { help, options };
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
    const stdin = process.stdin;
    return new Promise((resolvePrompt, reject) => {
        process.stderr.write(question);
        let entered = '';
        stdin.setRawMode(true);
        stdin.resume();
        stdin.setEncoding('utf8');
        const onData = (chunk: string) => {
            for (const char of chunk) {
                if (char === '\r' || char === '\n') {
                    done();
                    resolvePrompt(entered);
                    return;
                }
                if (char === '\u0003') {
                    done();
                    reject(new PlanError('cancelled'));
                    return;
                }
                if (char === '\u007f' || char === '\b') entered = entered.slice(0, -1);
                else entered += char;
            }
        };
        const done = () => {
            stdin.off('data', onData);
            stdin.setRawMode(false);
            stdin.pause();
            process.stderr.write('\n');
        };
        stdin.on('data', onData);
    });
}

/** The API key source: OPENCX_API_KEY, else a hidden prompt on a terminal. */
export function apiKeyReader(env: NodeJS.ProcessEnv): () => Promise<string> {
    return async () => {
        const fromEnv = env.OPENCX_API_KEY;
        if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
        if (!process.stdin.isTTY) {
            throw new PlanError(
                'the OpenCX API key is needed: set OPENCX_API_KEY (no terminal to ask on)'
            );
        }
        return promptHidden('OpenCX API key (not shown): ');
    };
}

/**
 * The run's options. `cwd` is the folder every relative path is resolved against (--config, the
 * default opencx.config.json, .opencx), so a program can run provisioning for another folder.
 */
export function buildRunOptions(
    parsed: ParsedArgs,
    env: NodeJS.ProcessEnv,
    cwd: string = process.cwd()
): RunOptions {
    return {
        ...parsed.options,
        accessToken: env.SF_ACCESS_TOKEN,
        workDir: resolve(cwd),
        stateDir: resolve(cwd, '.opencx'),
        readApiKey: apiKeyReader(env),
        env
    };
}

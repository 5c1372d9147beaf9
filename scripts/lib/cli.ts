// The one command-line shape shared by `npm run provision` and `npm run handoff:test`.
//
// Usage:
//   import { CliError, EXIT, ORG_FLAGS, OUTPUT_FLAGS, orgTarget, parseFlags, renderChecks } from '../lib/cli.ts';
//   const values = parseFlags(argv, { ...ORG_FLAGS, ...OUTPUT_FLAGS, kid: { type: 'string' } }, {
//       dashValues: ['kid'] // values that may start with '-' (base64url key ids do)
//   });
//   const target = orgTarget(values, process.env); // usage CliError unless exactly one way in
//   throw new CliError('CONFIG', 'opencx.config.json:3:7: ...', { fix: '...', exitCode: EXIT.usage });
//   for (const line of renderChecks(checks)) say(line); // ✓ / ✗ / ! with "fix:" under failures
//   On a failure under --json, print errorJson(error) inside the command's one JSON document.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes both commands promise in --help and README. */
export const EXIT = {
    /** Done, or every check passed. */
    ok: 0,
    /** A step or check failed. */
    failed: 1,
    /** Bad usage, config or login: nothing was attempted. */
    usage: 2
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The one symbol set for checks and progress lines. */
export const SYMBOLS = { pass: '✓', fail: '✗', warn: '!', planned: '•' } as const;

/**
 * A failure a user can act on: a stable code for --json and tests, the message, the fix (a command or
 * a Setup path) and the exit code.
 */
export class CliError extends Error {
    readonly fix: string | undefined;
    readonly exitCode: ExitCode;
    constructor(
        readonly code: string,
        message: string,
        options: { fix?: string; exitCode?: ExitCode; cause?: unknown } = {}
    ) {
        super(message, options.cause === undefined ? undefined : { cause: options.cause });
        this.name = 'CliError';
        this.fix = options.fix;
        this.exitCode = options.exitCode ?? EXIT.failed;
    }
}

/** A usage error (exit 2). */
export function usageError(message: string, fix = 'see --help'): CliError {
    return new CliError('USAGE', message, { fix, exitCode: EXIT.usage });
}

/** The error as --json carries it. */
export function errorJson(error: CliError): { code: string; message: string; fix?: string } {
    return {
        code: error.code,
        message: error.message,
        ...(error.fix === undefined ? {} : { fix: error.fix })
    };
}

/** The error as text on stderr: `error: <message>` and, when known, `fix: <fix>`. */
export function errorLines(error: CliError): string[] {
    return [`error: ${error.message}`, ...(error.fix ? [`fix: ${error.fix}`] : [])];
}

type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** The org flags: a stored `sf` login, or an instance URL with SF_ACCESS_TOKEN (CI). */
export const ORG_FLAGS = {
    'target-org': { type: 'string', short: 'o' },
    'instance-url': { type: 'string' }
} as const satisfies FlagSpec;

export const OUTPUT_FLAGS = {
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' }
} as const satisfies FlagSpec;

export type FlagValues<T extends FlagSpec> = ReturnType<
    typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>['values'];

/** Whether argv asks for --json (known even when the rest of argv does not parse). */
export function wantsJson(argv: readonly string[]): boolean {
    return argv.includes('--json');
}

/** `--kid -abc` → `--kid=-abc` for options whose values may start with a dash. */
function joinDashValues(argv: string[], dashValues: readonly string[]): string[] {
    const out: string[] = [];
    for (let index = 0; index < argv.length; index += 1) {
        const arg = argv[index];
        const next = argv[index + 1];
        if (
            dashValues.includes(arg.replace(/^--/, '')) &&
            arg.startsWith('--') &&
            next !== undefined
        ) {
            out.push(`${arg}=${next}`);
            index += 1;
        } else out.push(arg);
    }
    return out;
}

/** node:util's messages name internals ("argument is ambiguous"); these say what to type. */
function usageMessage(error: Error & { code?: string }): string {
    const option = /'(?:-\w, )?(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? '';
    switch (error.code) {
        case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
            return `unknown option ${option} (see --help)`;
        case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
            return /argument missing|ambiguous/.test(error.message)
                ? `${option} needs a value (a value that starts with "-" goes as ${option}=<value>)`
                : `${option} takes no value`;
        case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
            return `unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}`.trim();
        default:
            return error.message;
    }
}

/** Parses flags strictly (no positionals); any problem is a usage CliError. */
export function parseFlags<T extends FlagSpec>(
    argv: string[],
    options: T,
    settings: { dashValues?: readonly (keyof T & string)[] } = {}
): FlagValues<T> {
    try {
        return parseArgs({
            args: joinDashValues(argv, settings.dashValues ?? []),
            options,
            strict: true,
            allowPositionals: false
        }).values as FlagValues<T>;
    } catch (error) {
        throw usageError(usageMessage(error as Error & { code?: string }));
    }
}

export interface OrgTargetFlags {
    targetOrg?: string;
    instanceUrl?: string;
    accessToken?: string;
}

/** Exactly one way into the org; --instance-url takes its token from SF_ACCESS_TOKEN. */
export function orgTarget(
    values: { 'target-org'?: string; 'instance-url'?: string },
    env: NodeJS.ProcessEnv
): OrgTargetFlags {
    const targetOrg = values['target-org'];
    const instanceUrl = values['instance-url'];
    if (!targetOrg && !instanceUrl) {
        throw usageError(
            '--target-org <alias|username> is required (or --instance-url with SF_ACCESS_TOKEN)',
            'sf org login web --alias <alias>, then pass --target-org <alias>'
        );
    }
    if (targetOrg && instanceUrl)
        throw usageError('use either --target-org or --instance-url, not both');
    return { targetOrg, instanceUrl, accessToken: instanceUrl ? env.SF_ACCESS_TOKEN : undefined };
}

/** A check either command reports: pass/fail, what was seen, and the fix for a failure. */
export interface CheckLine {
    title: string;
    passed: boolean;
    detail: string;
    fix?: string;
    /** A finding that does not fail the command. */
    warning?: boolean;
}

/** Text from outside (server answers, agent replies, file names) on one line, control codes as text. */
// eslint-disable-next-line no-control-regex -- matching control codes is the point
const CONTROL = new RegExp('[\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f\\u2028\\u2029]', 'g');
export function printable(text: string): string {
    return text.replace(
        CONTROL,
        (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
    );
}

/** One line per check (`✓ title: detail`), and `    fix: …` under each failure. */
export function renderChecks(checks: readonly CheckLine[]): string[] {
    const lines: string[] = [];
    for (const check of checks) {
        const symbol = check.passed ? SYMBOLS.pass : check.warning ? SYMBOLS.warn : SYMBOLS.fail;
        lines.push(`${symbol} ${printable(check.title)}: ${printable(check.detail)}`);
        if (!check.passed && check.fix) lines.push(`    fix: ${printable(check.fix)}`);
    }
    return lines;
}

/** `handoff:test | head` closes stdout early: end quietly instead of an EPIPE stack trace. */
export function exitQuietlyOnClosedStdout(): void {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw error;
    });
}

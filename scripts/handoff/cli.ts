// Command-line flags of `npm run handoff:test`, through the shared CLI module (scripts/lib/cli.ts):
// the same org flags, parser, usage error and exit codes as provisioning.
import { EXIT, ORG_FLAGS, OUTPUT_FLAGS, orgTarget, parseFlags, usageError } from '../lib/cli.ts';
import { takeCloseVerdict, type CloseVerdict } from './close-verdict.ts';
import {
    VISITOR_VERIFICATION_MODES,
    isVisitorVerification,
    type VisitorVerification
} from '../lib/visitor-verification.ts';

export const HELP = `Usage: npm run handoff:test -- --target-org <alias|username> [options]

Plays OpenCX's side of a handoff against your org through the Messaging for In-App and Web API
(the same calls OpenCX makes) for both kinds of visitor, prints the agent replies you type in the
Service Console, checks through the org connection where each conversation landed, and ends with
the visitor-verification mode this org and OpenCX need (docs/rehearsal.md).

Org
  -o, --target-org <alias>    sf CLI login to use (sf org login web --alias <alias>)
  --instance-url <url>        instead of --target-org: https://<my-domain>.my.salesforce.com,
                              with the access token in SF_ACCESS_TOKEN (CI)
Visitors
  --visitor <kind>            anonymous, verified or both (default: both)
  --visitor-verification <m>  the mode to rehearse: verified or open (default: visitorVerification
                              in opencx.config.json, else verified)
  --config <file>             the config file read for the mode (default: opencx.config.json)
  --authenticated             same as --visitor verified (needs --email)
  --email <address>           the verified visitor's email, the token's sub
                              (default: rehearsal@opencx-handoff.invalid)
  --consumer-type <value>     Chat_Consumer_Type for every visitor rehearsed
                              (default: Anonymous, or Authenticated for the verified visitor)
  --session-id <id>           OpencxSessionId (one visitor only; default: a new UUID each)
  --message <text>            first message (default: "I want to talk to a human")
  --transcript <file>         AI-to-visitor transcript sent after the first message (UTF-8 text,
                              "Speaker: text" lines, or OpenCX chat history JSON; at most 1 MiB)
  --channel <value>           OpencxChannel attribute (default: rehearsal, which the doctor's
                              routing summary leaves out)
  --language <value>          OpencxLanguage attribute (default: en)
  --priority <value>          OpencxPriority attribute (default: normal)
Listening and checking
  --listen <seconds>          how long to print agent replies (default: 30; 0 = do not wait)
  --verify-timeout <seconds>  how long to wait for each session to be routed (default: 20)
  --close                     end the conversations afterwards (default: leave them open so a
                              rep can still pick them up in the console)
  --close resolved|unresolved end them with the rep's verdict for OpenCX: recorded on the session,
                              sent by the org when the conversation ends (PATCH /chat/sessions/{id})
Overrides (found through the org connection otherwise)
  --messaging-host <url>      https://<my-domain>.my.salesforce-scrt.com
  --org-id <00D...>           Salesforce org id
  --es-name <name>            Embedded Service deployment (default: OpenCX_Handoff)
  --private-key <file>        user-verification private key (default: the file provisioning wrote)
  --kid <id>                  Auth Key ID (default: the one provisioning registered; a key id that
                              starts with "-" works as is)
  --issuer <iss>              JWT issuer (default: the keyset's issuer)
  --state-dir <dir>           where provisioning keeps its files and the rehearsal its verdict
                              (default: .opencx)
Output
  --json                      one JSON document on stdout, nothing else
  -h, --help                  this help

Exit code: 0 every check passed, 1 a check failed (each with its fix), 2 the handoff could not run.
The verdict is also written to <state dir>/<org id>/last-rehearsal.json for \`npm run provision -- --check\`.
`;

export type VisitorChoice = 'anonymous' | 'verified' | 'both';

export interface CliOptions {
    targetOrg?: string;
    instanceUrl?: string;
    visitor: VisitorChoice;
    /** From the flag; otherwise the command reads the config file. */
    visitorVerification?: VisitorVerification;
    configPath: string;
    consumerType?: string;
    sessionId?: string;
    email: string;
    message: string;
    transcript?: string;
    channel?: string;
    language?: string;
    priority?: string;
    listenSeconds: number;
    verifyTimeoutSeconds: number;
    close: boolean;
    /** `--close resolved|unresolved`: the rep's verdict sent to OpenCX on end (close-verdict.ts). */
    closeVerdict?: CloseVerdict | null;
    messagingHost?: string;
    orgId?: string;
    esName?: string;
    privateKey?: string;
    kid?: string;
    issuer?: string;
    stateDir?: string;
    json: boolean;
    help: boolean;
}

const FLAGS = {
    ...ORG_FLAGS,
    ...OUTPUT_FLAGS,
    visitor: { type: 'string' },
    'visitor-verification': { type: 'string' },
    config: { type: 'string' },
    'consumer-type': { type: 'string' },
    'session-id': { type: 'string' },
    authenticated: { type: 'boolean' },
    email: { type: 'string' },
    message: { type: 'string' },
    transcript: { type: 'string' },
    channel: { type: 'string' },
    language: { type: 'string' },
    priority: { type: 'string' },
    listen: { type: 'string' },
    'verify-timeout': { type: 'string' },
    close: { type: 'boolean' },
    'messaging-host': { type: 'string' },
    'org-id': { type: 'string' },
    'es-name': { type: 'string' },
    'private-key': { type: 'string' },
    kid: { type: 'string' },
    issuer: { type: 'string' },
    'state-dir': { type: 'string' }
} as const;

/** Values that may start with "-" (key ids do, about 1 in 64; a message may). */
const DASH_VALUES = [
    'kid',
    'issuer',
    'message',
    'session-id',
    'consumer-type',
    'email',
    'channel',
    'language',
    'priority'
] as const;

export const DEFAULT_EMAIL = 'rehearsal@opencx-handoff.invalid';

export function parseCli(argv: string[], env: NodeJS.ProcessEnv = {}): CliOptions {
    const { argv: flags, verdict: closeVerdict } = takeCloseVerdict(argv);
    const values = parseFlags(flags, FLAGS, { dashValues: DASH_VALUES });
    const options = { ...optionsFrom(values), closeVerdict };
    if (options.help) return options;
    const target = orgTarget(values, env);
    options.targetOrg = target.targetOrg;
    options.instanceUrl = target.instanceUrl;
    checkVisitor(options, values.authenticated === true, values.email !== undefined);
    checkValues(options);
    return options;
}

function optionsFrom(values: ReturnType<typeof parseFlags<typeof FLAGS>>): CliOptions {
    return {
        visitor: visitorChoice(values.visitor, values.authenticated === true),
        visitorVerification: verificationMode(values['visitor-verification']),
        configPath: values.config ?? 'opencx.config.json',
        consumerType: values['consumer-type'],
        sessionId: values['session-id'],
        email: values.email ?? DEFAULT_EMAIL,
        message: values.message ?? 'I want to talk to a human',
        transcript: values.transcript,
        channel: values.channel,
        language: values.language,
        priority: values.priority,
        listenSeconds: seconds(values.listen, '--listen', 30),
        verifyTimeoutSeconds: seconds(values['verify-timeout'], '--verify-timeout', 20),
        close: values.close ?? false,
        messagingHost: values['messaging-host'],
        orgId: values['org-id'],
        esName: values['es-name'],
        privateKey: values['private-key'],
        kid: values.kid,
        issuer: values.issuer,
        stateDir: values['state-dir'],
        json: values.json ?? false,
        help: values.help ?? false
    };
}

function visitorChoice(raw: string | undefined, authenticated: boolean): VisitorChoice {
    if (authenticated) {
        if (raw !== undefined && raw !== 'verified') {
            throw usageError('--authenticated is --visitor verified: pass one of them.');
        }
        return 'verified';
    }
    if (raw === undefined) return 'both';
    if (raw === 'anonymous' || raw === 'verified' || raw === 'both') return raw;
    throw usageError(`--visitor takes anonymous, verified or both (got "${raw}").`);
}

function verificationMode(raw: string | undefined): VisitorVerification | undefined {
    if (raw === undefined || isVisitorVerification(raw)) return raw;
    throw usageError(
        `--visitor-verification takes ${VISITOR_VERIFICATION_MODES.join(' or ')} (got "${raw}").`
    );
}

function checkVisitor(options: CliOptions, authenticated: boolean, emailGiven: boolean): void {
    if (authenticated && !emailGiven) {
        throw usageError(
            "--authenticated needs --email <verified email> (the identity token's subject)."
        );
    }
    if (emailGiven && options.visitor === 'anonymous') {
        throw usageError("--email is the verified visitor's email: not with --visitor anonymous.");
    }
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.email)) {
        throw usageError(`--email ${options.email} is not an email address.`);
    }
    if (options.sessionId !== undefined && options.visitor === 'both') {
        throw usageError(
            '--session-id names one conversation: add --visitor anonymous or --visitor verified.'
        );
    }
}

// eslint-disable-next-line no-control-regex -- control codes in a value could forge output lines
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function checkValues(options: CliOptions): void {
    for (const [flag, value] of [
        ['--session-id', options.sessionId],
        ['--consumer-type', options.consumerType],
        ['--channel', options.channel],
        ['--language', options.language],
        ['--priority', options.priority],
        ['--kid', options.kid],
        ['--issuer', options.issuer]
    ] as const) {
        if (value !== undefined && CONTROL.test(value)) {
            throw usageError(`${flag} must be one line of text (it has a control character).`);
        }
    }
    if (
        options.sessionId !== undefined &&
        (!options.sessionId.trim() || options.sessionId.length > 255)
    ) {
        throw usageError(
            '--session-id must be 1 to 255 characters (OpenCX_Session_Id__c is Text 255).'
        );
    }
    if (!options.message.trim()) throw usageError('--message must not be empty.');
    if (options.messagingHost !== undefined) {
        options.messagingHost = normalizeHost(options.messagingHost, '--messaging-host');
    }
    if (
        options.orgId !== undefined &&
        !/^00D[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/.test(options.orgId)
    ) {
        throw usageError(
            `--org-id ${options.orgId} is not a Salesforce org id (00D…, 15 or 18 characters).`
        );
    }
    if (options.esName !== undefined && !/^[A-Za-z][A-Za-z0-9_]*$/.test(options.esName)) {
        throw usageError(`--es-name ${options.esName} is not an API name.`);
    }
}

function seconds(raw: string | undefined, flag: string, fallback: number): number {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) > 3600) {
        throw usageError(`${flag} takes whole seconds from 0 to 3600 (got "${raw}").`);
    }
    return Number(raw);
}

function normalizeHost(raw: string, flag: string): string {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw usageError(`${flag} ${raw} is not a URL (include https://).`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw usageError(`${flag} ${raw} must be an https:// URL.`);
    }
    return url.origin;
}

/** https://acme.my.salesforce.com → https://acme.my.salesforce-scrt.com (null when not My Domain). */
export function messagingHostFor(instanceUrl: string): string | null {
    let url: URL;
    try {
        url = new URL(instanceUrl);
    } catch {
        return null;
    }
    const match = /^(.+)\.my\.salesforce\.com$/i.exec(url.hostname);
    return match ? `https://${match[1].toLowerCase()}.my.salesforce-scrt.com` : null;
}

export { EXIT };

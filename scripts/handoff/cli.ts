// Command-line flags and output of `npm run handoff:test`.
import { parseArgs } from 'node:util';
import type { Check } from './verify.ts';
import type { RehearsalResult, Reply } from './rehearse.ts';

export const HELP = `Usage: npm run handoff:test -- --target-org <alias|username> [options]

Plays OpenCX's side of a handoff against your org through the Messaging for In-App and Web API
(the same calls OpenCX makes), prints the agent replies you type in the Service Console, then
checks through the org connection where the conversation landed.

Org
  -o, --target-org <alias>    sf CLI login to use (sf org login web --alias <alias>)
  --instance-url <url>        instead of --target-org: https://<my-domain>.my.salesforce.com,
                              with the access token in SF_ACCESS_TOKEN (CI)
Visitor
  --consumer-type <value>     Chat_Consumer_Type routing attribute
                              (default: Anonymous, or Authenticated with --authenticated)
  --session-id <uuid>         OpencxSessionId routing attribute (default: a new UUID)
  --authenticated             verified visitor: sign a customer identity token (RS256)
  --email <address>           the verified email (the token's sub); required with --authenticated
  --message <text>            first message (default: "I want to talk to a human")
  --transcript <file>         AI-to-visitor transcript sent after the first message: text lines
                              "Speaker: text", or OpenCX chat history JSON
  --channel <value>           OpencxChannel attribute (default: web)
  --language <value>          OpencxLanguage attribute (default: en)
  --priority <value>          OpencxPriority attribute (default: normal)
Listening and checking
  --listen <seconds>          how long to print agent replies (default: 30; 0 = do not wait)
  --verify-timeout <seconds>  how long to wait for the session to be routed (default: 20)
  --close                     end the conversation afterwards (default: leave it open so a rep
                              can still pick it up in the console)
Overrides (found through the org connection otherwise)
  --messaging-host <url>      https://<my-domain>.my.salesforce-scrt.com
  --org-id <00D...>           Salesforce org id
  --es-name <name>            Embedded Service deployment (default: OpenCX_Handoff)
  --private-key <file>        user-verification private key (default: the file provisioning wrote)
  --kid <id>                  Auth Key ID (default: the one provisioning registered)
  --issuer <iss>              JWT issuer (default: the keyset's issuer)
Output
  --json                      one JSON document on stdout, nothing else
  -h, --help                  this help

Exit code: 0 every check passed, 1 a check failed (each with its fix), 2 the handoff could not run.
`;

export interface CliOptions {
    targetOrg?: string;
    instanceUrl?: string;
    consumerType?: string;
    sessionId?: string;
    authenticated: boolean;
    email?: string;
    message: string;
    transcript?: string;
    channel?: string;
    language?: string;
    priority?: string;
    listenSeconds: number;
    verifyTimeoutSeconds: number;
    close: boolean;
    messagingHost?: string;
    orgId?: string;
    esName: string;
    privateKey?: string;
    kid?: string;
    issuer?: string;
    json: boolean;
    help: boolean;
}

export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = 'UsageError';
    }
}

export function parseCli(argv: string[]): CliOptions {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            strict: true,
            allowPositionals: false,
            options: {
                'target-org': { type: 'string', short: 'o' },
                'instance-url': { type: 'string' },
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
                json: { type: 'boolean' },
                help: { type: 'boolean', short: 'h' }
            }
        });
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
    const values = parsed.values;
    const options: CliOptions = {
        targetOrg: values['target-org'],
        instanceUrl: values['instance-url'],
        consumerType: values['consumer-type'],
        sessionId: values['session-id'],
        authenticated: values.authenticated ?? false,
        email: values.email,
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
        esName: values['es-name'] ?? 'OpenCX_Handoff',
        privateKey: values['private-key'],
        kid: values.kid,
        issuer: values.issuer,
        json: values.json ?? false,
        help: values.help ?? false
    };
    if (options.help) return options;
    if (!options.targetOrg && !options.instanceUrl) {
        throw new UsageError(
            'Name the org: --target-org <alias|username> (or --instance-url with SF_ACCESS_TOKEN).'
        );
    }
    if (options.targetOrg && options.instanceUrl) {
        throw new UsageError('Use --target-org or --instance-url, not both.');
    }
    if (options.authenticated && !options.email) {
        throw new UsageError(
            "--authenticated needs --email <verified email> (the identity token's subject)."
        );
    }
    if (options.email && !options.authenticated) {
        throw new UsageError("--email is the verified visitor's email: add --authenticated.");
    }
    if (options.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.email)) {
        throw new UsageError(`--email ${options.email} is not an email address.`);
    }
    if (
        options.sessionId !== undefined &&
        (!options.sessionId.trim() || options.sessionId.length > 255)
    ) {
        throw new UsageError(
            '--session-id must be 1 to 255 characters (OpenCX_Session_Id__c is Text 255).'
        );
    }
    if (!options.message.trim()) throw new UsageError('--message must not be empty.');
    if (options.messagingHost !== undefined) {
        options.messagingHost = normalizeHost(options.messagingHost, '--messaging-host');
    }
    if (
        options.orgId !== undefined &&
        !/^00D[0-9A-Za-z]{12}([0-9A-Za-z]{3})?$/.test(options.orgId)
    ) {
        throw new UsageError(
            `--org-id ${options.orgId} is not a Salesforce org id (00D…, 15 or 18 characters).`
        );
    }
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(options.esName)) {
        throw new UsageError(`--es-name ${options.esName} is not an API name.`);
    }
    return options;
}

function seconds(raw: string | undefined, flag: string, fallback: number): number {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) > 3600) {
        throw new UsageError(`${flag} takes whole seconds from 0 to 3600 (got "${raw}").`);
    }
    return Number(raw);
}

function normalizeHost(raw: string, flag: string): string {
    let url: URL;
    try {
        url = new URL(raw);
    } catch {
        throw new UsageError(`${flag} ${raw} is not a URL (include https://).`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new UsageError(`${flag} ${raw} must be an https:// URL.`);
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

export function renderReply(reply: Reply): string {
    const time = reply.at.slice(11, 19);
    return `  [${time}] ${reply.name || reply.role}: ${reply.text}`;
}

export function renderChecks(checks: Check[]): string[] {
    const lines: string[] = [];
    for (const check of checks) {
        lines.push(`${check.ok ? '✓' : '✗'} ${check.name.padEnd(29)} ${check.detail}`);
        if (!check.ok && check.fix) lines.push(`    fix: ${check.fix}`);
    }
    return lines;
}

export function renderSummary(result: RehearsalResult): string[] {
    const lines = [
        '',
        'Where it landed (through the org connection)',
        ...renderChecks(result.checks)
    ];
    const timing =
        result.timings.conversationToRoutingEventMs === null
            ? ''
            : `; routed ${result.timings.conversationToRoutingEventMs} ms after the conversation was created`;
    lines.push(
        '',
        result.ok
            ? `PASS: ${result.session?.routedQueue?.developerName ?? 'routed'} has the conversation (${result.replies.length} repl${result.replies.length === 1 ? 'y' : 'ies'} received${timing}).`
            : `FAIL: ${result.checks.filter((check) => !check.ok).length} check(s) failed; each fix is above.`
    );
    return lines;
}

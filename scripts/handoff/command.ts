// `npm run handoff:test`: flags → org connection → discovery → rehearsal → report → verdict file.
// Exported as a function (with its output streams) so tests run it in-process against the
// emulator; scripts/handoff-test.ts is the thin entry point.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, EXIT, errorJson, errorLines, usageError, wantsJson } from '../lib/cli.ts';
import { JsonTextError, parseJsonText } from '../lib/json-text.ts';
import { Redactor } from '../lib/redact.ts';
import { writeLastRehearsal, type LastRehearsal } from '../lib/rehearsal-verdict.ts';
import {
    visitorVerificationFromConfig,
    type VisitorVerification
} from '../lib/visitor-verification.ts';
import { readPrivateKeyFile } from './identity-token.ts';
import { readTranscriptFile, type TranscriptLine } from './transcript.ts';
import { HELP, messagingHostFor, parseCli, type CliOptions } from './cli.ts';
import { HandoffError } from './deployment.ts';
import { createPrinter, renderReply, renderSummary, type Printer } from './output.ts';
import { NoTokenError, rehearseHandoff, type RehearsalResult } from './rehearse.ts';
import { connectOrg, identityDefaults, type ConnectedOrg } from './org.ts';
import type { MiawEndpoint } from './miaw-client.ts';
import type { Verdict } from './verdict.ts';
import type { SigningKey, TokenAttempt, VisitorKind } from './visitors.ts';

export interface CommandIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    env: NodeJS.ProcessEnv;
    /** Test hook: stop listening after this many replies. */
    stopAfterReplies?: number;
    /** Default state folder (tests give each run its own; --state-dir wins). */
    stateDir?: string;
    /**
     * The folder every relative path is resolved against (--config, --state-dir, --transcript,
     * --private-key, the default opencx.config.json and .opencx); default process.cwd().
     */
    cwd?: string;
}

export interface CommandOutcome {
    exitCode: number;
    result?: RehearsalResult;
}

export async function runHandoffCommand(argv: string[], io: CommandIo): Promise<CommandOutcome> {
    const redactor = new Redactor().add(io.env.SF_ACCESS_TOKEN);
    const out = createPrinter(io, redactor, wantsJson(argv));
    try {
        const options = parseCli(argv, io.env);
        if (options.help) {
            io.stdout(HELP);
            return { exitCode: EXIT.ok };
        }
        return await rehearse(options, io, out, redactor);
    } catch (error) {
        return fail(error, out, wantsJson(argv));
    }
}

async function rehearse(
    options: CliOptions,
    io: CommandIo,
    out: Printer,
    redactor: Redactor
): Promise<CommandOutcome> {
    // Inputs that can be wrong locally are read before anything is sent.
    const cwd = io.cwd ?? process.cwd();
    const inCwd = (path: string) => resolve(cwd, path);
    const mode = options.visitorVerification ?? readMode(options.configPath, inCwd);
    const transcript = options.transcript ? readTranscript(inCwd(options.transcript)) : undefined;
    const stateDir = inCwd(options.stateDir ?? io.stateDir ?? '.opencx');
    const privateKey = options.privateKey === undefined ? undefined : inCwd(options.privateKey);
    const org = await connectOrg(options, io.env);
    const endpoint = endpointFor(options, org);
    const visitors: VisitorKind[] =
        options.visitor === 'both' ? ['anonymous', 'verified'] : [options.visitor];
    const key = await signingKey({ ...options, privateKey, mode }, org, stateDir, redactor, out);
    announce(out, org, endpoint, mode, visitors, key, options.email);

    let result: RehearsalResult;
    try {
        result = await rehearseHandoff({
            endpoint,
            org: org.api,
            mode,
            visitors,
            key,
            email: options.email,
            sessionId: options.sessionId,
            consumerType: options.consumerType,
            channel: options.channel,
            language: options.language,
            priority: options.priority,
            message: options.message,
            transcript,
            listenSeconds: options.listenSeconds,
            verifyTimeoutSeconds: options.verifyTimeoutSeconds,
            names: {
                fallbackQueue: org.project.fallbackQueue,
                routingFlow: org.project.routingFlow,
                channel: org.project.messagingChannel
            },
            close: options.close,
            closeVerdict: options.closeVerdict ?? null,
            progress: (line) => out.line(line),
            onReply: (reply) => out.line(renderReply(reply)),
            stopAfterReplies: io.stopAfterReplies,
            onSecret: (value) => redactor.add(value)
        });
    } catch (error) {
        if (error instanceof NoTokenError) {
            saveVerdict(stateDir, org.orgId, mode, error.visitors, error.verdict, out);
        }
        throw error;
    }
    saveVerdict(stateDir, org.orgId, mode, result.visitors, result.verdict, out);
    if (options.json) out.json(result);
    else for (const line of renderSummary(result)) out.line(line);
    return { exitCode: result.ok ? EXIT.ok : EXIT.failed, result };
}

function fail(error: unknown, out: Printer, json: boolean): CommandOutcome {
    const failure =
        error instanceof CliError
            ? error
            : new CliError('unexpected', error instanceof Error ? error.message : String(error), {
                  exitCode: EXIT.usage
              });
    const extra =
        error instanceof NoTokenError ? { visitors: error.visitors, verdict: error.verdict } : {};
    if (json) out.json({ ok: false, error: errorJson(failure), ...extra });
    else {
        for (const line of errorLines(failure)) out.error(line.replace(/^fix: /, '  fix: '));
        if (error instanceof NoTokenError) out.error(error.verdict.line);
        else if (failure.code === 'USAGE') out.error('Run with --help for the flags.');
    }
    return { exitCode: failure.exitCode };
}

/**
 * The mode opencx.config.json sets. Parsed as deploy and provisioning parse it (json-text.ts), so
 * all three agree on what a valid file is: a byte-order mark or a syntax error is named with its
 * line and column, never skipped.
 */
function readMode(configPath: string, inCwd: (path: string) => string): VisitorVerification {
    const file = inCwd(configPath);
    if (!existsSync(file)) return visitorVerificationFromConfig(undefined);
    let parsed: unknown;
    try {
        parsed = parseJsonText(readFileSync(file, 'utf8'));
    } catch (error) {
        if (!(error instanceof JsonTextError)) throw error;
        throw usageError(
            `${configPath} is not valid JSON: ${error.message}.`,
            'Fix the file, or pass --visitor-verification verified|open.'
        );
    }
    try {
        return visitorVerificationFromConfig(parsed);
    } catch (error) {
        throw usageError(`${configPath}: ${(error as Error).message}`);
    }
}

function readTranscript(path: string): TranscriptLine[] {
    try {
        return readTranscriptFile(path);
    } catch (error) {
        throw usageError(
            (error as Error).message,
            'Pass a readable UTF-8 text file (one "Speaker: text" line per turn, at most 1 MiB) or OpenCX chat history JSON.'
        );
    }
}

function endpointFor(options: CliOptions, org: ConnectedOrg): MiawEndpoint {
    if (options.orgId && options.orgId.slice(0, 15) !== org.orgId.slice(0, 15)) {
        throw new HandoffError(
            'org-id-mismatch',
            `--org-id ${options.orgId} is not the org ${org.label} is logged in to (${org.orgId}).`,
            'Leave --org-id out (the org connection gives it), or log in to that org.'
        );
    }
    const messagingHost = options.messagingHost ?? messagingHostFor(org.api.instanceUrl);
    if (!messagingHost) {
        throw new HandoffError(
            'messaging-host-unknown',
            `Cannot tell the messaging host from the instance URL ${org.api.instanceUrl} (it is not a My Domain URL).`,
            'Pass --messaging-host https://<my-domain>.my.salesforce-scrt.com (Setup → My Domain shows the domain).'
        );
    }
    return {
        messagingHost,
        orgId: options.orgId ?? org.orgId,
        esDeveloperName: options.esName ?? org.project.deployment
    };
}

/**
 * The key that signs identity tokens: the one provisioning wrote (or --private-key), else a
 * throwaway key made for this run, so the verified visitor's call still shows how the channel
 * answers (a key the org does not know is never verified). Open mode has no key by design, so
 * there the throwaway key is said once as a plain fact, not a warning.
 */
async function signingKey(
    options: CliOptions & { mode: VisitorVerification },
    org: ConnectedOrg,
    stateDir: string,
    redactor: Redactor,
    out: Printer
): Promise<SigningKey | null> {
    const defaults = await identityDefaults(org, stateDir);
    const issuer = options.issuer ?? defaults.issuer ?? 'opencx-handoff-rehearsal';
    const keyPath = options.privateKey ?? defaults.privateKeyPath;
    if (options.privateKey || existsSync(keyPath)) {
        let privateKey;
        try {
            privateKey = readPrivateKeyFile(keyPath);
        } catch (error) {
            throw new HandoffError(
                'private-key-unreadable',
                (error as Error).message,
                'Pass --private-key <file> (the file `npm run provision` wrote, .opencx/<org id>/identity-key.pem), or run `npm run provision` to create it.'
            );
        }
        redactor.add(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
        return {
            privateKey,
            kid: options.kid ?? defaults.kidOf(keyPath),
            issuer,
            source: 'provisioned'
        };
    }
    out.line(
        options.mode === 'open'
            ? '  the verified-visitor probe signs with a throwaway key: open mode has no identity key'
            : `! no identity key at ${keyPath}: signing with a throwaway key the org does not know`
    );
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
        privateKey,
        kid: options.kid ?? 'opencx-rehearsal-throwaway',
        issuer,
        source: 'throwaway'
    };
}

function announce(
    out: Printer,
    org: ConnectedOrg,
    endpoint: MiawEndpoint,
    mode: VisitorVerification,
    visitors: VisitorKind[],
    key: SigningKey | null,
    email: string
): void {
    out.line(`OpenCX handoff rehearsal: org ${endpoint.orgId} (${org.label})`);
    out.line(`  messaging host   ${endpoint.messagingHost}`);
    out.line(`  deployment       ${endpoint.esDeveloperName}`);
    out.line(`  mode             visitorVerification ${mode}`);
    out.line(
        `  visitors         ${visitors.join(' and ')}` +
            (visitors.includes('verified') && key
                ? ` (verified as ${email}, kid ${key.kid}, iss ${key.issuer})`
                : '')
    );
    out.line('');
}

function saveVerdict(
    stateDir: string,
    orgId: string,
    mode: VisitorVerification,
    attempts: TokenAttempt[],
    verdict: Verdict,
    out: Printer
): void {
    const record: LastRehearsal = {
        at: new Date().toISOString(),
        mode,
        visitors: attempts.map((attempt) => ({
            kind: attempt.kind,
            endpoint: attempt.endpoint,
            status: attempt.status,
            subjectKind: attempt.subjectKind,
            ok: attempt.ok && (attempt.way !== 'signed' || attempt.subjectKind === 'AUTH')
        })),
        verdict: verdict.line,
        fix: verdict.fix,
        needed: verdict.needed
    };
    try {
        writeLastRehearsal(stateDir, orgId, record);
    } catch (error) {
        out.line(`! could not save the verdict under ${stateDir}: ${(error as Error).message}`);
    }
}

// `npm run handoff:test`: flags → org connection → discovery → rehearsal → report.
// Exported as a function (with its output streams) so tests run it in-process against the
// emulator; scripts/handoff-test.ts is the thin entry point.
import { readPrivateKeyFile } from './identity-token.ts';
import { readTranscriptFile, type TranscriptLine } from './transcript.ts';
import {
    HELP,
    UsageError,
    parseCli,
    renderReply,
    renderSummary,
    messagingHostFor,
    type CliOptions
} from './cli.ts';
import {
    HandoffError,
    rehearseHandoff,
    type IdentityOptions,
    type RehearsalResult
} from './rehearse.ts';
import { connectOrg, identityDefaults, OrgConnectionError } from './org.ts';
import type { MiawEndpoint } from './miaw-client.ts';

export interface CommandIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
    env: NodeJS.ProcessEnv;
    /** Test hook: stop listening after this many replies. */
    stopAfterReplies?: number;
}

export interface CommandOutcome {
    exitCode: number;
    result?: RehearsalResult;
}

export async function runHandoffCommand(argv: string[], io: CommandIo): Promise<CommandOutcome> {
    let options: CliOptions;
    try {
        options = parseCli(argv);
    } catch (error) {
        if (error instanceof UsageError) {
            io.stderr(`error: ${error.message}\nRun with --help for the flags.\n`);
            return { exitCode: 2 };
        }
        throw error;
    }
    if (options.help) {
        io.stdout(HELP);
        return { exitCode: 0 };
    }
    const json = options.json;
    const say = (line: string) => {
        if (!json) io.stdout(`${line}\n`);
    };

    try {
        // Inputs that can be wrong locally are read before anything is sent.
        let transcript: TranscriptLine[] | undefined;
        if (options.transcript) {
            transcript = localInput('transcript-unreadable', () =>
                readTranscriptFile(options.transcript!)
            );
        }

        const org = await connectOrg(options, io.env);
        if (options.orgId && options.orgId.slice(0, 15) !== org.orgId.slice(0, 15)) {
            throw new HandoffError(
                'org-id-mismatch',
                `--org-id ${options.orgId} is not the org ${org.label} is logged in to (${org.orgId}).`,
                'Leave --org-id out (the org connection gives it), or log in to that org.'
            );
        }
        const orgId = options.orgId ?? org.orgId;
        const messagingHost = options.messagingHost ?? messagingHostFor(org.api.instanceUrl);
        if (!messagingHost) {
            throw new HandoffError(
                'messaging-host-unknown',
                `Cannot tell the messaging host from the instance URL ${org.api.instanceUrl} (it is not a My Domain URL).`,
                'Pass --messaging-host https://<my-domain>.my.salesforce-scrt.com (Setup → My Domain shows the domain).'
            );
        }
        const endpoint: MiawEndpoint = { messagingHost, orgId, esDeveloperName: options.esName };

        let identity: IdentityOptions | undefined;
        if (options.authenticated) {
            const defaults = await identityDefaults(org);
            const keyPath = options.privateKey ?? defaults.privateKeyPath;
            const privateKey = localInput('private-key-unreadable', () =>
                readPrivateKeyFile(keyPath)
            );
            const kid = options.kid ?? defaults.kidOf(keyPath);
            const issuer = options.issuer ?? defaults.issuer;
            if (!issuer) {
                throw new HandoffError(
                    'issuer-unknown',
                    'No issuer for the identity token.',
                    'Pass --issuer <iss> (the issuer of the key set OpenCX_Identity_Keys).'
                );
            }
            identity = { privateKey, kid, issuer, email: options.email! };
        }

        say(`OpenCX handoff rehearsal: org ${orgId} (${org.label})`);
        say(`  messaging host   ${messagingHost}`);
        say(`  deployment       ${options.esName}`);
        say(
            `  visitor          ${identity ? `authenticated as ${identity.email} (kid ${identity.kid}, iss ${identity.issuer})` : 'anonymous'}`
        );
        say('');

        const result = await rehearseHandoff({
            endpoint,
            org: org.api,
            identity,
            sessionId: options.sessionId,
            consumerType: options.consumerType,
            channel: options.channel,
            language: options.language,
            priority: options.priority,
            message: options.message,
            transcript,
            listenSeconds: options.listenSeconds,
            verifyTimeoutSeconds: options.verifyTimeoutSeconds,
            close: options.close,
            progress: say,
            onReply: (reply) => say(renderReply(reply)),
            stopAfterReplies: io.stopAfterReplies
        });
        if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        else for (const line of renderSummary(result)) say(line);
        return { exitCode: result.ok ? 0 : 1, result };
    } catch (error) {
        const known = error instanceof HandoffError || error instanceof OrgConnectionError;
        const code = known ? (error as HandoffError).code : 'unexpected';
        const message = error instanceof Error ? error.message : String(error);
        const fix = known ? (error as HandoffError).fix : undefined;
        if (json) {
            io.stdout(`${JSON.stringify({ ok: false, error: { code, message, fix } }, null, 2)}\n`);
        } else {
            io.stderr(`error: ${message}\n${fix ? `  fix: ${fix}\n` : ''}`);
        }
        return { exitCode: 2 };
    }
}

/** Runs a local read; its failure becomes a HandoffError the output can name. */
function localInput<T>(code: string, read: () => T): T {
    try {
        return read();
    } catch (error) {
        throw new HandoffError(
            code,
            (error as Error).message,
            code === 'private-key-unreadable'
                ? 'Pass --private-key <file> (the file `npm run provision` wrote, .opencx/<org id>/identity-key.pem), or run `npm run provision` to create it.'
                : 'Pass a readable text file (one "Speaker: text" line per turn) or OpenCX chat history JSON.'
        );
    }
}

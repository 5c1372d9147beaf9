// Plays OpenCX's side of one handoff against an org, then checks where it landed:
//   deployment configuration → access token (anonymous, or authenticated with a signed identity
//   token) → event stream → conversation with routingAttributes → first message (+ transcript)
//   → listen for agent replies → verify through the org connection.
// Each step reports what it did; a step that cannot go on throws a HandoffError that names the
// cause and the fix (the entry point prints it and exits 2).
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
    MiawClient,
    MiawError,
    accessTokenIsVerified,
    hiddenPrechatFieldNames,
    parseConversationEvent,
    type AccessTokenResponse,
    type ConversationEntry,
    type MiawEndpoint
} from './miaw-client.ts';
import { signIdentityToken } from './identity-token.ts';
import { transcriptMessages, type TranscriptLine } from './transcript.ts';
import { verifyHandoff, type Check, type OrgApi, type SessionReport } from './verify.ts';

export class HandoffError extends Error {
    constructor(
        readonly code: string,
        message: string,
        readonly fix: string
    ) {
        super(message);
        this.name = 'HandoffError';
    }
}

export interface IdentityOptions {
    privateKey: KeyObject;
    kid: string;
    issuer: string;
    /** The verified email OpenCX puts in `sub`. */
    email: string;
}

export interface RehearsalOptions {
    endpoint: MiawEndpoint;
    org: OrgApi;
    /** Present for an authenticated handoff. */
    identity?: IdentityOptions;
    sessionId?: string;
    consumerType?: string;
    channel?: string;
    language?: string;
    priority?: string;
    message: string;
    transcript?: TranscriptLine[];
    listenSeconds: number;
    verifyTimeoutSeconds: number;
    /** End the conversation after the checks (DELETE /conversation/{id}). */
    close?: boolean;
    /** Progress lines for people; not called in --json mode. */
    progress?: (line: string) => void;
    /** Called for each agent (or bot) reply as it arrives. */
    onReply?: (reply: Reply) => void;
    /** Stops listening early once this many agent replies arrived (tests, benchmarks). */
    stopAfterReplies?: number;
    fetch?: typeof fetch;
}

export interface Reply {
    at: string;
    role: string;
    name: string;
    text: string;
    eventId: string;
}

export interface RehearsalResult {
    ok: boolean;
    org: { id: string; instanceUrl: string };
    endpoint: MiawEndpoint;
    visitor: {
        kind: 'anonymous' | 'authenticated';
        verified: boolean | null;
        subject: string | null;
    };
    conversationId: string;
    routingAttributes: Record<string, string>;
    messagesSent: number;
    closed: boolean;
    replies: Reply[];
    routingEvent: { recordId?: string; queueId?: string; failureType?: string } | null;
    timings: { conversationToRoutingEventMs: number | null; totalMs: number };
    stream: { events: number; reconnects: number; error: string | null };
    checks: Check[];
    session: SessionReport | null;
}

const DEFAULT_CONSUMER_TYPES = { anonymous: 'Anonymous', authenticated: 'Authenticated' };

export async function rehearseHandoff(options: RehearsalOptions): Promise<RehearsalResult> {
    const started = Date.now();
    const progress = options.progress ?? (() => {});
    const client = new MiawClient(options.endpoint, { fetch: options.fetch });
    const checks: Check[] = [];
    const kind = options.identity ? 'authenticated' : 'anonymous';

    // 1. The deployment: a wrong ES name or an unpublished deployment stops here, clearly.
    let hiddenFields: string[] = [];
    try {
        const configuration = await client.getDeploymentConfiguration();
        hiddenFields = hiddenPrechatFieldNames(configuration);
    } catch (error) {
        const handoffError = asHandoffError(error, options.endpoint);
        if (handoffError instanceof HandoffError && handoffError.code === 'deployment-not-found') {
            throw await diagnoseDeployment(options.org, options.endpoint, handoffError);
        }
        throw handoffError;
    }
    progress(
        `✓ deployment       ${options.endpoint.esDeveloperName} is published` +
            (hiddenFields.length ? ` (hidden pre-chat fields: ${hiddenFields.join(', ')})` : '')
    );

    // 2. The access token, as OpenCX gets it for this kind of visitor.
    let token: AccessTokenResponse;
    let verified: boolean | null = null;
    try {
        if (options.identity) {
            const identityToken = await signIdentityToken({
                privateKey: options.identity.privateKey,
                kid: options.identity.kid,
                issuer: options.identity.issuer,
                subject: options.identity.email
            });
            token = await client.getAuthenticatedAccessToken(identityToken);
            verified = accessTokenIsVerified(token);
        } else {
            token = await client.getUnauthenticatedAccessToken();
        }
    } catch (error) {
        if (
            options.identity &&
            error instanceof MiawError &&
            error.kind === 'http' &&
            (error.status === 401 || error.status === 403)
        ) {
            throw new HandoffError(
                'identity-token-rejected',
                `Salesforce rejected the identity token (HTTP ${error.status}): kid ${options.identity.kid}, iss ${options.identity.issuer}.`,
                identityFix()
            );
        }
        throw asHandoffError(error, options.endpoint);
    }
    const subject = token.context?.endUser?.subject ?? null;
    if (options.identity) {
        checks.push(
            verified
                ? { name: 'identity token verified', ok: true, detail: subject ?? 'AUTH subject' }
                : {
                      name: 'identity token verified',
                      ok: false,
                      detail: `Salesforce answered with a guest token (${subject ?? 'no subject'}): it did not verify the identity token (kid ${options.identity.kid}, iss ${options.identity.issuer}) and went on as an anonymous visitor, which is what it does with a bad signature, an unknown kid, a wrong issuer or an expired token. Routing still follows Chat_Consumer_Type as sent: it does not know the token failed.`,
                      fix: identityFix()
                  }
        );
    }
    progress(
        `${options.identity && !verified ? '✗' : '✓'} access token     ${kind}` +
            (options.identity ? (verified ? ', verified' : ', NOT verified (guest token)') : '') +
            (subject ? ` (${subject})` : '')
    );

    // 3. The event stream, before the conversation exists, so no event is missed.
    const conversationId = randomUUID();
    const replies: Reply[] = [];
    let routingEvent: RehearsalResult['routingEvent'] = null;
    let routedAt: number | null = null;
    let createdAt = 0;
    let stopListening: () => void = () => {};
    const enoughReplies = new Promise<void>((resolve) => (stopListening = resolve));
    const seenEntries = new Set<string>();
    // The routing result may arrive before the create call returns: print it after that line.
    let conversationAnnounced = false;
    let pendingRoutingLine: string | null = null;
    const subscription = client.subscribe(
        token.accessToken,
        {
            lastEventId: token.lastEventId,
            onEvent: (event) => {
                let entry: ConversationEntry | null;
                try {
                    entry = parseConversationEvent(event);
                } catch {
                    return;
                }
                if (!entry || entry.conversationId !== conversationId) return;
                // A reconnect may replay entries after Last-Event-Id: show each one once.
                if (entry.entryId && seenEntries.has(entry.entryId)) return;
                if (entry.entryId) seenEntries.add(entry.entryId);
                if (entry.entryType === 'RoutingResult' && !routingEvent) {
                    const details = entry.payload.routingConfigurationDetails as
                        { queueId?: string } | undefined;
                    routingEvent = {
                        recordId: entry.payload.recordId as string | undefined,
                        queueId: details?.queueId,
                        failureType: entry.payload.failureType as string | undefined
                    };
                    routedAt = Date.now();
                    const line =
                        `  routing result   ${routingEvent.queueId ? `routed to queue ${routingEvent.queueId}` : 'not routed'}` +
                        ` (failureType ${routingEvent.failureType ?? 'none given'})`;
                    if (conversationAnnounced) progress(line);
                    else pendingRoutingLine = line;
                    return;
                }
                if (
                    entry.entryType === 'Message' &&
                    entry.senderRole !== 'EndUser' &&
                    entry.text !== undefined
                ) {
                    const reply: Reply = {
                        at: new Date(entry.timestamp ?? Date.now()).toISOString(),
                        role: entry.senderRole,
                        name: entry.senderName,
                        text: entry.text,
                        eventId: entry.eventId
                    };
                    replies.push(reply);
                    options.onReply?.(reply);
                    if (options.stopAfterReplies && replies.length >= options.stopAfterReplies) {
                        stopListening();
                    }
                }
            },
            onReconnect: (attempt, error) =>
                progress(`  event stream dropped (${error.message}); reconnect ${attempt}`)
        },
        {}
    );
    let streamError: string | null = null;
    let streamConnected = false;
    subscription.done.catch((error: Error) => {
        streamError = error.message;
        if (streamConnected) {
            progress(`! event stream ended: ${error.message} (replies after this are not shown)`);
        }
    });
    try {
        try {
            await subscription.ready;
        } catch (error) {
            throw asHandoffError(error, options.endpoint);
        }
        streamConnected = true;
        progress('✓ event stream     connected');

        // 4. The conversation, with every routing attribute the channel defines.
        const routingAttributes = buildRoutingAttributes(options, kind);
        const notAccepted = hiddenFields.length
            ? Object.keys(routingAttributes).filter((name) => !hiddenFields.includes(name))
            : [];
        createdAt = Date.now();
        try {
            await client.createConversation(token.accessToken, conversationId, routingAttributes);
        } catch (error) {
            throw asHandoffError(error, options.endpoint);
        }
        progress(`✓ conversation     ${conversationId} ${formatAttributes(routingAttributes)}`);
        conversationAnnounced = true;
        if (pendingRoutingLine) progress(pendingRoutingLine);
        if (notAccepted.length) {
            progress(
                `! not hidden pre-chat fields of ${options.endpoint.esDeveloperName} (Salesforce drops them): ${notAccepted.join(', ')}`
            );
        }

        // 5. The visitor's message, then the transcript the way we attach it.
        let messagesSent = 0;
        const texts = options.transcript?.length
            ? [options.message, ...transcriptMessages(options.transcript)]
            : [options.message];
        for (const text of texts) {
            try {
                await client.sendTextMessage(token.accessToken, conversationId, randomUUID(), text);
            } catch (error) {
                throw asHandoffError(error, options.endpoint);
            }
            messagesSent += 1;
        }
        progress(
            `✓ messages         ${messagesSent} sent ("${truncate(options.message, 60)}"` +
                (messagesSent > 1 ? ` + transcript in ${messagesSent - 1}` : '') +
                ')'
        );

        // 6. Listen for replies from the console.
        if (options.listenSeconds > 0) {
            progress(
                `… listening ${options.listenSeconds} s for replies: answer it from the Service Console`
            );
            let timer: NodeJS.Timeout | undefined;
            await Promise.race([
                new Promise(
                    (resolve) => (timer = setTimeout(resolve, options.listenSeconds * 1000))
                ),
                enoughReplies,
                subscription.done.catch(() => undefined)
            ]);
            clearTimeout(timer);
        }
        subscription.close();

        // 7. Where it landed.
        const verification = await verifyHandoff(options.org, {
            sessionId: routingAttributes.OpencxSessionId,
            routingAttributes,
            routedRecordId: (routingEvent as RehearsalResult['routingEvent'])?.recordId,
            timeoutMs: options.verifyTimeoutSeconds * 1000,
            attributesNotAccepted: notAccepted
        });
        checks.push(...verification.checks);

        let closed = false;
        if (options.close) {
            try {
                await client.closeConversation(token.accessToken, conversationId);
                closed = true;
                progress(`✓ conversation     ${conversationId} ended (--close)`);
            } catch (error) {
                progress(`! could not end the conversation: ${(error as Error).message}`);
            }
        }

        const routedEventAt = routedAt as number | null;
        return {
            ok: checks.every((check) => check.ok),
            org: { id: options.endpoint.orgId, instanceUrl: options.org.instanceUrl },
            endpoint: options.endpoint,
            visitor: { kind, verified, subject },
            conversationId,
            routingAttributes,
            messagesSent,
            closed,
            replies,
            routingEvent,
            timings: {
                conversationToRoutingEventMs:
                    routedEventAt === null ? null : routedEventAt - createdAt,
                totalMs: Date.now() - started
            },
            stream: {
                events: subscription.eventsReceived,
                reconnects: subscription.reconnects,
                error: streamError
            },
            checks,
            session: verification.session
        };
    } finally {
        subscription.close();
    }
}

/**
 * The messaging host answers the same for a misspelt name and an unpublished deployment; the org
 * tells them apart (Tooling EmbeddedServiceConfig), so the error names the one that applies.
 */
async function diagnoseDeployment(
    org: OrgApi,
    endpoint: MiawEndpoint,
    original: HandoffError
): Promise<HandoffError> {
    let names: { DeveloperName: string; IsEnabled: boolean }[];
    try {
        names = await org.toolingQuery<{ DeveloperName: string; IsEnabled: boolean }>(
            "SELECT DeveloperName, IsEnabled FROM EmbeddedServiceConfig WHERE DeploymentFeature = 'EmbeddedMessaging'"
        );
    } catch {
        return original;
    }
    const name = endpoint.esDeveloperName;
    const found = names.find((row) => row.DeveloperName === name);
    if (!found) {
        const others = names.map((row) => row.DeveloperName).sort();
        return new HandoffError(
            'deployment-not-found',
            `The org has no Messaging for In-App and Web deployment named "${name}"` +
                (others.length ? ` (it has: ${others.join(', ')}).` : ' (it has none).'),
            others.length
                ? `Pass the right name with --es-name (the project ships OpenCX_Handoff), and type the same name into OpenCX's "ES Developer Name".`
                : 'Deploy the project (sf project deploy start): it creates the OpenCX_Handoff deployment.'
        );
    }
    return new HandoffError(
        'deployment-not-published',
        `The deployment "${name}" exists in the org but the messaging host does not serve it: it is ${found.IsEnabled === false ? 'disabled' : 'not published'}.`,
        `Setup → Embedded Service Deployments → ${name} → Publish (after every change to it), then wait a few minutes and rerun.`
    );
}

function buildRoutingAttributes(
    options: RehearsalOptions,
    kind: 'anonymous' | 'authenticated'
): Record<string, string> {
    return {
        OpencxSessionId: options.sessionId ?? randomUUID(),
        Chat_Consumer_Type: options.consumerType ?? DEFAULT_CONSUMER_TYPES[kind],
        OpencxChannel: options.channel ?? 'web',
        OpencxLanguage: options.language ?? 'en',
        OpencxPriority: options.priority ?? 'normal'
    };
}

function identityFix(): string {
    return (
        'Sign with the private key provisioning wrote and its Auth Key ID: the kid must be the kid of a key in the PublicKeyCertificateSet OpenCX_Identity_Keys, ' +
        'iss must equal the keyset issuer, exp must be in the future. `npm run provision -- --check` compares the local key with the registered one; ' +
        '`npm run provision -- --rotate-key` registers a new key (then paste the new values into OpenCX). Also check that user verification is on for the channel OpenCX_Messaging.'
    );
}

/** Turns a MIAW failure into the one clear error an admin can act on. */
export function asHandoffError(error: unknown, endpoint: MiawEndpoint): Error {
    if (error instanceof HandoffError) return error;
    if (!(error instanceof MiawError))
        return error instanceof Error ? error : new Error(String(error));
    if (error.kind === 'unreachable') {
        return new HandoffError(
            'messaging-host-unreachable',
            `Cannot reach the messaging host ${endpoint.messagingHost} (${error.message.replace(/^.*\(([^)]*)\)$/, '$1')}).`,
            'The host is your My Domain with .my.salesforce-scrt.com (e.g. https://acme.my.salesforce-scrt.com; sandbox: https://acme--dev.sandbox.my.salesforce-scrt.com). Pass it with --messaging-host, or check the network and proxy.'
        );
    }
    if (error.operation === 'deployment configuration' && error.status !== undefined) {
        return new HandoffError(
            'deployment-not-found',
            `The messaging host does not know a published Embedded Service deployment "${endpoint.esDeveloperName}" in org ${endpoint.orgId} (HTTP ${error.status}).`,
            `Check the ES developer name (--es-name; the project ships OpenCX_Handoff) and the org id (--org-id), and publish the deployment: Setup → Embedded Service Deployments → ${endpoint.esDeveloperName} → Publish.`
        );
    }
    if (
        error.kind === 'http' &&
        error.status !== undefined &&
        error.status >= 400 &&
        error.status < 500
    ) {
        return new HandoffError(
            'messaging-request-refused',
            `The messaging API refused the ${error.operation} (HTTP ${error.status}): ${error.message}`,
            `Check that the deployment ${endpoint.esDeveloperName} is published and its channel OpenCX_Messaging is active (\`npm run provision -- --check\`).`
        );
    }
    return new HandoffError(
        'messaging-error',
        `The messaging API failed during ${error.operation}: ${error.message}`,
        'Retry; if it persists, check Salesforce Trust (status.salesforce.com) for your instance.'
    );
}

function formatAttributes(attributes: Record<string, string>): string {
    return `{${Object.entries(attributes)
        .map(([name, value]) => `${name}: ${value}`)
        .join(', ')}}`;
}

function truncate(text: string, max: number): string {
    return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

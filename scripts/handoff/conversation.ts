// One visitor's conversation, as OpenCX opens it: the event stream first (so no event is missed),
// then the conversation with its routing attributes, then the first message and the transcript.
// Events for this conversation are collected as they come: agent replies, and the routing result.
import { randomUUID } from 'node:crypto';
import {
    MiawClient,
    MiawError,
    parseConversationEvent,
    type AccessTokenResponse,
    type ConversationEntry,
    type EventSubscription
} from './miaw-client.ts';
import type { ServerSentEvent } from './sse.ts';
import type { VisitorKind } from './visitors.ts';

export interface Reply {
    at: string;
    role: string;
    name: string;
    text: string;
    eventId: string;
    /** Which visitor's conversation it belongs to. */
    visitor: VisitorKind;
}

export interface RoutingEvent {
    recordId?: string;
    queueId?: string;
    failureType?: string;
}

export interface ConversationOptions {
    kind: VisitorKind;
    routingAttributes: Record<string, string>;
    texts: string[];
    /** How long to wait for the event stream to answer before going on without it. */
    streamWaitMs: number;
    progress: (line: string) => void;
    onReply: (reply: Reply) => void;
}

/** An open conversation: its stream stays open until close(). */
export class VisitorConversation {
    readonly id = randomUUID();
    readonly replies: Reply[] = [];
    routingEvent: RoutingEvent | null = null;
    createdAt = 0;
    routedAt: number | null = null;
    messagesSent = 0;
    streamError: string | null = null;
    unreadableEvents = 0;
    closed = false;
    private subscription: EventSubscription | null = null;
    private readonly seenEntries = new Set<string>();
    private announced = false;
    private pendingRoutingLine: string | null = null;

    constructor(
        private readonly client: MiawClient,
        private readonly token: AccessTokenResponse,
        readonly options: ConversationOptions
    ) {}

    get events(): number {
        return this.subscription?.eventsReceived ?? 0;
    }

    get reconnects(): number {
        return this.subscription?.reconnects ?? 0;
    }

    /** Settles when the stream has ended for good (never rejects). */
    get streamDone(): Promise<void> {
        return this.subscription
            ? this.subscription.done.catch(() => undefined)
            : Promise.resolve();
    }

    /** Creates the conversation and sends the texts (after openStream). */
    async start(): Promise<void> {
        this.createdAt = Date.now();
        await this.client.createConversation(
            this.token.accessToken,
            this.id,
            this.options.routingAttributes
        );
        this.announced = true;
        this.options.progress(
            `✓ conversation     ${this.options.kind}: ${this.id} ${formatAttributes(this.options.routingAttributes)}`
        );
        if (this.pendingRoutingLine) this.options.progress(this.pendingRoutingLine);
        for (const text of this.options.texts) {
            await this.client.sendTextMessage(this.token.accessToken, this.id, randomUUID(), text);
            this.messagesSent += 1;
        }
    }

    async end(): Promise<void> {
        await this.client.closeConversation(this.token.accessToken, this.id);
        this.closed = true;
    }

    closeStream(): void {
        this.subscription?.close();
    }

    /** Opens the event stream and waits for it, at most streamWaitMs; goes on without it after that. */
    async openStream(): Promise<void> {
        const subscription = this.client.subscribe(this.token.accessToken, {
            lastEventId: this.token.lastEventId,
            onEvent: (event) => this.onEvent(event),
            onReconnect: (attempt, error) =>
                this.options.progress(
                    `  event stream dropped (${error.message}); reconnect ${attempt}`
                )
        });
        this.subscription = subscription;
        let connected = false;
        subscription.done.catch((error: Error) => {
            this.streamError = error.message;
            if (connected) {
                this.options.progress(
                    `! event stream ended: ${error.message} (replies after this are not shown)`
                );
            }
        });
        const waitSeconds = Math.round(this.options.streamWaitMs / 1000);
        this.options.progress(
            `… event stream     ${this.options.kind}: connecting (at most ${waitSeconds} s)`
        );
        try {
            await subscription.ready;
            connected = true;
            this.options.progress(`✓ event stream     ${this.options.kind}: connected`);
        } catch (error) {
            if (error instanceof MiawError && error.kind === 'http') throw error;
            this.streamError = `the event stream did not answer within ${waitSeconds} s`;
            subscription.close();
            this.options.progress(
                `! event stream did not answer within ${waitSeconds} s (${(error as Error).message}): going on without it; replies are not shown, the routing is checked through the org`
            );
        }
    }

    private onEvent(event: ServerSentEvent): void {
        let entry: ConversationEntry | null;
        try {
            entry = parseConversationEvent(event);
        } catch (error) {
            this.unreadableEvents += 1;
            if (this.unreadableEvents === 1)
                this.options.progress(`! ${(error as Error).message} (skipped)`);
            return;
        }
        if (!entry || entry.conversationId !== this.id) return;
        // A reconnect may replay entries after Last-Event-Id: take each one once.
        if (entry.entryId && this.seenEntries.has(entry.entryId)) return;
        if (entry.entryId) this.seenEntries.add(entry.entryId);
        if (entry.entryType === 'RoutingResult') this.onRoutingResult(entry);
        else if (entry.entryType === 'Message') this.onMessage(entry);
    }

    private onRoutingResult(entry: ConversationEntry): void {
        if (this.routingEvent) return;
        const details = entry.payload.routingConfigurationDetails as
            { queueId?: unknown } | undefined;
        const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
        this.routingEvent = {
            recordId: text(entry.payload.recordId),
            queueId: text(details?.queueId),
            failureType: text(entry.payload.failureType)
        };
        this.routedAt = Date.now();
        const line =
            `  routing result   ${this.options.kind}: ${this.routingEvent.queueId ? `routed to queue ${this.routingEvent.queueId}` : 'not routed'}` +
            ` (failureType ${this.routingEvent.failureType ?? 'none given'})`;
        // It may arrive before the create call returns: print it after that line.
        if (this.announced) this.options.progress(line);
        else this.pendingRoutingLine = line;
    }

    private onMessage(entry: ConversationEntry): void {
        if (entry.senderRole === 'EndUser' || entry.text === undefined) return;
        const reply: Reply = {
            at: new Date(entry.timestamp ?? Date.now()).toISOString(),
            role: entry.senderRole,
            name: entry.senderName,
            text: entry.text,
            eventId: entry.eventId,
            visitor: this.options.kind
        };
        this.replies.push(reply);
        this.options.onReply(reply);
    }
}

export function formatAttributes(attributes: Record<string, string>): string {
    return `{${Object.entries(attributes)
        .map(([name, value]) => `${name}: ${value}`)
        .join(', ')}}`;
}

import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import LOCALE from '@salesforce/i18n/locale';
import getConversation from '@salesforce/apex/OpenCxSessionController.getConversation';
import type {
    OpenCxConversation,
    WiredGetConversation as WiredConversation
} from '@salesforce/apex/OpenCxSessionController.getConversation';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';
import type { WiredRecord } from 'lightning/uiRecordApi';
import SESSION_ID_FIELD from '@salesforce/schema/MessagingSession.OpenCX_Session_Id__c';
import CONSUMER_TYPE_FIELD from '@salesforce/schema/MessagingSession.Chat_Consumer_Type__c';
import {
    safeHttpsUrl,
    type CheckedConversation,
    type ConversationTurn,
    type TranscriptScrollOptions
} from 'c/opencxUtils';
import { LABELS, formatLabel, labelParts, type LabelParts } from './labels';
import { readConversation } from './answer';
import { NextTask } from './nextTask';
import BUSY_LABEL from '@salesforce/label/c.OpenCX_Panel_Busy';
import BUSY_GAVE_UP_LABEL from '@salesforce/label/c.OpenCX_Panel_Busy_Gave_Up';
import PARTIAL_LABEL from '@salesforce/label/c.OpenCX_Panel_Partial';
import ROUTING_LABEL from '@salesforce/label/c.OpenCX_Panel_Routing';

/**
 * HTTP 429 (state BUSY): the panel asks again by itself after Retry-After seconds (10 when OpenCX
 * did not say, between 1 and 60), at most BUSY_MAX_RETRIES times; then the rep gets Retry.
 */
export const BUSY_MAX_RETRIES = 3;
const BUSY_DEFAULT_WAIT_SECONDS = 10;
const BUSY_MAX_WAIT_SECONDS = 60;

export function busyWaitSeconds(retryAfterSeconds: number | null | undefined): number {
    const asked = Number(retryAfterSeconds);
    if (retryAfterSeconds === null || retryAfterSeconds === undefined || !Number.isFinite(asked)) {
        return BUSY_DEFAULT_WAIT_SECONDS;
    }
    return Math.min(BUSY_MAX_WAIT_SECONDS, Math.max(1, Math.ceil(asked)));
}

/**
 * What the routing flow stamped on the MessagingSession. Read from the record itself so that the
 * trace key and the consumer badge show while Apex loads and when OpenCX fails. Optional fields:
 * a rep without access to them still gets the rest of the panel.
 */
const STAMPED_FIELDS = [SESSION_ID_FIELD, CONSUMER_TYPE_FIELD];

/** One value of a detail row, isolated in its own `<bdi>` (bidirectional text stays in place). */
interface DetailValue {
    key: string;
    text: string;
}

interface DetailItem {
    key: string;
    label: string;
    values: DetailValue[];
}

/** A badge: its text around the value (isolated) and its look. */
export interface Badge extends LabelParts {
    className: string;
    /** A warning icon for what must catch the rep's eye (an angry visitor). */
    warning: boolean;
}

// Maps, not plain objects: a value such as `constructor` or `__proto__` is shown as itself.
const CHANNEL_LABELS = new Map<string, string>([
    ['web', LABELS.channelWeb],
    ['web_voice', LABELS.channelWebVoice],
    ['phone_voice', LABELS.channelPhone],
    ['email', LABELS.channelEmail],
    ['sms', LABELS.channelSms],
    ['whatsapp', LABELS.channelWhatsApp],
    ['api', LABELS.channelApi]
]);

const STATUS_LABELS = new Map<string, string>([
    ['open', LABELS.statusOpen],
    ['closed_resolved', LABELS.statusClosedResolved],
    ['closed_unresolved', LABELS.statusClosedUnresolved]
]);

/** Sentiment: its label and a tone that carries the meaning in colour too (never colour alone). */
const SENTIMENTS = new Map<string, { label: string; tone: 'angry' | 'neutral' | 'happy' }>([
    ['angry', { label: LABELS.sentimentAngry, tone: 'angry' }],
    ['neutral', { label: LABELS.sentimentNeutral, tone: 'neutral' }],
    ['happy', { label: LABELS.sentimentHappy, tone: 'happy' }]
]);

const CONSUMER_CLASS = 'slds-badge badge consumer';
const TONE_CLASSES = new Map<string, string>([
    ['angry', 'slds-badge badge sentiment sentiment_angry slds-theme_error'],
    ['happy', 'slds-badge badge sentiment sentiment_happy slds-theme_success'],
    ['neutral', 'slds-badge badge sentiment sentiment_neutral']
]);

/**
 * The Chat_Consumer_Type routing attribute as a badge. OpenCX does not document exact values:
 * "unauthenticated"/"anonymous"-like values are checked before "authenticated"/"verified"-like ones.
 */
export function consumerBadge(consumerType: string | null | undefined): Badge | null {
    const value = (consumerType ?? '').trim();
    if (!value) return null;
    const lower = value.toLowerCase();
    const className = CONSUMER_CLASS;
    if (/unauth|unverif|anonym|guest/.test(lower)) {
        return { ...labelParts(LABELS.visitorAnonymous, ''), className, warning: false };
    }
    if (/auth|verif/.test(lower)) {
        return { ...labelParts(LABELS.visitorVerified, ''), className, warning: false };
    }
    return { ...labelParts(LABELS.visitorOther, value), className, warning: false };
}

/** The routing flow's decision in words, when it recorded one (text only). */
function routingDecision(conversation: OpenCxConversation): string | null {
    const decision = conversation.routing?.decision;
    return typeof decision === 'string' ? decision : null;
}

/** The sentiment badge: known sentiments by label and colour, anything else as sent. */
export function sentimentBadge(sentiment: string | null | undefined): Badge | null {
    if (!sentiment) return null;
    const known = SENTIMENTS.get(sentiment);
    const tone = known?.tone ?? 'neutral';
    return {
        ...labelParts(LABELS.sentiment, known?.label ?? sentiment),
        className: TONE_CLASSES.get(tone) ?? 'slds-badge badge sentiment',
        warning: tone === 'angry'
    };
}

interface ServerError {
    body?: { message?: unknown } | Array<{ message?: unknown }>;
}

/** A message a rep can act on, from a wire/Apex error (AuraHandledException → body.message). */
export function errorMessage(error: unknown): string {
    const payload = (error as ServerError | null)?.body;
    const messages = (Array.isArray(payload) ? payload : [payload])
        .map((entry) => entry?.message)
        .filter((message): message is string => typeof message === 'string' && message !== '');
    if (messages.length) return messages.join(', ');
    if (error instanceof Error && error.message) return error.message;
    return LABELS.errorGeneric;
}

/** Intl formatters are slow to make: one per panel module, made when first needed. */
let languageNames: Intl.DisplayNames | undefined;
let numberFormat: Intl.NumberFormat | undefined;

function languageName(code: string | null | undefined): string | null {
    if (!code) return null;
    try {
        languageNames ??= new Intl.DisplayNames([LOCALE], { type: 'language' });
        const name = languageNames.of(code);
        return name && name !== code ? formatLabel(LABELS.languageValue, name, code) : code;
    } catch {
        // An unknown locale or a code that is not a language tag: the code as sent.
        return code;
    }
}

function formatCount(count: number): string {
    try {
        numberFormat ??= new Intl.NumberFormat(LOCALE);
        return numberFormat.format(count);
    } catch {
        return String(count);
    }
}

const handoffMemo = new WeakMap<readonly ConversationTurn[], number | null>();

/**
 * UTC time as OpenCX writes it (Date.toISOString), every field in range: month 01-12, day 01-31,
 * hour 00-23, minute and second 00-59. Such a text names exactly the instant Date.parse reads from
 * it, so text order is time order (the 29th to the 31st are checked against the month: V8 reads
 * 31 April as 1 May).
 */
const CANONICAL_UTC =
    /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The day of a CANONICAL_UTC text exists in its month (29 February only in a leap year). */
function dayExists(time: string): boolean {
    const day = Number(time.slice(8, 10));
    if (day <= 28) return true;
    const year = Number(time.slice(0, 4));
    const month = Number(time.slice(5, 7));
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

/**
 * True when every time is canonical UTC text and none is earlier than the one before it: then
 * time order is the order OpenCX sent (orderTurns changes nothing), found without parsing dates.
 * Any other text (an offset, no milliseconds, 31 April, 24:00) sends the whole answer to the
 * Date.parse pass.
 */
function inOrderAsSent(turns: readonly ConversationTurn[]): boolean {
    let previous = '';
    for (let index = 0; index < turns.length; index++) {
        const time = turns[index].createdAt;
        if (time === null || time === undefined) continue;
        if (time < previous || !CANONICAL_UTC.test(time) || !dayExists(time)) return false;
        previous = time;
    }
    return true;
}

/** The last handoff in the order the turns are in. */
function lastHandoffAsSent(turns: readonly ConversationTurn[]): number | null {
    for (let index = turns.length - 1; index >= 0; index--) {
        const turn = turns[index];
        if (turn.kind === 'event' && turn.eventType === 'handoff') return turn.position;
    }
    return null;
}

/**
 * Position of the last handoff event in time order, or null when the AI never handed off. No
 * sort: OpenCX sends history in order, which a pass over the time texts confirms; otherwise one
 * pass with Date.parse, where the last in orderTurns' order is the one with the greatest time,
 * then the greatest index (a turn without a time takes the time before it). Remembered per
 * transcript: the template asks on every render, and the answer task must stay short.
 */
export function handoffPosition(turns: readonly ConversationTurn[]): number | null {
    const known = handoffMemo.get(turns);
    if (known !== undefined) return known;
    const position = inOrderAsSent(turns) ? lastHandoffAsSent(turns) : lastHandoffInTime(turns);
    handoffMemo.set(turns, position);
    return position;
}

function lastHandoffInTime(turns: readonly ConversationTurn[]): number | null {
    let lastTime = Number.NEGATIVE_INFINITY;
    let best: { time: number; position: number } | null = null;
    for (const turn of turns) {
        const parsed = turn.createdAt ? Date.parse(turn.createdAt) : NaN;
        if (!Number.isNaN(parsed)) lastTime = parsed;
        const time = Number.isNaN(parsed) ? lastTime : parsed;
        const isHandoff = turn.kind === 'event' && turn.eventType === 'handoff';
        if (isHandoff && (!best || time >= best.time)) best = { time, position: turn.position };
    }
    return best ? best.position : null;
}

/** The public API of c-opencx-transcript the panel calls (see opencxTranscript.ts). */
interface TranscriptElement extends HTMLElement {
    scrollToStart?(): unknown;
    scrollToEnd?(options?: TranscriptScrollOptions): unknown;
    scrollToTurn?(position: number, options?: TranscriptScrollOptions): unknown;
}

/** Landing scrolls the transcript, never the console page around it. */
const LANDING: TranscriptScrollOptions = { movePage: false };

export default class OpencxConversationPanel extends LightningElement {
    /** The MessagingSession the record page shows. */
    @api recordId?: string;
    /** Design property: hide the transcript, keep trace key, link and summary. */
    @api hideTranscript = false;
    /** Design property: maximum transcript height in pixels (it scrolls beyond). */
    @api transcriptHeight = 480;

    labels = LABELS;
    conversation?: CheckedConversation;
    error?: unknown;
    /** Apex answered, but with something outside the contract (see answer.ts). */
    unreadable = false;
    isRefreshing = false;
    copyStatus = '';
    private wiredConversation?: WiredConversation;
    /** The answer the transcript last landed on (it lands once per answer). */
    private landedOn?: CheckedConversation;
    /** The control that started a refresh; focus returns to it (or to Refresh) when it is lost. */
    private focusAfterRefresh: 'refresh' | 'retry' | null = null;

    @wire(getRecord, { recordId: '$recordId', optionalFields: STAMPED_FIELDS })
    stampedRecord?: WiredRecord;

    @wire(getConversation, { messagingSessionId: '$recordId' })
    wiredGetConversation(result: WiredConversation) {
        this.wiredConversation = result;
        const { data, error } = result ?? {};
        if (error) {
            this.setAnswer(undefined, error, false);
        } else if (data !== undefined) {
            this.scheduleAnswer(data);
        }
        // Neither: the wire has not answered yet (its first value); keep what is shown.
    }

    /**
     * A long answer costs three tasks, none long (issue 11: no task over 50 ms at 20,000 turns):
     * the framework parses it in the task it arrives in (4.4 MB of JSON at 20,000 turns); the
     * next checks it and shows the card (this one); the one after renders the transcript
     * (scheduleTranscript). Until the card shows, the panel stays as it was (loading, or the
     * answer before a refresh).
     */
    private readonly answerTask = new NextTask();

    private scheduleAnswer(data: unknown): void {
        this.answerTask.schedule(() => {
            // Apex answered: null, {} or a broken turn list is a state of its own, not "loading".
            const conversation = readConversation(data);
            this.setAnswer(conversation ?? undefined, undefined, !conversation);
        });
    }

    /** Resolves once no answer waits for its task (a newer one may replace the one awaited). */
    private async answersShown(): Promise<void> {
        while (this.answerTask.pending) {
            // eslint-disable-next-line no-await-in-loop -- each newer answer, until none waits
            await this.answerTask.done;
        }
    }

    private setAnswer(conversation: CheckedConversation | undefined, error: unknown, bad: boolean) {
        // A newer answer (or an error) replaces one still waiting for its task.
        this.answerTask.cancel();
        this.conversation = conversation;
        this.error = error;
        this.unreadable = bad;
        this.scheduleBusyRetry();
        this.scheduleTranscript();
    }

    /**
     * The turns the transcript shows: those of the answer before, until the task after the one
     * that showed the card of a new answer. The transcript's first slice, its jump controls and
     * the search for the handoff come in that task of their own (see scheduleAnswer).
     */
    shownTurns: ConversationTurn[] | null = null;
    private readonly transcriptTask = new NextTask();

    private scheduleTranscript(): void {
        if (!this.isReady) {
            this.transcriptTask.cancel();
            this.shownTurns = null;
            return;
        }
        this.transcriptTask.schedule(() => {
            this.shownTurns = this.turns;
        });
    }

    /** Automatic retries of a BUSY answer so far (reset by any other answer or by Retry). */
    busyRetries = 0;
    busyWait = 0;
    private busyTimer?: ReturnType<typeof setTimeout>;

    get isBusy(): boolean {
        return this.conversation?.state === 'BUSY';
    }

    get busyGaveUp(): boolean {
        return this.busyRetries >= BUSY_MAX_RETRIES;
    }

    get busyText(): string {
        return this.busyGaveUp
            ? BUSY_GAVE_UP_LABEL
            : formatLabel(BUSY_LABEL, String(this.busyWait));
    }

    get isPartial(): boolean {
        return this.isReady && Boolean(this.conversation?.transcriptPartial);
    }

    get partialText(): string {
        return PARTIAL_LABEL;
    }

    /** An automatic retry has gone to Apex and its answer has not shown yet. */
    private busyRetryInFlight = false;

    private scheduleBusyRetry(): void {
        clearTimeout(this.busyTimer);
        this.busyTimer = undefined;
        if (!this.isBusy) {
            this.busyRetries = 0;
            return;
        }
        // A panel out of the page asks OpenCX nothing; connectedCallback starts again.
        if (this.busyGaveUp || !this.connected) return;
        this.busyWait = busyWaitSeconds(this.conversation?.retryAfterSeconds);
        // eslint-disable-next-line @lwc/lwc/no-async-operation -- the wait OpenCX asked for
        this.busyTimer = setTimeout(() => this.retryWhileBusy(), this.busyWait * 1000);
    }

    private retryWhileBusy(): void {
        this.busyTimer = undefined;
        this.busyRetries += 1;
        this.busyRetryInFlight = true;
        refreshApex(this.wiredConversation)
            // The new answer shows in a task of its own (scheduleAnswer): judge that one.
            .then(() => this.answersShown())
            .then(() => {
                this.busyRetryInFlight = false;
                // An answer equal to the last one may not reach the wire again: go on here.
                if (this.isBusy && !this.busyTimer) this.scheduleBusyRetry();
            })
            .catch((error: unknown) => {
                this.busyRetryInFlight = false;
                this.setAnswer(undefined, error, false);
            });
    }

    handleBusyRetry(event?: Event): Promise<void> {
        this.busyRetries = 0;
        return this.handleRefresh(event);
    }

    /** In the page: a BUSY answer retries only then. */
    private connected = false;

    override connectedCallback(): void {
        this.connected = true;
        // Back in the page (moved, or a console tab shown again) while OpenCX was busy, and no
        // retry on its way (its answer decides what comes next).
        if (this.isBusy && !this.busyTimer && !this.busyRetryInFlight) this.scheduleBusyRetry();
    }

    override disconnectedCallback(): void {
        this.connected = false;
        clearTimeout(this.busyTimer);
        this.busyTimer = undefined;
        // The answer and transcript tasks stay: each runs once, and a panel moved in the page
        // (removed and inserted again) must not lose the answer it was about to show.
    }

    override renderedCallback(): void {
        this.landTranscript();
        this.restoreFocus();
    }

    get isLoading(): boolean {
        return !this.conversation && !this.error && !this.unreadable;
    }

    get showSpinner(): boolean {
        return this.isLoading || this.isRefreshing;
    }

    get progressText(): string {
        return this.isRefreshing ? LABELS.refreshing : LABELS.loading;
    }

    get ariaBusy(): string {
        return String(this.showSpinner);
    }

    get hasProblem(): boolean {
        return Boolean(this.error) || this.unreadable;
    }

    get problemText(): string {
        return this.unreadable ? LABELS.unreadableAnswer : errorMessage(this.error);
    }

    get isNoSession(): boolean {
        return this.conversation?.state === 'NO_SESSION';
    }

    get isNotConfigured(): boolean {
        return this.conversation?.state === 'NOT_CONFIGURED';
    }

    get isReady(): boolean {
        return this.conversation?.state === 'READY';
    }

    /** Apex names the missing setting ("OpenCX is not configured: …"); said once, not twice. */
    get setupMessage(): string {
        return this.conversation?.setupMessage?.trim() || LABELS.notConfigured;
    }

    /** The stamped field's value, or null when the record has not come (or has no such value). */
    private stampedValue(field: typeof SESSION_ID_FIELD): string | null {
        const record = this.stampedRecord?.data;
        const value = record ? getFieldValue(record, field) : null;
        return typeof value === 'string' && value.trim() ? value.trim() : null;
    }

    /** Apex's answer once there is one; until then, and when OpenCX fails, the stamped id. */
    get sessionId(): string | null {
        if (this.conversation) return this.conversation.sessionId?.trim() || null;
        return this.stampedValue(SESSION_ID_FIELD);
    }

    /** Only an https link is rendered; anything else from the template is dropped. */
    get sessionUrl(): string | null {
        return this.isReady ? safeHttpsUrl(this.conversation?.sessionUrl) : null;
    }

    /**
     * The consumer type in every state that has a session: Apex's value once it answered (the
     * stamped one when Apex has none), the stamped one while loading and when OpenCX fails.
     */
    get consumerBadge(): Badge | null {
        if (!this.sessionId) return null;
        const fromApex = this.conversation?.consumerType;
        return consumerBadge(fromApex?.trim() ? fromApex : this.stampedValue(CONSUMER_TYPE_FIELD));
    }

    get sentimentBadge(): Badge | null {
        return this.isReady ? sentimentBadge(this.conversation?.sentiment) : null;
    }

    get showBadges(): boolean {
        return Boolean(this.consumerBadge || this.sentimentBadge);
    }

    get details(): DetailItem[] {
        const conversation = this.conversation;
        if (!conversation) return [];
        const { channel, status } = conversation;
        const rows: Array<[string, Array<string | null | undefined>]> = [
            [LABELS.channel, [channel ? (CHANNEL_LABELS.get(channel) ?? channel) : null]],
            [LABELS.language, [languageName(conversation.language)]],
            [LABELS.status, [status ? (STATUS_LABELS.get(status) ?? status) : null]],
            [LABELS.priority, [conversation.priority]],
            [LABELS.contact, [conversation.contactName, conversation.contactEmail]],
            // What the routing flow recorded (docs/beyond-handoff.md); record data, shown as text.
            [ROUTING_LABEL, [routingDecision(conversation)]]
        ];
        return rows
            .map(([label, values], row) => ({
                key: `detail-${row}`,
                label,
                values: values
                    .filter((value): value is string => Boolean(value?.trim()))
                    .map((text, index) => ({ key: `value-${index}`, text }))
            }))
            .filter((item) => item.values.length > 0);
    }

    get hasDetails(): boolean {
        return this.details.length > 0;
    }

    get summary(): string | null {
        return this.conversation?.summary || null;
    }

    get turns(): ConversationTurn[] {
        return this.conversation?.turns ?? [];
    }

    get turnCountLabel(): string {
        const count = this.turns.length;
        return count === 1
            ? LABELS.entryCountOne
            : formatLabel(LABELS.entryCount, formatCount(count));
    }

    get showTranscript(): boolean {
        return !this.hideTranscript;
    }

    /** Jump controls once the transcript shows and there is somewhere to jump to. */
    get showJumps(): boolean {
        return (this.shownTurns?.length ?? 0) > 1;
    }

    get handoffPosition(): number | null {
        return this.shownTurns ? handoffPosition(this.shownTurns) : null;
    }

    get hasHandoff(): boolean {
        return this.handoffPosition !== null;
    }

    get isTruncated(): boolean {
        return Boolean(this.conversation?.transcriptTruncated);
    }

    get truncatedText(): string {
        return formatLabel(LABELS.truncated, formatCount(this.conversation?.historyPageCount ?? 0));
    }

    private transcript(): TranscriptElement | null {
        return this.template?.querySelector<TranscriptElement>('c-opencx-transcript') ?? null;
    }

    /** Each new answer opens at the handoff, or at the newest turn when there was none. */
    private landTranscript(): void {
        const conversation = this.conversation;
        if (!conversation || conversation === this.landedOn || !this.isReady) return;
        if (this.shownTurns !== conversation.turns) return;
        const transcript = this.transcript();
        if (!transcript) return;
        this.landedOn = conversation;
        const handoff = this.handoffPosition;
        if (handoff !== null) transcript.scrollToTurn?.(handoff, LANDING);
        else transcript.scrollToEnd?.(LANDING);
    }

    handleJumpStart(): void {
        this.transcript()?.scrollToStart?.();
    }

    handleJumpHandoff(): void {
        const handoff = this.handoffPosition;
        if (handoff !== null) this.transcript()?.scrollToTurn?.(handoff);
    }

    handleJumpEnd(): void {
        this.transcript()?.scrollToEnd?.();
    }

    async handleRefresh(event?: Event): Promise<void> {
        if (this.isRefreshing) return;
        const trigger = event?.currentTarget as HTMLElement | null | undefined;
        this.isRefreshing = true;
        this.copyStatus = '';
        try {
            // Refresh of a transcript reads OpenCX, not the org cache (the wire then reads the
            // answer this call put there). Retry after a failure needs no bypass: nothing was cached.
            if (this.isReady && this.recordId && !trigger?.classList.contains('retry')) {
                await getConversation({ messagingSessionId: this.recordId, refresh: true });
            }
            await refreshApex(this.wiredConversation);
            // The refreshed answer shows in a task of its own: the spinner (and the focus on the
            // control pressed) stay until it does.
            await this.answersShown();
        } catch (error) {
            this.setAnswer(undefined, error, false);
        } finally {
            this.isRefreshing = false;
            this.focusAfterRefresh = trigger?.classList.contains('retry') ? 'retry' : 'refresh';
        }
    }

    /**
     * After a refresh the control that started it may be gone (Retry disappears once the answer
     * comes). When focus fell out of the panel to the page body, it goes to that control if it
     * is still there, otherwise to Refresh. Focus the rep moved elsewhere is left alone.
     */
    private restoreFocus(): void {
        const wanted = this.focusAfterRefresh;
        if (!wanted || this.isRefreshing) return;
        this.focusAfterRefresh = null;
        const root = this.template;
        if (!root || root.activeElement) return;
        const active = document.activeElement;
        if (active && active !== document.body && active !== root.host) return;
        const retry = root.querySelector<HTMLElement>('.retry');
        const refresh = root.querySelector<HTMLElement>('.refresh');
        (wanted === 'retry' && retry ? retry : refresh)?.focus();
    }

    async handleCopy(): Promise<void> {
        const sessionId = this.sessionId;
        if (!sessionId) return;
        try {
            await navigator.clipboard.writeText(sessionId);
            this.copyStatus = LABELS.copied;
        } catch {
            this.copyStatus = LABELS.copyFailed;
        }
    }
}

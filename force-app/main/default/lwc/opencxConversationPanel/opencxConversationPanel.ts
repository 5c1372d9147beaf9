import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import LOCALE from '@salesforce/i18n/locale';
import getConversation from '@salesforce/apex/OpenCxSessionController.getConversation';
import type {
    OpenCxConversation,
    WiredConversation
} from '@salesforce/apex/OpenCxSessionController.getConversation';
import { getRecord, getFieldValue } from 'lightning/uiRecordApi';
import type { WiredRecord } from 'lightning/uiRecordApi';
import SESSION_ID_FIELD from '@salesforce/schema/MessagingSession.OpenCX_Session_Id__c';
import CONSUMER_TYPE_FIELD from '@salesforce/schema/MessagingSession.Chat_Consumer_Type__c';
import { safeHttpsUrl } from 'c/opencxTranscript';

/**
 * What the routing flow stamped on the MessagingSession. Read from the record itself so that the
 * trace key and the consumer badge show while Apex loads and when OpenCX fails. Optional fields:
 * a rep without access to them still gets the rest of the panel.
 */
const STAMPED_FIELDS = [SESSION_ID_FIELD, CONSUMER_TYPE_FIELD];

interface DetailItem {
    key: string;
    valueKey: string;
    label: string;
    value: string;
}

const CHANNEL_LABELS: Record<string, string> = {
    web: 'Web chat',
    web_voice: 'Web voice',
    phone_voice: 'Phone',
    email: 'Email',
    sms: 'SMS',
    whatsapp: 'WhatsApp',
    api: 'API'
};

const STATUS_LABELS: Record<string, string> = {
    open: 'Open',
    closed_resolved: 'Closed, resolved',
    closed_unresolved: 'Closed, unresolved'
};

const SENTIMENT_LABELS: Record<string, string> = {
    angry: 'Angry',
    neutral: 'Neutral',
    happy: 'Happy'
};

/**
 * The Chat_Consumer_Type routing attribute as a badge. OpenCX does not document exact values:
 * "unauthenticated"/"anonymous"-like values are checked before "authenticated"/"verified"-like ones.
 */
export function consumerBadge(consumerType: string | null | undefined): string | null {
    const value = (consumerType ?? '').trim();
    if (!value) return null;
    const lower = value.toLowerCase();
    if (/unauth|unverif|anonym|guest/.test(lower)) return 'Anonymous visitor';
    if (/auth|verif/.test(lower)) return 'Verified visitor';
    return `Visitor: ${value}`;
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
    return 'The OpenCX conversation could not be loaded.';
}

function languageName(code: string | null | undefined): string | null {
    if (!code) return null;
    try {
        const name = new Intl.DisplayNames([LOCALE], { type: 'language' }).of(code);
        return name && name !== code ? `${name} (${code})` : code;
    } catch {
        return code;
    }
}

export default class OpencxConversationPanel extends LightningElement {
    /** The MessagingSession the record page shows. */
    @api recordId?: string;
    /** Design property: hide the transcript, keep trace key, link and summary. */
    @api hideTranscript = false;
    /** Design property: maximum transcript height in pixels (it scrolls beyond). */
    @api transcriptHeight = 480;

    conversation?: OpenCxConversation;
    error?: unknown;
    isRefreshing = false;
    copyStatus = '';
    private wiredConversation?: WiredConversation;

    @wire(getRecord, { recordId: '$recordId', optionalFields: STAMPED_FIELDS })
    stampedRecord?: WiredRecord;

    @wire(getConversation, { messagingSessionId: '$recordId' })
    wiredGetConversation(result: WiredConversation) {
        this.wiredConversation = result;
        if (result.data) {
            this.conversation = result.data;
            this.error = undefined;
        } else if (result.error) {
            this.conversation = undefined;
            this.error = result.error;
        }
    }

    get isLoading(): boolean {
        return !this.conversation && !this.error;
    }

    get showSpinner(): boolean {
        return this.isLoading || this.isRefreshing;
    }

    get ariaBusy(): string {
        return String(this.showSpinner);
    }

    get hasError(): boolean {
        return Boolean(this.error);
    }

    get errorText(): string {
        return errorMessage(this.error);
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

    get setupMessage(): string {
        return this.conversation?.setupMessage || 'An OpenCX setting is missing.';
    }

    /** The stamped field's value, or null when the record has not come (or has no such value). */
    private stampedValue(field: typeof SESSION_ID_FIELD): string | null {
        const record = this.stampedRecord?.data;
        const value = record ? getFieldValue(record, field) : null;
        return typeof value === 'string' && value.trim() ? value.trim() : null;
    }

    /** Apex's answer once there is one; until then, and when OpenCX fails, the stamped id. */
    get sessionId(): string | null {
        if (this.conversation) return this.conversation.sessionId || null;
        return this.stampedValue(SESSION_ID_FIELD);
    }

    /** Only an https link is rendered; anything else from the template is dropped. */
    get sessionUrl(): string | null {
        return safeHttpsUrl(this.conversation?.sessionUrl);
    }

    /** Apex's consumer type once READY (none for the other states); until then the stamped one. */
    get consumerBadge(): string | null {
        if (this.conversation)
            return this.isReady ? consumerBadge(this.conversation.consumerType) : null;
        return this.sessionId ? consumerBadge(this.stampedValue(CONSUMER_TYPE_FIELD)) : null;
    }

    /** Ready: consumer and sentiment badges. Loading or failed: the stamped consumer badge. */
    get showBadges(): boolean {
        return this.isReady || Boolean(this.consumerBadge);
    }

    get details(): DetailItem[] {
        const conversation = this.conversation;
        if (!conversation) return [];
        const channel = conversation.channel
            ? (CHANNEL_LABELS[conversation.channel] ?? conversation.channel)
            : null;
        const status = conversation.status
            ? (STATUS_LABELS[conversation.status] ?? conversation.status)
            : null;
        const contact = [conversation.contactName, conversation.contactEmail]
            .filter(Boolean)
            .join(', ');
        const items: Array<[string, string | null | undefined]> = [
            ['Channel', channel],
            ['Language', languageName(conversation.language)],
            ['Status', status],
            ['Priority', conversation.priority],
            ['Contact', contact]
        ];
        return items
            .filter((item): item is [string, string] => Boolean(item[1]))
            .map(([label, value]) => ({ key: label, valueKey: `${label}-value`, label, value }));
    }

    get hasDetails(): boolean {
        return this.details.length > 0;
    }

    get summary(): string | null {
        return this.conversation?.summary || null;
    }

    get sentimentLabel(): string | null {
        const sentiment = this.conversation?.sentiment;
        return sentiment ? `Sentiment: ${SENTIMENT_LABELS[sentiment] ?? sentiment}` : null;
    }

    get turns() {
        return this.conversation?.turns ?? [];
    }

    get turnCountLabel(): string {
        const count = this.turns.length;
        return count === 1 ? '1 entry' : `${count} entries`;
    }

    get showTranscript(): boolean {
        return !this.hideTranscript;
    }

    get isTruncated(): boolean {
        return Boolean(this.conversation?.transcriptTruncated);
    }

    get truncatedText(): string {
        const pages = this.conversation?.historyPageCount ?? 0;
        return `Showing the first ${pages} pages of the transcript. Open the session in OpenCX for the rest.`;
    }

    async handleRefresh(): Promise<void> {
        if (this.isRefreshing) return;
        this.isRefreshing = true;
        this.copyStatus = '';
        try {
            await refreshApex(this.wiredConversation);
        } catch (error) {
            this.error = error;
            this.conversation = undefined;
        } finally {
            this.isRefreshing = false;
        }
    }

    async handleCopy(): Promise<void> {
        const sessionId = this.sessionId;
        if (!sessionId) return;
        try {
            await navigator.clipboard.writeText(sessionId);
            this.copyStatus = 'Trace key copied.';
        } catch {
            this.copyStatus = 'Could not copy. Select the trace key and copy it.';
        }
    }
}

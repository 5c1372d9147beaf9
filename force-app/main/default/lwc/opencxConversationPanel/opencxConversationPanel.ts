import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import LOCALE from '@salesforce/i18n/locale';
import getConversation from '@salesforce/apex/OpenCxSessionController.getConversation';
import type {
    OpenCxConversation,
    WiredConversation
} from '@salesforce/apex/OpenCxSessionController.getConversation';
import { safeHttpsUrl } from 'c/opencxTranscript';

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

    get sessionId(): string | null {
        return this.conversation?.sessionId || null;
    }

    /** Only an https link is rendered; anything else from the template is dropped. */
    get sessionUrl(): string | null {
        return safeHttpsUrl(this.conversation?.sessionUrl);
    }

    get consumerBadge(): string | null {
        return consumerBadge(this.conversation?.consumerType);
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

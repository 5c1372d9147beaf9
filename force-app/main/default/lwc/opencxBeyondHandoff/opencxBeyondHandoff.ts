import { LightningElement, api } from 'lwc';
import sendVerdict from '@salesforce/apex/OpenCxVerdictController.sendVerdict';
import type { VerdictResult } from '@salesforce/apex/OpenCxVerdictController.sendVerdict';
import type { OpenCxConversation } from '@salesforce/apex/OpenCxSessionController.getConversation';
import { formatLabel } from 'c/opencxUtils';
import CONTINUED_FROM from '@salesforce/label/c.OpenCX_Beyond_Continued_From';
import EARLIER_CONVERSATION from '@salesforce/label/c.OpenCX_Beyond_Earlier_Conversation';
import TRACE_KEY_INHERITED from '@salesforce/label/c.OpenCX_Beyond_Trace_Key_Inherited';
import UNCHECKED_CLAIM from '@salesforce/label/c.OpenCX_Beyond_Unchecked_Claim';
import VERDICT_GROUP from '@salesforce/label/c.OpenCX_Beyond_Verdict_Group';
import VERDICT_STATUS from '@salesforce/label/c.OpenCX_Beyond_Verdict_Status';
import RESOLVED from '@salesforce/label/c.OpenCX_Beyond_Resolved';
import NOT_RESOLVED from '@salesforce/label/c.OpenCX_Beyond_Not_Resolved';
import SENDING from '@salesforce/label/c.OpenCX_Beyond_Sending';
import SENT_LABEL from '@salesforce/label/c.OpenCX_Beyond_Sent';
import ALREADY_SENT from '@salesforce/label/c.OpenCX_Beyond_Already_Sent';
import FAILED_RETRY_LATER from '@salesforce/label/c.OpenCX_Beyond_Failed_Retry_Later';
import FAILED_UNAUTHORIZED from '@salesforce/label/c.OpenCX_Beyond_Failed_Unauthorized';
import FAILED_NOT_FOUND from '@salesforce/label/c.OpenCX_Beyond_Failed_Not_Found';
import FAILED_NO_PERMISSION from '@salesforce/label/c.OpenCX_Beyond_Failed_No_Permission';
import FAILED_OTHER from '@salesforce/label/c.OpenCX_Beyond_Failed_Other';
import NOT_SENT_YET from '@salesforce/label/c.OpenCX_Beyond_Not_Sent_Yet';
import STATUS_OPEN from '@salesforce/label/c.OpenCX_Panel_Status_Open';
import STATUS_CLOSED_RESOLVED from '@salesforce/label/c.OpenCX_Panel_Status_Closed_Resolved';
import STATUS_CLOSED_UNRESOLVED from '@salesforce/label/c.OpenCX_Panel_Status_Closed_Unresolved';

export const RESOLVED_STATUS = 'closed_resolved';
export const UNRESOLVED_STATUS = 'closed_unresolved';

/** A Salesforce record id (15 or 18 characters): anything else is not linked. */
const RECORD_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** Record and Apex verdict states (picklist OpenCX_Verdict_Status__c), compared lower case. */
const SENT = 'sent';
const NOT_SENT_STATES = new Set(['failed', 'retrying']);

function isSent(status: string | null | undefined): boolean {
    return status?.toLowerCase() === SENT;
}

/** OpenCX answers the Apex keeps and sends again when the conversation ends. */
const RETRY_LATER = new Set([
    'RATE_LIMITED',
    'SERVER_ERROR',
    'TIMEOUT',
    'UNREACHABLE',
    'TIME_BUDGET'
]);

const STATUS_LABELS = new Map<string, string>([
    ['open', STATUS_OPEN],
    [RESOLVED_STATUS, STATUS_CLOSED_RESOLVED],
    [UNRESOLVED_STATUS, STATUS_CLOSED_UNRESOLVED]
]);

/** The status as the rep reads it; an unknown value as sent. */
export function statusLabel(status: string | null | undefined): string {
    if (!status) return '';
    return STATUS_LABELS.get(status) ?? status;
}

/** `Continued from {0}`: the text around the link. */
export function aroundPlaceholder(template: string): { before: string; after: string } {
    const at = template.indexOf('{0}');
    if (at < 0) return { before: `${template} `, after: '' };
    return { before: template.slice(0, at), after: template.slice(at + 3) };
}

function text(value: unknown): string | null {
    return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** What the rep reads after the verdict call answered. */
export function verdictMessage(result: VerdictResult): { text: string; isError: boolean } {
    const status = statusLabel(result.sessionStatus ?? result.verdict);
    if (isSent(result.verdictStatus)) {
        return {
            text: formatLabel(result.alreadySent ? ALREADY_SENT : SENT_LABEL, status),
            isError: false
        };
    }
    const failure = text(result.failure) ?? 'UNKNOWN';
    if (failure === 'UNAUTHORIZED') return { text: FAILED_UNAUTHORIZED, isError: true };
    if (failure === 'NOT_FOUND') return { text: FAILED_NOT_FOUND, isError: true };
    if (failure === 'NO_PERMISSION') return { text: FAILED_NO_PERMISSION, isError: true };
    const code = result.httpStatus ? `${failure}, HTTP ${result.httpStatus}` : failure;
    const template = RETRY_LATER.has(failure) ? FAILED_RETRY_LATER : FAILED_OTHER;
    return { text: formatLabel(template, code), isError: true };
}

interface ContinuationView {
    url: string | null;
    title: string;
    before: string;
    after: string;
}

/**
 * Inside the conversation panel (READY answers): the earlier conversation this one continues,
 * the warning when OpenCX's "verified" was not checked by Salesforce, and the rep's verdict for
 * OpenCX. Every value from the record or OpenCX is shown as text.
 */
export default class OpencxBeyondHandoff extends LightningElement {
    @api conversation?: OpenCxConversation;
    /** The MessagingSession the panel shows. */
    @api recordId?: string;

    labels = {
        traceKeyInherited: TRACE_KEY_INHERITED,
        uncheckedClaim: UNCHECKED_CLAIM,
        verdictGroup: VERDICT_GROUP,
        resolved: RESOLVED,
        notResolved: NOT_RESOLVED
    };
    sending = false;
    message = '';
    messageIsError = false;
    /** The status OpenCX has after this rep's verdict, until the next answer of the panel. */
    private sentStatus: string | null = null;

    get continuation(): ContinuationView | null {
        const continuation = this.conversation?.continuation;
        const fromId = text(continuation?.fromId);
        if (!continuation || !fromId) return null;
        const url = RECORD_ID.test(fromId) ? `/lightning/r/MessagingSession/${fromId}/view` : null;
        return {
            url,
            title: text(continuation.fromName) ?? EARLIER_CONVERSATION,
            ...aroundPlaceholder(CONTINUED_FROM)
        };
    }

    get traceKeyInherited(): boolean {
        return this.conversation?.continuation?.traceKeyInherited !== false;
    }

    get uncheckedClaim(): boolean {
        return this.conversation?.routing?.verifiedClaimUnchecked === true;
    }

    get canSend(): boolean {
        const conversation = this.conversation;
        return (
            conversation?.state === 'READY' &&
            Boolean(text(conversation.sessionId)) &&
            conversation.verdict?.canSend === true
        );
    }

    get currentStatus(): string | null {
        return this.sentStatus ?? text(this.conversation?.status);
    }

    get statusText(): string {
        const status = this.currentStatus;
        return status ? formatLabel(VERDICT_STATUS, statusLabel(status)) : '';
    }

    get resolvedPressed(): string {
        return String(this.currentStatus === RESOLVED_STATUS);
    }

    get unresolvedPressed(): string {
        return String(this.currentStatus === UNRESOLVED_STATUS);
    }

    /** The record says the last verdict has not reached OpenCX (failed, or a retry is queued). */
    get notSentYet(): string | null {
        const verdict = this.conversation?.verdict;
        if (this.sentStatus || !verdict) return null;
        if (!NOT_SENT_STATES.has(verdict.status?.toLowerCase() ?? '')) return null;
        return formatLabel(NOT_SENT_YET, text(verdict.detail) ?? text(verdict.status) ?? '');
    }

    get messageClass(): string {
        return this.messageIsError
            ? 'verdict-message slds-text-color_error'
            : 'verdict-message slds-text-color_success';
    }

    handleResolved(): Promise<void> {
        return this.send(RESOLVED_STATUS);
    }

    handleNotResolved(): Promise<void> {
        return this.send(UNRESOLVED_STATUS);
    }

    private async send(verdict: string): Promise<void> {
        if (this.sending || !this.recordId) return;
        this.sending = true;
        this.messageIsError = false;
        this.message = SENDING;
        try {
            const result = await sendVerdict({ messagingSessionId: this.recordId, verdict });
            const shown = verdictMessage(result ?? {});
            this.message = shown.text;
            this.messageIsError = shown.isError;
            if (!shown.isError) {
                this.sentStatus = text(result.sessionStatus) ?? verdict;
                // The panel reloads the OpenCX session, so its details show the new status too.
                this.dispatchEvent(new CustomEvent('verdictsent'));
            }
        } catch (error) {
            const payload = (error as { body?: { message?: unknown } } | null)?.body;
            this.message = formatLabel(FAILED_OTHER, text(payload?.message) ?? 'UNKNOWN');
            this.messageIsError = true;
        } finally {
            this.sending = false;
        }
    }
}

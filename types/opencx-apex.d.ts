// Apex methods the OpenCX console panel calls, with the shape of what they return. Salesforce
// provides these modules at runtime; jest mocks them (createApexTestWireAdapter).

declare module '@salesforce/apex/OpenCxSessionController.getConversation' {
    import type { WireAdapterConstructor } from 'lwc';

    /** Apex OpenCxConversation.Turn */
    export interface ConversationTurn {
        position: number;
        /** message | note | event */
        kind: string;
        /** visitor | ai | human_agent (other OpenCX sender types pass through) */
        author?: string | null;
        /** handoff | ai_resolved_issue | human_agent_joined | human_agent_takeover | ... */
        eventType?: string | null;
        text?: string | null;
        humanAgentId?: string | null;
        /** ISO 8601 */
        createdAt?: string | null;
    }

    /** Apex OpenCxConversation */
    export interface OpenCxConversation {
        /** READY | NO_SESSION | NOT_CONFIGURED | BUSY (OpenCX answered HTTP 429) */
        state: string;
        setupMessage?: string | null;
        sessionId?: string | null;
        sessionUrl?: string | null;
        consumerType?: string | null;
        priority?: string | null;
        channel?: string | null;
        language?: string | null;
        status?: string | null;
        contactName?: string | null;
        contactEmail?: string | null;
        summary?: string | null;
        sentiment?: string | null;
        createdAt?: string | null;
        updatedAt?: string | null;
        turns?: ConversationTurn[];
        historyPageCount?: number;
        transcriptTruncated?: boolean;
        /** OpenCX was too slow or failed after the first page: turns holds the pages before. */
        transcriptPartial?: boolean;
        /** TIME_BUDGET | TIMEOUT | RATE_LIMITED | SERVER_ERROR | UNREACHABLE | UNEXPECTED_STATUS */
        partialReason?: string | null;
        /** BUSY: seconds OpenCX asked to wait (Retry-After); null when it did not say. */
        retryAfterSeconds?: number | null;
        /** Answers (session, history pages) read from the org cache rather than from OpenCX. */
        cachedAnswers?: number;
        /** Apex OpenCxBeyondHandoff: continuity, routing flight recorder, verdict. */
        continuation?: ConversationContinuation | null;
        routing?: ConversationRouting | null;
        verdict?: ConversationVerdict | null;
    }

    /** Apex OpenCxBeyondHandoff.Continuation: this session continues an earlier one. */
    export interface ConversationContinuation {
        fromId?: string | null;
        fromName?: string | null;
        traceKeyInherited?: boolean;
    }

    /** Apex OpenCxBeyondHandoff.Routing: what the routing flow recorded. */
    export interface ConversationRouting {
        /** Rule_Matched | No_Value | No_Rule | Queue_Missing | Unverified_Claim | Lookup_Error | Stamping_Error */
        outcome?: string | null;
        decision?: string | null;
        routedAt?: string | null;
        /** Verified | Guest | Unknown */
        salesforceVerification?: string | null;
        verifiedClaimUnchecked?: boolean;
    }

    /** Apex OpenCxBeyondHandoff.Verdict */
    export interface ConversationVerdict {
        /** closed_resolved | closed_unresolved */
        verdict?: string | null;
        /** Sent | Retrying | Failed */
        status?: string | null;
        detail?: string | null;
        canSend?: boolean;
    }

    export interface GetConversationParams {
        messagingSessionId: string;
        /** true: read OpenCX, not the org cache (the panel's Refresh). */
        refresh?: boolean;
    }

    /** What @wire(getConversation) delivers: data or error, the other undefined. */
    export interface WiredConversation {
        data?: OpenCxConversation;
        error?: unknown;
    }

    type GetConversation = WireAdapterConstructor<GetConversationParams, WiredConversation> &
        ((params: GetConversationParams) => Promise<OpenCxConversation>);
    const getConversation: GetConversation;
    export default getConversation;
}

declare module '@salesforce/apex/OpenCxVerdictController.sendVerdict' {
    /** Apex OpenCxVerdictController.VerdictResult */
    export interface VerdictResult {
        verdict?: string | null;
        /** Sent | Failed */
        verdictStatus?: string | null;
        /** The OpenCX session status after the call, when known. */
        sessionStatus?: string | null;
        /** NO_PERMISSION | INVALID_VERDICT | NO_SESSION | RATE_LIMITED | UNAUTHORIZED | NOT_FOUND | ... */
        failure?: string | null;
        httpStatus?: number | null;
        alreadySent?: boolean;
    }

    export interface SendVerdictParams {
        messagingSessionId: string;
        /** closed_resolved | closed_unresolved */
        verdict: string;
    }

    const sendVerdict: (params: SendVerdictParams) => Promise<VerdictResult>;
    export default sendVerdict;
}

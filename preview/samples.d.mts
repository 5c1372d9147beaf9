// Types of preview/samples.mjs for the TypeScript that reads it (browser tests, benchmark).

/** Apex OpenCxConversation.Turn, as force-app/test/opencx-samples.js builds it. */
export interface PreviewTurn {
    position: number;
    kind: 'message' | 'note' | 'event';
    author: string | null;
    eventType: string | null;
    text: string | null;
    humanAgentId: string | null;
    createdAt: string | null;
}

/** Apex OpenCxConversation. */
export interface PreviewConversation {
    state: 'READY' | 'NO_SESSION' | 'NOT_CONFIGURED';
    setupMessage: string | null;
    sessionId: string | null;
    sessionUrl: string | null;
    consumerType: string | null;
    priority: string | null;
    channel: string | null;
    language: string | null;
    status: string | null;
    contactName: string | null;
    contactEmail: string | null;
    summary: string | null;
    sentiment: string | null;
    turns: PreviewTurn[];
    historyPageCount: number;
    transcriptTruncated: boolean;
    transcriptPartial: boolean;
    partialReason: string | null;
    retryAfterSeconds: number | null;
    cachedAnswers: number;
}

export type ApexAnswer = { data: PreviewConversation | null } | { error: { message: string } };

export interface PreviewSample {
    id: string;
    label: string;
    description: string;
    record: { apiName: string; id: string; name: string; fields: Record<string, unknown> };
    /** getConversation's answer on the 1st, 2nd, ... call; the last one repeats. */
    answers: ApexAnswer[];
}

export function buildSamples(): PreviewSample[];

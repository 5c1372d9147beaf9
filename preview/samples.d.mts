// Types of preview/samples.mjs for the TypeScript that reads it (browser tests, benchmark).

/// <reference path="../types/opencx-apex.d.ts" />
import type {
    OpenCxConversation,
    Turn
} from '@salesforce/apex/OpenCxSessionController.getConversation';

/**
 * Apex OpenCxConversation.Turn (types/opencx-apex.d.ts, generated from the Apex class), as
 * force-app/test/opencx-samples.js builds it: every field present, null when unset
 * (test/apex/panel-contract.test.ts holds the samples to that).
 */
export type PreviewTurn = { [K in keyof Turn]-?: Exclude<Turn[K], undefined> } & {
    position: number;
    kind: 'message' | 'note' | 'event';
};

/** Apex OpenCxConversation as the samples build it: every field present, null when unset. */
export type PreviewConversation = {
    [K in keyof OpenCxConversation]-?: Exclude<OpenCxConversation[K], undefined>;
} & {
    state: 'READY' | 'NO_SESSION' | 'NOT_CONFIGURED' | 'BUSY';
    turns: PreviewTurn[];
};

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

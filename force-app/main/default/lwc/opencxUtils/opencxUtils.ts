// Helpers and types the OpenCX components share (a service module: no template, not exposed).
// Components import it as `c/opencxUtils`, never from one another.
import type {
    OpenCxConversation,
    Turn
} from '@salesforce/apex/OpenCxSessionController.getConversation';

/**
 * A transcript turn as the panel checked it (opencxConversationPanel/answer.ts readConversation):
 * Apex may send any property as null, but a rendered turn has a numeric position (its key) and a
 * kind.
 */
export type ConversationTurn = Turn & { position: number; kind: string };

/** The Apex answer as the panel checked it: a state and a list of checked turns. */
export type CheckedConversation = Omit<OpenCxConversation, 'turns'> & {
    state: string;
    turns: ConversationTurn[];
};

/**
 * How scrollToTurn and scrollToEnd scroll. `movePage: false` scrolls the transcript region only:
 * the panel lands each answer that way, so the console page around it never moves (and the panel
 * need not read the page's scroll position, which forces a layout in the task of the answer).
 */
export interface TranscriptScrollOptions {
    movePage?: boolean;
}

/** The normalised URL when value is an absolute https URL; null otherwise. */
export function safeHttpsUrl(value: string | null | undefined): string | null {
    if (!value) return null;
    try {
        const url = new URL(value);
        return url.protocol === 'https:' && url.hostname ? url.href : null;
    } catch {
        return null;
    }
}

/** A label with `{0}`, `{1}` placeholders filled in (Salesforce labels have no format of their own). */
export function formatLabel(template: string, ...values: Array<string | number>): string {
    return template.replace(/\{(\d+)\}/g, (placeholder, index: string) => {
        const value = values[Number(index)];
        return value === undefined ? placeholder : String(value);
    });
}

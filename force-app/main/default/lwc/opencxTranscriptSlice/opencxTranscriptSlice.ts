import { LightningElement, api } from 'lwc';

/** A piece of message text: plain text, or an https link (the only links made live). */
export interface TextSegment {
    key: string;
    text: string;
    href: string | null;
}

/** One transcript turn, formatted for display (built by c-opencx-transcript). */
export interface TranscriptEntry {
    key: string;
    /** Apex OpenCxConversation.Turn.position, for scrolling to a turn. */
    position: number;
    isEvent: boolean;
    itemClass: string;
    label: string;
    timeIso: string;
    timeLabel: string;
    timeTitle: string;
    /** Plain message text (no live link in it); null for events and linked text. */
    text: string | null;
    /** Text with https links in it as segments; null otherwise (most messages have none). */
    segments: TextSegment[] | null;
}

/**
 * Up to 100 turns of the transcript. The parent adds one slice per browser task and never hands an
 * existing slice new entries, so each slice renders once: the cost of a transcript grows with its
 * length, not with its length squared. Off-screen slices skip layout and paint
 * (content-visibility: auto) but stay in the DOM, so Ctrl-F and screen readers reach every turn.
 */
export default class OpencxTranscriptSlice extends LightningElement {
    /** The formatted turns of this slice, in order. */
    @api entries: TranscriptEntry[] = [];

    /**
     * Distance in pixels from the top of the viewport to the turn at this position, or null when
     * the turn is not in this slice. The parent scrolls its region by it.
     */
    @api
    turnTop(position: number): number | null {
        const item = this.template?.querySelector(`li[data-position="${Number(position)}"]`);
        return item ? item.getBoundingClientRect().top : null;
    }
}

import { LightningElement, api } from 'lwc';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import type { ConversationTurn } from '@salesforce/apex/OpenCxSessionController.getConversation';

/** A piece of message text: plain text, or an https link (the only links made live). */
export interface TextSegment {
    key: string;
    text: string;
    href: string | null;
}

interface TranscriptEntry {
    key: string;
    isEvent: boolean;
    itemClass: string;
    label: string;
    timeIso: string;
    timeLabel: string;
    timeTitle: string;
    segments: TextSegment[];
}

// Candidates only: each one is parsed with URL and must come out as https.
const HTTPS_CANDIDATE = /https:\/\/[^\s<>"'`{}|\\^]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]]+$/;

/**
 * Splits untrusted text into text and https-link segments. Everything else (http:, javascript:,
 * data:, markup) stays text; the template renders segments as text nodes, never as HTML.
 */
export function segmentText(text: string | null | undefined): TextSegment[] {
    const source = text ?? '';
    const segments: TextSegment[] = [];
    const pushText = (value: string) => {
        if (value) segments.push({ key: `t${segments.length}`, text: value, href: null });
    };
    let cursor = 0;
    for (const match of source.matchAll(HTTPS_CANDIDATE)) {
        const start = match.index ?? 0;
        const candidate = match[0].replace(TRAILING_PUNCTUATION, '');
        const href = safeHttpsUrl(candidate);
        if (!href) continue;
        pushText(source.slice(cursor, start));
        segments.push({ key: `l${segments.length}`, text: candidate, href });
        cursor = start + candidate.length;
    }
    pushText(source.slice(cursor));
    return segments;
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

function createFormatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    try {
        return new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: TIME_ZONE });
    } catch {
        // An unknown locale or zone must not break the transcript.
        return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' });
    }
}

const AUTHOR_LABELS: Record<string, string> = {
    visitor: 'Visitor',
    ai: 'OpenCX AI',
    human_agent: 'Human agent'
};

function eventLabel(turn: ConversationTurn): string {
    const agent = turn.humanAgentId ? `Agent ${turn.humanAgentId}` : 'An agent';
    switch (turn.eventType) {
        case 'handoff':
            return 'AI handed the conversation off to a human';
        case 'human_agent_joined':
            return `${agent} joined`;
        case 'human_agent_takeover':
            return `${agent} took over from the AI`;
        case 'ai_resolved_issue':
            return 'AI marked the issue resolved';
        default:
            return `OpenCX event: ${turn.eventType ?? 'unknown'}`;
    }
}

function authorLabel(turn: ConversationTurn): string {
    if (turn.kind === 'note') {
        return turn.humanAgentId ? `Internal note, agent ${turn.humanAgentId}` : 'Internal note';
    }
    return AUTHOR_LABELS[turn.author ?? ''] ?? `Sender: ${turn.author ?? 'unknown'}`;
}

function authorClass(turn: ConversationTurn): string {
    if (turn.kind === 'note') return 'turn turn_note';
    if (turn.author === 'visitor') return 'turn turn_visitor';
    if (turn.author === 'ai') return 'turn turn_ai';
    if (turn.author === 'human_agent') return 'turn turn_agent';
    return 'turn turn_other';
}

/**
 * Chronological order. OpenCX returns history in order already; a stable sort guards against a
 * page that does not. An item without a time keeps its place after the item before it.
 */
export function orderTurns(turns: readonly ConversationTurn[]): ConversationTurn[] {
    let lastTime = Number.NEGATIVE_INFINITY;
    const keyed = turns.map((turn, index) => {
        const parsed = turn.createdAt ? Date.parse(turn.createdAt) : NaN;
        if (!Number.isNaN(parsed)) lastTime = parsed;
        return { turn, index, time: Number.isNaN(parsed) ? lastTime : parsed };
    });
    keyed.sort((a, b) => a.time - b.time || a.index - b.index);
    return keyed.map((entry) => entry.turn);
}

/**
 * Long transcripts render in slices, one browser task each, so the console stays responsive: the
 * first slice shows at once (a typical conversation fits in it), the rest follows in later tasks.
 */
export const FIRST_SLICE = 100;
export const SLICE = 100;

export default class OpencxTranscript extends LightningElement {
    /** Maximum height of the scrolling transcript in pixels; 0 means no limit. */
    @api height = 0;

    /** The entries rendered so far (all of them once the last slice is in). */
    entries: TranscriptEntry[] = [];
    private turnList: ConversationTurn[] = [];
    private ordered: ConversationTurn[] = [];
    private sliceTimer?: ReturnType<typeof setTimeout>;
    private readonly timeFormat = createFormatter({
        month: 'short',
        day: 'numeric',
        hour: 'numeric',
        minute: '2-digit'
    });
    private readonly fullTimeFormat = createFormatter({ dateStyle: 'full', timeStyle: 'long' });

    /** The transcript, as Apex OpenCxConversation.turns. */
    @api
    get turns(): ConversationTurn[] {
        return this.turnList;
    }
    set turns(value: ConversationTurn[] | null | undefined) {
        this.turnList = Array.isArray(value) ? value : [];
        // Built once per new transcript, not on every render: transcripts can be long.
        this.ordered = orderTurns(this.turnList);
        this.entries = this.ordered.slice(0, FIRST_SLICE).map((turn) => this.toEntry(turn));
        this.scheduleNextSlice();
    }

    override connectedCallback(): void {
        this.scheduleNextSlice();
    }

    override disconnectedCallback(): void {
        clearTimeout(this.sliceTimer);
        this.sliceTimer = undefined;
    }

    get isEmpty(): boolean {
        return this.ordered.length === 0;
    }

    /** "true" while later slices are still to come (assistive technology waits for them). */
    get ariaBusy(): string {
        return String(this.entries.length < this.ordered.length);
    }

    private scheduleNextSlice(): void {
        clearTimeout(this.sliceTimer);
        this.sliceTimer = undefined;
        if (this.entries.length >= this.ordered.length) return;
        // A macrotask, not a microtask: the browser paints and handles input between slices.
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.sliceTimer = setTimeout(() => {
            const start = this.entries.length;
            const next = this.ordered.slice(start, start + SLICE).map((turn) => this.toEntry(turn));
            this.entries = [...this.entries, ...next];
            this.scheduleNextSlice();
        }, 0);
    }

    get scrollStyle(): string {
        const height = Number(this.height);
        return height > 0 ? `max-height: ${Math.round(height)}px` : '';
    }

    private toEntry(turn: ConversationTurn): TranscriptEntry {
        const isEvent = turn.kind === 'event';
        const time = turn.createdAt ? new Date(turn.createdAt) : null;
        const validTime = time && !Number.isNaN(time.getTime()) ? time : null;
        return {
            key: `turn-${turn.position}`,
            isEvent,
            itemClass: isEvent ? 'turn turn_event' : authorClass(turn),
            label: isEvent ? eventLabel(turn) : authorLabel(turn),
            timeIso: validTime ? validTime.toISOString() : '',
            timeLabel: validTime ? this.timeFormat.format(validTime) : '',
            timeTitle: validTime ? this.fullTimeFormat.format(validTime) : '',
            segments: isEvent ? [] : segmentText(turn.text)
        };
    }
}

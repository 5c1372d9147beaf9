import { LightningElement, api } from 'lwc';
import LOCALE from '@salesforce/i18n/locale';
import TIME_ZONE from '@salesforce/i18n/timeZone';
import {
    formatLabel,
    safeHttpsUrl,
    type ConversationTurn,
    type TranscriptScrollOptions
} from 'c/opencxUtils';
// Every text is a Custom Label (labels/CustomLabels.labels-meta.xml; the panel's owner keeps the list).
import REGION_LABEL from '@salesforce/label/c.OpenCX_Transcript_Region';
import EMPTY_LABEL from '@salesforce/label/c.OpenCX_Transcript_Empty';
import VISITOR_LABEL from '@salesforce/label/c.OpenCX_Transcript_Visitor';
import AI_LABEL from '@salesforce/label/c.OpenCX_Transcript_AI';
import HUMAN_AGENT_LABEL from '@salesforce/label/c.OpenCX_Transcript_Human_Agent';
import SENDER_OTHER_LABEL from '@salesforce/label/c.OpenCX_Transcript_Sender_Other';
import UNKNOWN_LABEL from '@salesforce/label/c.OpenCX_Transcript_Unknown';
import NOTE_LABEL from '@salesforce/label/c.OpenCX_Transcript_Note';
import NOTE_BY_AGENT_LABEL from '@salesforce/label/c.OpenCX_Transcript_Note_By_Agent';
import AGENT_LABEL from '@salesforce/label/c.OpenCX_Transcript_Agent';
import AN_AGENT_LABEL from '@salesforce/label/c.OpenCX_Transcript_An_Agent';
import HANDOFF_LABEL from '@salesforce/label/c.OpenCX_Transcript_Handoff';
import AGENT_JOINED_LABEL from '@salesforce/label/c.OpenCX_Transcript_Agent_Joined';
import AGENT_TAKEOVER_LABEL from '@salesforce/label/c.OpenCX_Transcript_Agent_Takeover';
import AI_RESOLVED_LABEL from '@salesforce/label/c.OpenCX_Transcript_AI_Resolved';
import EVENT_OTHER_LABEL from '@salesforce/label/c.OpenCX_Transcript_Event_Other';
import type { TextSegment, TranscriptEntry } from 'c/opencxTranscriptSlice';

export type { TextSegment, TranscriptEntry };

/** What the template renders per slice: a c-opencx-transcript-slice that renders once. */
interface SliceView {
    key: string;
    /** Index in the ordered transcript of the slice's first turn. */
    start: number;
    entries: TranscriptEntry[];
    /** Estimated height until the slice is first laid out (content-visibility: auto). */
    style: string;
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

function createFormatter(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    try {
        return new Intl.DateTimeFormat(LOCALE, { ...options, timeZone: TIME_ZONE });
    } catch {
        // An unknown locale or zone must not break the transcript.
        return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' });
    }
}

/** The transcript's own texts, for its template (Custom Labels). */
export const TRANSCRIPT_LABELS = { region: REGION_LABEL, empty: EMPTY_LABEL } as const;

// A Map, not a plain object: a sender type such as `constructor` or `__proto__` shows as itself.
const AUTHOR_LABELS = new Map<string, string>([
    ['visitor', VISITOR_LABEL],
    ['ai', AI_LABEL],
    ['human_agent', HUMAN_AGENT_LABEL]
]);

function eventLabel(turn: ConversationTurn): string {
    const agent = turn.humanAgentId ? formatLabel(AGENT_LABEL, turn.humanAgentId) : AN_AGENT_LABEL;
    switch (turn.eventType) {
        case 'handoff':
            return HANDOFF_LABEL;
        case 'human_agent_joined':
            return formatLabel(AGENT_JOINED_LABEL, agent);
        case 'human_agent_takeover':
            return formatLabel(AGENT_TAKEOVER_LABEL, agent);
        case 'ai_resolved_issue':
            return AI_RESOLVED_LABEL;
        default:
            return formatLabel(EVENT_OTHER_LABEL, turn.eventType ?? UNKNOWN_LABEL);
    }
}

function authorLabel(turn: ConversationTurn): string {
    if (turn.kind === 'note') {
        return turn.humanAgentId ? formatLabel(NOTE_BY_AGENT_LABEL, turn.humanAgentId) : NOTE_LABEL;
    }
    const author = turn.author ?? '';
    return AUTHOR_LABELS.get(author) ?? formatLabel(SENDER_OTHER_LABEL, author || UNKNOWN_LABEL);
}

function authorClass(turn: ConversationTurn): string {
    if (turn.kind === 'note') return 'turn turn_note';
    if (turn.author === 'visitor') return 'turn turn_visitor';
    if (turn.author === 'ai') return 'turn turn_ai';
    if (turn.author === 'human_agent') return 'turn turn_agent';
    return 'turn turn_other';
}

/** Milliseconds of a turn's time; NaN when it has none or it does not parse. */
function timeOf(turn: ConversationTurn): number {
    return turn.createdAt ? Date.parse(turn.createdAt) : NaN;
}

/**
 * Chronological order. OpenCX returns history in order already; a stable sort guards against a
 * page that does not. An item without a time keeps its place after the item before it.
 */
export function orderTurns(turns: readonly ConversationTurn[]): ConversationTurn[] {
    let lastTime = Number.NEGATIVE_INFINITY;
    const keyed = turns.map((turn, index) => {
        const parsed = timeOf(turn);
        if (!Number.isNaN(parsed)) lastTime = parsed;
        return { turn, index, time: Number.isNaN(parsed) ? lastTime : parsed };
    });
    keyed.sort((a, b) => a.time - b.time || a.index - b.index);
    return keyed.map((entry) => entry.turn);
}

/**
 * Long transcripts render in slices, one browser task and one child component each, so the console
 * stays responsive and no slice renders twice: the first slice shows at once (more than a
 * transcript region holds), the rest follows in later tasks, appended after the ones before.
 * OpenCX sends history in order, so the order is checked slice by slice as they are built (no
 * pass over the whole transcript before the first turn shows); a turn out of order sorts the
 * whole transcript once and starts the slices over.
 */
export const FIRST_SLICE = 20;
export const SLICE = 100;
/** A turn's height in pixels before layout, for slices not yet near the viewport. */
const ESTIMATED_TURN_HEIGHT = 64;

/**
 * The prototype of every entry. LWC wraps a plain object or array passed through @api in a
 * read-only proxy, one per object the child reads; an instance of a class it hands over as it is.
 * 20,000 entries without 20,000 proxies: less heap and less work per slice.
 */
class EntryView {}

/** The @api of c-opencx-transcript-slice, as this component calls it. */
interface SliceElement {
    turnTop(position: number): number | null;
}

export default class OpencxTranscript extends LightningElement {
    labels = TRANSCRIPT_LABELS;

    /** Maximum height of the scrolling transcript in pixels; 0 means no limit. */
    @api height = 0;

    /** The slices rendered so far (all of them once the last one is in). */
    slices: SliceView[] = [];
    private renderedTurns = 0;
    /** Bumped per transcript, so a refreshed transcript gets new slices rather than re-renders. */
    private generation = 0;
    private turnList: ConversationTurn[] = [];
    /** The turns in chronological order as far as `checkedTurns`; past it, as OpenCX sent them. */
    private ordered: ConversationTurn[] = [];
    private checkedTurns = 0;
    private lastCheckedTime = Number.NEGATIVE_INFINITY;
    private sliceTimer?: ReturnType<typeof setTimeout>;
    /** Turn position to scroll to once its slice is in (see scrollToTurn). */
    private pendingScroll: {
        /** Apex Turn.position; null: the newest turn, once every slice is in. */
        position: number | null;
        /** False: scroll the region only, never the page (see ScrollOptions). */
        movePage: boolean;
        resolve: (found: boolean) => void;
    } | null = null;
    /**
     * Turn position → index in `ordered`, for the turns rendered so far: a scroll finds its slice
     * without a pass over the whole transcript in the task that shows the first turn.
     */
    private renderedIndex = new Map<number, number>();
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
        this.ordered = this.turnList;
        this.checkedTurns = 0;
        this.lastCheckedTime = Number.NEGATIVE_INFINITY;
        this.settlePendingScroll(false);
        this.restartSlices();
        this.scheduleNextSlice();
    }

    override connectedCallback(): void {
        this.scheduleNextSlice();
    }

    override disconnectedCallback(): void {
        clearTimeout(this.sliceTimer);
        this.sliceTimer = undefined;
    }

    override renderedCallback(): void {
        if (this.pendingScroll) this.tryPendingScroll();
    }

    get isEmpty(): boolean {
        return this.ordered.length === 0;
    }

    /** "true" while later slices are still to come (assistive technology waits for them). */
    get ariaBusy(): string {
        return String(this.renderedTurns < this.ordered.length);
    }

    get scrollStyle(): string {
        const height = Number(this.height);
        return height > 0 ? `max-height: ${Math.round(height)}px` : '';
    }

    // Public API of this component, used by c-opencx-conversation-panel: it opens each answer at
    // handoffPosition (or scrollToEnd without a handoff) and its Start / Handoff / Latest buttons
    // call scrollToStart, scrollToTurn(handoffPosition) and scrollToEnd. Keep these four, with
    // these names and meanings, in any rewrite (the panel's jest and e2e tests rely on them).

    /** Scrolls the transcript to its first turn. */
    @api
    scrollToStart(): void {
        const region = this.region();
        if (region) region.scrollTop = 0;
    }

    /** Scrolls to the newest turn, once every slice is in. Resolves false when there is none. */
    @api
    scrollToEnd(options?: TranscriptScrollOptions): Promise<boolean> {
        return this.waitAndScroll(null, options);
    }

    /** Position of the last handoff event, or null when the AI never handed off. */
    @api
    get handoffPosition(): number | null {
        this.ensureOrdered();
        for (let index = this.ordered.length - 1; index >= 0; index--) {
            const turn = this.ordered[index];
            if (turn.kind === 'event' && turn.eventType === 'handoff') return turn.position;
        }
        return null;
    }

    /**
     * Scrolls so that the turn with this position (Apex Turn.position) is at the top, waiting for
     * its slice when it is not rendered yet. Resolves true once scrolled, false when the turn is
     * not in the transcript or a new transcript replaced this one first.
     */
    @api
    scrollToTurn(position: number, options?: TranscriptScrollOptions): Promise<boolean> {
        return this.waitAndScroll(Number(position), options);
    }

    private waitAndScroll(
        position: number | null,
        options: TranscriptScrollOptions | undefined
    ): Promise<boolean> {
        this.settlePendingScroll(false);
        if (this.ordered.length === 0) return Promise.resolve(false);
        const movePage = options?.movePage !== false;
        return new Promise((resolve) => {
            this.pendingScroll = { position, movePage, resolve };
            this.tryPendingScroll();
        });
    }

    private tryPendingScroll(): void {
        const pending = this.pendingScroll;
        const region = this.region();
        if (!pending || !region) return;
        // Every slice is in (and the order checked to the end): the newest turn is known, and a
        // position not rendered by now is not in the transcript.
        const complete = this.renderedTurns >= this.ordered.length;
        const position = pending.position ?? (complete ? this.ordered.at(-1)?.position : null);
        if (position === null || position === undefined) return;
        const index = this.renderedIndex.get(position);
        if (index === undefined) {
            if (complete) this.settlePendingScroll(false);
            return;
        }
        // Once per slice render while waiting: one slice asked, not all of them (that was
        // quadratic on a long transcript). Null until the slice's DOM is in: the next render.
        const top = this.sliceAt(index)?.turnTop(position) ?? null;
        if (top === null) return;
        this.scrollRegionBy(region, top, pending.movePage);
        this.settlePendingScroll(true);
        this.realignAfterLayout(position, index, 3);
    }

    /** The rendered slice component holding the turn at this index of `ordered`, if any. */
    private sliceAt(index: number): SliceElement | null {
        const view = this.slices.find(
            (slice) => slice.start <= index && index < slice.start + slice.entries.length
        );
        if (!view) return null;
        const selector = `c-opencx-transcript-slice[data-start="${view.start}"]`;
        return (this.template?.querySelector(selector) as unknown as SliceElement | null) ?? null;
    }

    /**
     * Slices off screen have estimated heights (content-visibility: auto) until the browser lays
     * them out, which it does once they come near the viewport, i.e. right after the scroll: the
     * target then moves. Align it again on the next frames (added for the panel's jump controls:
     * "Latest" must reach the end).
     */
    private realignAfterLayout(position: number, index: number, frames: number): void {
        if (frames <= 0 || typeof requestAnimationFrame !== 'function') return;
        // eslint-disable-next-line @lwc/lwc/no-async-operation -- after the browser's layout
        requestAnimationFrame(() => {
            const region = this.region();
            if (!region || region.scrollHeight <= region.clientHeight) return;
            const top = this.sliceAt(index)?.turnTop(position) ?? null;
            if (top === null) return;
            const offset = top - region.getBoundingClientRect().top;
            if (Math.abs(offset) > 1) region.scrollTop += offset;
            this.realignAfterLayout(position, index, frames - 1);
        });
    }

    /**
     * Scrolls the region by top - its own top. A region that does not scroll holds every turn in
     * view of the page already: the page moves only when asked to (a jump control), not when the
     * panel lands an answer.
     */
    private scrollRegionBy(region: HTMLElement, top: number, movePage: boolean): void {
        if (region.scrollHeight > region.clientHeight) {
            region.scrollTop += top - region.getBoundingClientRect().top;
        } else if (movePage && typeof window !== 'undefined') {
            window.scrollBy(0, top);
        }
    }

    private settlePendingScroll(found: boolean): void {
        const pending = this.pendingScroll;
        this.pendingScroll = null;
        if (pending) pending.resolve(found);
    }

    private region(): HTMLElement | null {
        return this.template?.querySelector<HTMLElement>('.transcript') ?? null;
    }

    private restartSlices(): void {
        this.generation += 1;
        this.slices = [];
        this.renderedTurns = 0;
        this.renderedIndex.clear();
        this.appendSlice(FIRST_SLICE);
    }

    /**
     * Makes sure `ordered` is chronological up to `end`. Returns false when a turn out of order
     * made it sort the whole transcript and the turns already rendered are no longer the first.
     */
    private checkOrder(end: number): boolean {
        const stop = Math.min(end, this.ordered.length);
        for (let index = this.checkedTurns; index < stop; index++) {
            const time = timeOf(this.ordered[index]);
            if (Number.isNaN(time)) continue;
            if (time < this.lastCheckedTime) return this.sortAll();
            this.lastCheckedTime = time;
        }
        this.checkedTurns = Math.max(this.checkedTurns, stop);
        return true;
    }

    /** The whole transcript in order (for a scroll target); renders anew if that moved turns. */
    private ensureOrdered(): void {
        if (!this.checkOrder(this.ordered.length)) {
            this.restartSlices();
            this.scheduleNextSlice();
        }
    }

    private sortAll(): boolean {
        const before = this.ordered;
        this.ordered = orderTurns(this.turnList);
        this.checkedTurns = this.ordered.length;
        for (let index = 0; index < this.renderedTurns; index++) {
            if (before[index] !== this.ordered[index]) return false;
        }
        return true;
    }

    /** Formats the next `count` turns into a new slice; existing slices keep their entries. */
    private appendSlice(count: number): void {
        if (!this.checkOrder(this.renderedTurns + count)) {
            this.restartSlices();
            return;
        }
        const start = this.renderedTurns;
        const turns = this.ordered.slice(start, start + count);
        if (turns.length === 0) return;
        const entries = turns.map((turn, offset) => {
            this.renderedIndex.set(turn.position, start + offset);
            return this.toEntry(turn);
        });
        this.renderedTurns = start + entries.length;
        this.slices = [
            ...this.slices,
            {
                key: `slice-${this.generation}-${start}`,
                start,
                entries,
                style: `contain-intrinsic-block-size: auto ${entries.length * ESTIMATED_TURN_HEIGHT}px`
            }
        ];
    }

    private scheduleNextSlice(): void {
        clearTimeout(this.sliceTimer);
        this.sliceTimer = undefined;
        if (this.renderedTurns >= this.ordered.length) return;
        // A macrotask, not a microtask: the browser paints and handles input between slices.
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.sliceTimer = setTimeout(() => {
            this.appendSlice(SLICE);
            this.scheduleNextSlice();
        }, 0);
    }

    private toEntry(turn: ConversationTurn): TranscriptEntry {
        const isEvent = turn.kind === 'event';
        const time = turn.createdAt ? new Date(turn.createdAt) : null;
        const validTime = time && !Number.isNaN(time.getTime()) ? time : null;
        const segments = isEvent ? [] : segmentText(turn.text);
        // Plain text (most messages) renders as one text node, without a segment list.
        const linked = segments.some((segment) => segment.href !== null);
        return Object.assign(new EntryView(), {
            key: `turn-${turn.position}`,
            position: turn.position,
            isEvent,
            itemClass: isEvent ? 'turn turn_event' : authorClass(turn),
            label: isEvent ? eventLabel(turn) : authorLabel(turn),
            timeIso: validTime ? validTime.toISOString() : '',
            timeLabel: validTime ? this.timeFormat.format(validTime) : '',
            timeTitle: validTime ? this.fullTimeFormat.format(validTime) : '',
            text: isEvent || linked ? null : (turn.text ?? ''),
            segments: linked ? segments : null
        });
    }
}

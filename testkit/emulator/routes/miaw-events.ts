// The emulator's own writer for the MIAW event stream (GET /eventrouter/v1/sse). It is written
// from what Salesforce's event router is seen to send, not from the client's parser, so the
// rehearsal's parser (scripts/handoff/sse.ts) is tested against a second, independent reading.
//
// What public code shows about the bytes (no raw capture of the stream is public):
// - Every conversation event carries an `id` (Salesforce's sample app stores `event.lastEventId`
//   after every event and resumes with `Last-Event-ID`), an `event` name (CONVERSATION_MESSAGE,
//   CONVERSATION_ROUTING_RESULT, ...: the sample app's addEventListener names) and one `data` line
//   of JSON (the sample app JSON.parses `event.data`; proxies of the stream split on "\n\n" and
//   forward the single `data:` line of each event).
// - Proxies written against the real stream match `line.startsWith('id:')` and
//   `line.startsWith('event:')`: the field separator is the bare colon. Where the spacing is not
//   pinned we write no space after the colon, the form the WHATWG parser must handle beyond the
//   `field: value` form the client's old writer produced.
// - Keep-alives are events named `ping` (a third-party integration filters `ping` from the
//   event names it forwards), so they carry a data line (an event without data is never
//   dispatched) and no id (a keep-alive must not move Last-Event-Id). Their payload is not
//   public: the emulator sends `{}`, and the client must ignore it whatever it holds.
// - Lines end in LF.

export interface WireEvent {
    id: number | string;
    /** CONVERSATION_MESSAGE, CONVERSATION_ROUTING_RESULT, ... */
    type: string;
    /** The JSON document, already serialized (one line: JSON.stringify never emits a newline). */
    data: string;
}

/** One conversation event, as the event router writes it. */
export function salesforceEvent(event: WireEvent): string {
    if (/[\r\n]/.test(event.data)) {
        throw new Error('the event router writes one data line: serialize the data as JSON');
    }
    return `id:${event.id}\nevent:${event.type}\ndata:${event.data}\n\n`;
}

/** The keep-alive the event router sends on an idle stream. */
export function salesforcePing(): string {
    return 'event:ping\ndata:{}\n\n';
}

/** How often the emulator pings an idle stream (a test may shorten it). */
export const DEFAULT_PING_INTERVAL_MS = 15_000;

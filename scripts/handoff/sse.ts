// Incremental parser for a text/event-stream body, per the WHATWG "server-sent events" rules:
// lines end in CRLF, LF or CR; `event`, `data`, `id` and `retry` fields; lines starting with ':'
// are comments (Salesforce's event router sends keep-alives); a blank line dispatches the event.
//
// It is fed raw chunks exactly as they come off the socket, so a chunk may end anywhere: inside a
// field name, inside a multi-byte UTF-8 character or between the CR and LF of one line break. The
// last event id survives across connections (pass it back in), which is what a reconnect with
// `Last-Event-Id` needs.

export interface ServerSentEvent {
    /** The `event:` field; 'message' when the server sent none. */
    type: string;
    /** The `data:` lines joined with '\n'. */
    data: string;
    /** The last event id in effect when this event was dispatched ('' when none was ever sent). */
    lastEventId: string;
}

export class ServerSentEventParser {
    private readonly decoder = new TextDecoder('utf-8');
    private buffer = '';
    private pendingCarriageReturn = false;
    private sawFirstChunk = false;
    private eventType = '';
    private dataLines: string[] = [];
    private hasData = false;
    /** Milliseconds the server asked clients to wait before reconnecting (`retry:`), if sent. */
    retryMs: number | undefined;

    constructor(public lastEventId = '') {}

    /** Feeds one chunk; returns the events it completed, in order. */
    push(chunk: Uint8Array | string): ServerSentEvent[] {
        let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
        if (!this.sawFirstChunk && text.length > 0) {
            this.sawFirstChunk = true;
            if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        }
        // A CR that ended the previous chunk already closed its line; a LF right after it belongs
        // to the same line break.
        if (this.pendingCarriageReturn && text.startsWith('\n')) text = text.slice(1);
        this.pendingCarriageReturn = false;
        this.buffer += text;

        const events: ServerSentEvent[] = [];
        let start = 0;
        for (let index = 0; index < this.buffer.length; index += 1) {
            const char = this.buffer[index];
            if (char !== '\n' && char !== '\r') continue;
            const line = this.buffer.slice(start, index);
            if (char === '\r') {
                if (index + 1 === this.buffer.length) this.pendingCarriageReturn = true;
                else if (this.buffer[index + 1] === '\n') index += 1;
            }
            start = index + 1;
            const event = this.processLine(line);
            if (event) events.push(event);
        }
        this.buffer = this.buffer.slice(start);
        return events;
    }

    /** Ends the stream: an event without its closing blank line is dropped, as the spec says. */
    end(): void {
        this.buffer = '';
        this.pendingCarriageReturn = false;
        this.resetEvent();
    }

    private processLine(line: string): ServerSentEvent | null {
        if (line === '') return this.dispatch();
        if (line.startsWith(':')) return null;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        switch (field) {
            case 'event':
                this.eventType = value;
                break;
            case 'data':
                this.dataLines.push(value);
                this.hasData = true;
                break;
            case 'id':
                if (!value.includes('\u0000')) this.lastEventId = value;
                break;
            case 'retry':
                if (/^\d+$/.test(value)) this.retryMs = Number(value);
                break;
            default:
                break;
        }
        return null;
    }

    private dispatch(): ServerSentEvent | null {
        if (!this.hasData) {
            this.resetEvent();
            return null;
        }
        const event: ServerSentEvent = {
            type: this.eventType || 'message',
            data: this.dataLines.join('\n'),
            lastEventId: this.lastEventId
        };
        this.resetEvent();
        return event;
    }

    private resetEvent(): void {
        this.eventType = '';
        this.dataLines = [];
        this.hasData = false;
    }
}

// The AI-to-visitor transcript the rehearsal attaches after the first message. OpenCX documents
// that "the full AI-to-visitor transcript [is] attached to the conversation" but not how; our
// reading: end-user text messages, one line per turn ("Visitor: …", "AI: …"), packed into as few
// messages as fit under MAX_MESSAGE_CHARS so the rep reads it in order.
import { readFileSync, statSync } from 'node:fs';

export interface TranscriptLine {
    speaker: string;
    text: string;
}

/** Conservative per-message size; MIAW's exact limit for static text is not documented. */
export const MAX_MESSAGE_CHARS = 4000;

/**
 * The largest transcript file read: 1 MiB is about 250 messages of MAX_MESSAGE_CHARS, far more
 * than an AI conversation before a handoff and more than a rep scrolls through.
 */
export const MAX_TRANSCRIPT_BYTES = 1024 * 1024;

const SPEAKER_BY_SENDER: Record<string, string> = {
    contact: 'Visitor',
    ai: 'AI',
    human_agent: 'Agent'
};

/**
 * Reads a transcript file: either plain text (one turn per line, "Speaker: text"; a line without
 * a speaker is the visitor's) or OpenCX's chat history JSON (GET /chat/sessions/{id}/history:
 * {items: [{event: {type: 'message', sender: {type}, content: {text}}}]}).
 */
export function readTranscriptFile(path: string): TranscriptLine[] {
    let bytes: Buffer;
    try {
        const size = statSync(path).size;
        if (size > MAX_TRANSCRIPT_BYTES) {
            throw new Error(
                `The transcript ${path} is ${(size / 1024 / 1024).toFixed(1)} MiB, larger than the 1 MiB limit: pass the last part of the conversation.`
            );
        }
        bytes = readFileSync(path);
    } catch (error) {
        const message = (error as Error).message;
        throw new Error(
            message.startsWith('The transcript')
                ? message
                : `Cannot read the transcript ${path}: ${message}`
        );
    }
    const raw = textContent(bytes, path);
    const lines = raw.trimStart().startsWith('{')
        ? parseHistoryJson(raw, path)
        : parseTextTranscript(raw);
    if (lines.length === 0) throw new Error(`The transcript ${path} has no messages.`);
    return lines;
}

/** The file as UTF-8 text; a binary file (NUL bytes, invalid UTF-8, control codes) is refused. */
function textContent(bytes: Buffer, path: string): string {
    const refuse = (why: string) =>
        new Error(
            `The transcript ${path} is not a text file (${why}): pass UTF-8 text or OpenCX chat history JSON.`
        );
    const nul = bytes.indexOf(0);
    if (nul !== -1) throw refuse(`a NUL byte at offset ${nul}`);
    let text: string;
    try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
        throw refuse('it is not valid UTF-8');
    }
    // eslint-disable-next-line no-control-regex -- control codes are what marks a binary file
    const control = text.search(/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
    if (control !== -1) throw refuse(`a control character at offset ${control}`);
    return text.startsWith('\ufeff') ? text.slice(1) : text;
}

export function parseTextTranscript(raw: string): TranscriptLine[] {
    return raw
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0)
        .map((line) => {
            const match = /^([A-Za-z][\w ]{0,30}):\s+(.*)$/.exec(line);
            return match
                ? { speaker: match[1], text: match[2] }
                : { speaker: 'Visitor', text: line };
        });
}

function parseHistoryJson(raw: string, path: string): TranscriptLine[] {
    let parsed: { items?: { event?: Record<string, unknown> }[] };
    try {
        parsed = JSON.parse(raw) as typeof parsed;
    } catch (error) {
        throw new Error(`The transcript ${path} is not valid JSON: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed.items)) {
        throw new Error(
            `The transcript ${path} is JSON but not OpenCX chat history (no "items" array).`
        );
    }
    const out: TranscriptLine[] = [];
    for (const item of parsed.items) {
        const event = item.event as
            { type?: string; sender?: { type?: string }; content?: { text?: string } } | undefined;
        if (event?.type !== 'message' || typeof event.content?.text !== 'string') continue;
        const speaker = SPEAKER_BY_SENDER[event.sender?.type ?? ''] ?? 'Visitor';
        out.push({ speaker, text: event.content.text });
    }
    return out;
}

/** Packs the transcript into messages of at most `maxChars`, never splitting a turn if it fits. */
export function transcriptMessages(
    lines: TranscriptLine[],
    maxChars = MAX_MESSAGE_CHARS
): string[] {
    const header = 'Transcript from OpenCX (AI and visitor, before the handoff):';
    const messages: string[] = [];
    let current = header;
    for (const line of lines) {
        let turn = `${line.speaker}: ${line.text}`;
        if (current.length + 1 + turn.length <= maxChars) {
            current += `\n${turn}`;
            continue;
        }
        if (current) messages.push(current);
        current = '';
        while (turn.length > maxChars) {
            messages.push(turn.slice(0, maxChars));
            turn = turn.slice(maxChars);
        }
        current = turn;
    }
    if (current) messages.push(current);
    return messages;
}

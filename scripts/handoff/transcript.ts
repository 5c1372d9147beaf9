// The AI-to-visitor transcript the rehearsal attaches after the first message. OpenCX documents
// that "the full AI-to-visitor transcript [is] attached to the conversation" but not how; our
// reading: end-user text messages, one line per turn ("Visitor: …", "AI: …"), packed into as few
// messages as fit under MAX_MESSAGE_CHARS so the rep reads it in order.
import { readFileSync } from 'node:fs';

export interface TranscriptLine {
    speaker: string;
    text: string;
}

/** Conservative per-message size; MIAW's exact limit for static text is not documented. */
export const MAX_MESSAGE_CHARS = 4000;

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
    let raw: string;
    try {
        raw = readFileSync(path, 'utf8');
    } catch (error) {
        throw new Error(`Cannot read the transcript ${path}: ${(error as Error).message}`);
    }
    const lines = raw.trimStart().startsWith('{')
        ? parseHistoryJson(raw, path)
        : parseTextTranscript(raw);
    if (lines.length === 0) throw new Error(`The transcript ${path} has no messages.`);
    return lines;
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

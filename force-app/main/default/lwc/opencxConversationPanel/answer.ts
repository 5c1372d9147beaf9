import type { CheckedConversation, ConversationTurn } from 'c/opencxUtils';

/** Text fields of OpenCxConversation: absent, null or a string. */
const TEXT_FIELDS = [
    'setupMessage',
    'sessionId',
    'sessionUrl',
    'consumerType',
    'priority',
    'channel',
    'language',
    'status',
    'contactName',
    'contactEmail',
    'summary',
    'sentiment',
    'createdAt',
    'updatedAt'
] as const;

/** Text fields of OpenCxConversation.Turn. */
const TURN_TEXT_FIELDS = ['author', 'eventType', 'text', 'humanAgentId', 'createdAt'] as const;

/**
 * The Apex answer as the panel may rely on it, or null when it is outside the contract of
 * OpenCxSessionController.getConversation (OpenCxConversation): null, not an object, an unknown
 * state, a READY answer without a session id or a turn list, a turn that is not a turn, a text
 * field that is not text. The panel then tells the rep so and offers Retry, rather than an
 * endless spinner or an empty card.
 */
export function readConversation(data: unknown): CheckedConversation | null {
    if (!isRecord(data)) return null;
    if (!TEXT_FIELDS.every((field) => isOptionalText(data[field]))) return null;
    switch (data.state) {
        case 'NO_SESSION':
        case 'NOT_CONFIGURED':
        case 'BUSY':
            return { ...(data as unknown as CheckedConversation), turns: [] };
        case 'READY':
            return readReady(data);
        default:
            return null;
    }
}

function readReady(data: Record<string, unknown>): CheckedConversation | null {
    if (typeof data.sessionId !== 'string' || !data.sessionId.trim()) return null;
    if (!Array.isArray(data.turns)) return null;
    const positions = new Set<number>();
    for (const turn of data.turns as unknown[]) {
        if (!isTurn(turn) || positions.has(turn.position)) return null;
        positions.add(turn.position);
    }
    const pages = data.historyPageCount;
    if (pages !== undefined && pages !== null && !Number.isFinite(pages)) return null;
    return data as unknown as CheckedConversation;
}

/** A turn the transcript can render: a unique numeric position (its key) and a kind. */
function isTurn(value: unknown): value is ConversationTurn {
    if (!isRecord(value)) return false;
    if (typeof value.position !== 'number' || !Number.isFinite(value.position)) return false;
    if (typeof value.kind !== 'string' || !value.kind) return false;
    return TURN_TEXT_FIELDS.every((field) => isOptionalText(value[field]));
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOptionalText(value: unknown): boolean {
    return value === undefined || value === null || typeof value === 'string';
}

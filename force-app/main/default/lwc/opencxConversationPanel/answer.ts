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
    if (!Array.isArray(data.turns) || !hasUniquePositions(data.turns as unknown[])) return null;
    const pages = data.historyPageCount;
    if (pages !== undefined && pages !== null && !Number.isFinite(pages)) return null;
    return data as unknown as CheckedConversation;
}

/**
 * Every item is a turn, each with its own position. One indexed pass without a callback per turn
 * (20,000 turns arrive in one task); positions rise in the order OpenCX sends them, so a Set is
 * built only once one does not.
 */
function hasUniquePositions(turns: readonly unknown[]): boolean {
    let seen: Set<number> | null = null;
    let previous = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < turns.length; index++) {
        const turn = turns[index];
        if (!isTurn(turn)) return false;
        const { position } = turn;
        if (!seen && position > previous) {
            previous = position;
            continue;
        }
        seen ??= new Set(
            turns.slice(0, index).map((earlier) => (earlier as ConversationTurn).position)
        );
        if (seen.has(position)) return false;
        seen.add(position);
    }
    return true;
}

/**
 * A turn the transcript can render: a numeric position (its key), a kind, and the text fields of
 * OpenCxConversation.Turn as text or nothing. Written out field by field: it runs 20,000 times in
 * the task that receives a long answer.
 */
function isTurn(value: unknown): value is ConversationTurn {
    if (!isRecord(value)) return false;
    if (typeof value.position !== 'number' || !Number.isFinite(value.position)) return false;
    if (typeof value.kind !== 'string' || !value.kind) return false;
    return (
        isOptionalText(value.author) &&
        isOptionalText(value.eventType) &&
        isOptionalText(value.text) &&
        isOptionalText(value.humanAgentId) &&
        isOptionalText(value.createdAt)
    );
}

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOptionalText(value: unknown): boolean {
    return value === undefined || value === null || typeof value === 'string';
}

type DataCallback = (value: { data?: unknown; error?: unknown }) => void;

export class getRecord {
    constructor(dataCallback: DataCallback);
    connect(): void;
    disconnect(): void;
    update(config: Record<string, unknown>): void;
}

export function getFieldValue(record: unknown, field: unknown): unknown;
export function getFieldDisplayValue(record: unknown, field: unknown): unknown;

type DataCallback = (value: { data?: unknown; error?: unknown }) => void;

export interface PreviewApexMethod {
    (params?: unknown): Promise<unknown>;
    adapter: new (dataCallback: DataCallback) => {
        connect(): void;
        disconnect(): void;
        update(config: unknown): void;
    };
}

export function apexMethod(name: string): PreviewApexMethod;
export function refreshApex(wiredValue: unknown): Promise<unknown>;
export function getSObjectValue(sObject: unknown, field: unknown): unknown;

export interface StoreSample {
    id: string;
    record: { apiName: string; id: string; fields: Record<string, unknown> };
    apex: Record<string, (params: unknown, callNumber: number) => unknown>;
}

export function setSample(sample: StoreSample): void;
export function setLatency(milliseconds: number | string): void;
export function prepareAnswers(answers: readonly unknown[]): void;
export function callLog(): { kind: string; name: string; params: unknown }[];
export function apexError(
    message: string,
    status?: number
): { body: { message: string }; ok: false; status: number; statusText: string };

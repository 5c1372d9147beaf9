// Metadata API (SOAP) CRUD calls for types jsforce's typings do not list yet (PublicKeyCertificate,
// PublicKeyCertificateSet: API 62.0+). jsforce sends them the same way; only the type name is cast.
import type { Connection } from 'jsforce';

export interface MetadataSaveResult {
    success: boolean | string;
    created?: boolean | string;
    fullName: string;
    errors?: { message: string; statusCode: string } | { message: string; statusCode: string }[];
}

/** Reads components by full name; a name that does not exist comes back without fullName. */
export async function readMetadata<T extends { fullName?: string }>(
    conn: Connection,
    type: string,
    fullNames: string[]
): Promise<T[]> {
    return (await conn.metadata.read(type as never, fullNames)) as unknown as T[];
}

/** Creates or replaces one component (all of its fields: pass what the org has plus the change). */
export async function upsertMetadata(
    conn: Connection,
    type: string,
    component: { fullName: string } & Record<string, unknown>
): Promise<MetadataSaveResult> {
    return (await conn.metadata.upsert(
        type as never,
        component as never
    )) as unknown as MetadataSaveResult;
}

/** Throws when a save result is not a success, naming the component and the platform's errors. */
export function assertSaved(result: MetadataSaveResult, type: string): void {
    if (result.success === true || result.success === 'true') return;
    const errors = (
        Array.isArray(result.errors) ? result.errors : result.errors ? [result.errors] : []
    )
        .map((error) => `${error.statusCode}: ${error.message}`)
        .join('; ');
    throw new Error(`saving ${type} ${result.fullName} failed: ${errors || 'no detail given'}`);
}

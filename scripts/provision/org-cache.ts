// Step 6, org cache: 1 MB of org Platform Cache for the partition OpenCX, which OpenCxApiClient keeps
// OpenCX's answers in (docs/panel-scale.md). force-app ships the partition with no cache, so the
// deploy never fails on an org without free capacity (Developer Edition orgs have none unless trial
// capacity is requested); this step reads the partition (readMetadata) and, when it has no org cache,
// saves it with 1 MB (upsertMetadata). An org without free capacity refuses; that is a warning, not
// a failure: the panel works without the cache. The refusal is recorded
// (<state dir>/<org id>/org-cache.json) so a rerun writes nothing; --retry-cache asks again.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Connection } from 'jsforce';
import { writeFileAtomic } from '../lib/atomic-file.ts';
import { readMetadata, upsertMetadata, type MetadataSaveResult } from '../lib/metadata-api.ts';
import type { Check, ProvisionContext, Step, StepPlan, StepResult } from './context.ts';

/** The partition force-app ships (cachePartitions/OpenCX), as OpenCxApiClient names it: local.OpenCX. */
export const CACHE_PARTITION = 'OpenCX';
/** What provisioning allocates: 1 MB of org cache holds about 45 history pages. */
export const ORG_CACHE_MB = 1;

const PARTITION_TYPE = 'PlatformCachePartition';
const WORKS_WITHOUT = 'the panel works without the cache (it calls OpenCX on every open)';
export const ORG_CACHE_FIX = `Setup → Platform Cache → Request Trial Capacity (or buy cache) if the org has none free, then Edit partition ${CACHE_PARTITION} → Org Cache Allocation ${ORG_CACHE_MB} MB (or run npm run provision -- --retry-cache once the org has free capacity)`;

type Field = string | number | boolean | null | undefined;

interface PartitionType {
    allocatedCapacity?: Field;
    allocatedPartnerCapacity?: Field;
    allocatedPurchasedCapacity?: Field;
    allocatedTrialCapacity?: Field;
    cacheType?: Field;
}

export interface PartitionRecord {
    fullName?: string;
    description?: Field;
    isDefaultPartition?: Field;
    masterLabel?: Field;
    platformCachePartitionTypes?: PartitionType | PartitionType[];
}

export interface CacheRefusal {
    refusedAt: string;
    message: string;
}

function typesOf(partition: PartitionRecord): PartitionType[] {
    const types = partition.platformCachePartitionTypes;
    if (types === undefined || types === null) return [];
    return Array.isArray(types) ? types : [types];
}

/** The partition as the org has it, or undefined when the org has none of that name. */
export async function readPartition(conn: Connection): Promise<PartitionRecord | undefined> {
    const [partition] = await readMetadata<PartitionRecord>(conn, PARTITION_TYPE, [
        CACHE_PARTITION
    ]);
    return partition?.fullName ? partition : undefined;
}

/** The org cache (cacheType Organization) the partition allocates, in MB. */
export function orgCacheMb(partition: PartitionRecord): number {
    const org = typesOf(partition).find((type) => type.cacheType === 'Organization');
    return Number(org?.allocatedCapacity ?? 0) || 0;
}

const whole = (value: Field) => String(Number(value ?? 0) || 0);

/** The partition with `mb` of org cache; every other field as the org has it (upsert replaces all). */
export function withOrgCache(partition: PartitionRecord, mb: number): Record<string, unknown> {
    const types = typesOf(partition);
    if (!types.some((type) => type.cacheType === 'Organization'))
        types.push({ cacheType: 'Organization' });
    // Element order of the WSDL (complexType PlatformCachePartition / PlatformCachePartitionType).
    return {
        fullName: CACHE_PARTITION,
        ...(partition.description ? { description: String(partition.description) } : {}),
        isDefaultPartition: String(partition.isDefaultPartition) === 'true',
        masterLabel: String(partition.masterLabel ?? CACHE_PARTITION),
        platformCachePartitionTypes: types.map((type) => ({
            allocatedCapacity:
                type.cacheType === 'Organization' ? String(mb) : whole(type.allocatedCapacity),
            allocatedPartnerCapacity: whole(type.allocatedPartnerCapacity),
            allocatedPurchasedCapacity: whole(type.allocatedPurchasedCapacity),
            allocatedTrialCapacity: whole(type.allocatedTrialCapacity),
            cacheType: String(type.cacheType)
        }))
    };
}

export function refusalPath(stateDir: string, orgId: string): string {
    return join(stateDir, orgId, 'org-cache.json');
}

export function readRefusal(stateDir: string, orgId: string): CacheRefusal | undefined {
    const path = refusalPath(stateDir, orgId);
    if (!existsSync(path)) return undefined;
    try {
        const record = JSON.parse(readFileSync(path, 'utf8')) as Partial<CacheRefusal>;
        return typeof record.refusedAt === 'string'
            ? { refusedAt: record.refusedAt, message: String(record.message ?? '') }
            : undefined;
    } catch {
        return undefined;
    }
}

function errorsOf(result: MetadataSaveResult): string {
    const errors = Array.isArray(result.errors)
        ? result.errors
        : result.errors
          ? [result.errors]
          : [];
    return errors.map((error) => error.message).join('; ') || 'no detail given';
}

function refusedText(refusal: CacheRefusal): string {
    return `no org cache: the org refused ${ORG_CACHE_MB} MB for partition ${CACHE_PARTITION} on ${refusal.refusedAt} ("${refusal.message}"); ${WORKS_WITHOUT}; to turn it on: ${ORG_CACHE_FIX}`;
}

async function allocate(
    context: ProvisionContext,
    partition: PartitionRecord
): Promise<StepResult> {
    const { conn, options, snapshot, redactor } = context;
    const result = await upsertMetadata(conn, PARTITION_TYPE, {
        ...withOrgCache(partition, ORG_CACHE_MB),
        fullName: CACHE_PARTITION
    });
    const path = refusalPath(options.stateDir, snapshot.orgId);
    if (result.success === true || result.success === 'true') {
        rmSync(path, { force: true });
        return {
            outcome: 'updated',
            summary: `${ORG_CACHE_MB} MB of org cache allocated to partition ${CACHE_PARTITION}`,
            details: { partition: CACHE_PARTITION, orgCacheMb: ORG_CACHE_MB }
        };
    }
    // Refused (an org without free capacity): nothing changed; remembered so a rerun asks no more.
    const refusal = {
        refusedAt: new Date().toISOString(),
        message: redactor.text(errorsOf(result))
    };
    writeFileAtomic(path, `${JSON.stringify(refusal, null, 2)}\n`);
    return {
        outcome: 'unchanged',
        warning: true,
        summary: refusedText(refusal),
        details: { partition: CACHE_PARTITION, orgCacheMb: 0, refused: refusal.message }
    };
}

export const orgCacheStep: Step = {
    id: 'org-cache',
    title: 'Org cache',
    plan: async (context: ProvisionContext): Promise<StepPlan> => {
        const { conn, options, snapshot } = context;
        const partition = await readPartition(conn);
        const nothing = { changes: [], apply: () => Promise.reject(new Error('no change')) };
        if (!partition) {
            return {
                ...nothing,
                warning: true,
                unchangedSummary: `Platform Cache partition ${CACHE_PARTITION} is not in the org (npm run deploy brings it); ${WORKS_WITHOUT}`
            };
        }
        const mb = orgCacheMb(partition);
        if (mb >= ORG_CACHE_MB) {
            return {
                ...nothing,
                unchangedSummary: `${mb} MB of org cache allocated to partition ${CACHE_PARTITION}`,
                details: { partition: CACHE_PARTITION, orgCacheMb: mb }
            };
        }
        const refusal = readRefusal(options.stateDir, snapshot.orgId);
        if (refusal && !options.retryCache) {
            return {
                ...nothing,
                warning: true,
                unchangedSummary: refusedText(refusal),
                details: { partition: CACHE_PARTITION, orgCacheMb: mb, refused: refusal.message }
            };
        }
        return {
            changes: [
                {
                    action: 'update',
                    description: `allocate ${ORG_CACHE_MB} MB of org cache to Platform Cache partition ${CACHE_PARTITION} (a warning, not a failure, if the org has none free)`
                }
            ],
            unchangedSummary: '',
            apply: () => allocate(context, partition)
        };
    }
};

/** The doctor's view: the partition's org cache, a warning (never a failure) when there is none. */
export async function orgCacheCheck({ conn, options, snapshot }: ProvisionContext): Promise<Check> {
    const title = `Org cache of Platform Cache partition ${CACHE_PARTITION}`;
    const partition = await readPartition(conn);
    if (!partition) {
        return {
            id: 'org-cache',
            title,
            passed: false,
            warning: true,
            detail: `the partition is not in the org; ${WORKS_WITHOUT}`,
            fix: 'npm run deploy -- --target-org <alias> (deploys the partition), then npm run provision'
        };
    }
    const mb = orgCacheMb(partition);
    if (mb > 0) {
        return { id: 'org-cache', title, passed: true, detail: `${mb} MB allocated` };
    }
    const refusal = readRefusal(options.stateDir, snapshot.orgId);
    return {
        id: 'org-cache',
        title,
        passed: false,
        warning: true,
        detail: `0 MB allocated${refusal ? ` (the org refused ${ORG_CACHE_MB} MB on ${refusal.refusedAt}: "${refusal.message}")` : ''}; ${WORKS_WITHOUT}`,
        fix: refusal
            ? ORG_CACHE_FIX
            : `npm run provision (allocates ${ORG_CACHE_MB} MB when the org has it free), or ${ORG_CACHE_FIX.replace(/ \(or run.*\)$/, '')}`
    };
}

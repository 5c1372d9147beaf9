// Platform Cache capacity of the emulated org: how many MB of cache the org has (edition, purchased
// and trial), and the check an org makes when a PlatformCachePartition is saved (deploy or
// upsertMetadata): the allocations of every partition and both cache types together may not exceed
// it. The message is what an org without cache answered a deploy of a partition asking for 3 MB
// (trailheadapps/apex-recipes issue 77): "Total allocated capacity [3] exceeds the org limit [0]."
// Edition defaults (Apex Developer Guide, Platform Cache Limits): Enterprise 10 MB, Unlimited and
// Performance 30 MB, all others (Developer Edition) 0 MB unless trial capacity is requested.
import type { MetadataComponent, OrgState } from '../state.ts';

export const PARTITION_TYPE = 'PlatformCachePartition';

interface PlatformCacheState {
    /** The org's Platform Cache capacity in MB (0: nothing can be allocated). */
    capacityMb: number;
}

function cacheState(state: OrgState): PlatformCacheState {
    return state.extension<PlatformCacheState>('platform-cache', () => ({ capacityMb: 0 }));
}

/** Sets the org's Platform Cache capacity (what Setup → Platform Cache shows as the org's total). */
export function setPlatformCacheCapacity(state: OrgState, capacityMb: number): void {
    cacheState(state).capacityMb = capacityMb;
}

export function platformCacheCapacity(state: OrgState): number {
    return cacheState(state).capacityMb;
}

type PartitionTypeFields = Record<string, unknown>;

function partitionTypes(component: Record<string, unknown>): PartitionTypeFields[] {
    const types = component.platformCachePartitionTypes;
    if (types === undefined || types === '') return [];
    return (Array.isArray(types) ? types : [types]) as PartitionTypeFields[];
}

/** The MB a partition allocates: org and session cache together. */
export function allocatedMb(component: Record<string, unknown>): number {
    return partitionTypes(component).reduce(
        (sum, type) => sum + (Number(type.allocatedCapacity ?? 0) || 0),
        0
    );
}

/** The org cache (cacheType Organization) a partition allocates, in MB. */
export function orgCacheMb(component: Record<string, unknown>): number {
    const org = partitionTypes(component).find((type) => type.cacheType === 'Organization');
    return Number(org?.allocatedCapacity ?? 0) || 0;
}

/**
 * The problem an org reports when `component` is saved as partition `fullName` ('' when it fits):
 * every other partition's allocation plus this one's, against the org's capacity.
 */
export function partitionCapacityProblem(
    state: OrgState,
    fullName: string,
    component: Record<string, unknown>
): string {
    for (const type of partitionTypes(component)) {
        const capacity = Number(type.allocatedCapacity ?? 0);
        if (!Number.isInteger(capacity) || capacity < 0) {
            return `allocatedCapacity: value not of required type: ${String(type.allocatedCapacity)}`;
        }
    }
    let total = allocatedMb(component);
    for (const [name, other] of state.metadataOfType(PARTITION_TYPE)) {
        if (name !== fullName) total += allocatedMb(other as MetadataComponent);
    }
    const limit = platformCacheCapacity(state);
    return total > limit
        ? `Total allocated capacity [${total}] exceeds the org limit [${limit}].`
        : '';
}

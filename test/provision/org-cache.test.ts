// The panel's org cache (step 6, scripts/provision/org-cache.ts): force-app ships the partition
// OpenCX with no cache; provisioning allocates 1 MB when the org has it free, and an org without
// free Platform Cache refuses, which is a warning (exit 0), remembered so a rerun writes nothing.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    orgCacheMb,
    platformCacheCapacity,
    setPlatformCacheCapacity
} from '../../testkit/emulator/index.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project.ts';
import { CACHE_PARTITION, refusalPath } from '../../scripts/provision/org-cache.ts';
import { createHarness, type Harness, type RunOutput } from './harness.ts';

const config = { reps: [], admins: [] };
let harness: Harness | undefined;
afterEach(() => harness?.close());

function partitionMb(h: Harness): number {
    const partition = h.emulator.state.metadataOfType('PlatformCachePartition').get('OpenCX');
    assert.ok(partition, 'the seeded org has the deployed partition');
    return orgCacheMb(partition);
}

function metadataWrites(h: Harness, since: number): string[] {
    return h.emulator.calls
        .slice(since)
        .filter((call) => call.isWrite && call.path.includes('/Soap/m/'))
        .map((call) => `${call.method} ${call.path}`);
}

function stepOf(run: RunOutput): Record<string, unknown> {
    const result = JSON.parse(run.stdout) as { steps: Record<string, unknown>[] };
    return result.steps.find((step) => step.step === 'org-cache')!;
}

describe('provision: org cache', () => {
    test('the shipped partition allocates no cache, so a deploy never fails on capacity', () => {
        const xml = readFileSync(
            join(
                PROJECT_ROOT,
                `force-app/main/default/cachePartitions/${CACHE_PARTITION}.cachePartition-meta.xml`
            ),
            'utf8'
        );
        const capacities = [...xml.matchAll(/<allocatedCapacity>(\d+)<\/allocatedCapacity>/g)];
        assert.equal(capacities.length, 2);
        for (const [, mb] of capacities) assert.equal(mb, '0');
    });

    test('capacity free: 1 MB allocated once; a rerun writes nothing', async () => {
        harness = await createHarness({ config });
        assert.equal(platformCacheCapacity(harness.emulator.state), 10);
        assert.equal(partitionMb(harness), 0);
        const first = await harness.run();
        assert.equal(first.code, 0, first.stderr);
        assert.match(first.stdout, /✓ \[6\/7\] Org cache: updated — 1 MB of org cache allocated/);
        assert.equal(partitionMb(harness), 1);
        const session = harness.emulator.state
            .metadataOfType('PlatformCachePartition')
            .get('OpenCX')!.platformCachePartitionTypes as { cacheType: string }[];
        assert.deepEqual(session.map((type) => type.cacheType).sort(), ['Organization', 'Session']);

        const mark = harness.emulator.calls.length;
        const again = await harness.run(['--json']);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(metadataWrites(harness, mark), []);
        const step = stepOf(again);
        assert.equal(step.outcome, 'unchanged');
        assert.equal(step.warning, undefined);
        assert.match(String(step.summary), /1 MB of org cache allocated to partition OpenCX/);
    });

    test('no capacity: a warning naming Setup, exit 0, and a rerun asks no more', async () => {
        harness = await createHarness({ config, platformCacheMb: 0 });
        const first = await harness.run();
        assert.equal(first.code, 0, first.stderr);
        const line = first.stdout.split('\n').find((text) => text.includes('[6/7] Org cache'));
        assert.match(line ?? '', /^! \[6\/7\] Org cache: unchanged — no org cache/);
        assert.match(line!, /Total allocated capacity \[1\] exceeds the org limit \[0\]\./);
        assert.match(line!, /the panel works without the cache/);
        assert.match(line!, /to turn it on: Setup → Platform Cache → /);
        assert.match(first.stdout, /✓ \[7\/7\] Dashboard values/);
        assert.equal(partitionMb(harness), 0);
        const orgId = harness.emulator.state.orgId;
        assert.ok(existsSync(refusalPath(join(harness.dir, '.opencx'), orgId)));

        const mark = harness.emulator.calls.length;
        const again = await harness.run(['--json']);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(metadataWrites(harness, mark), []);
        const step = stepOf(again);
        assert.equal(step.outcome, 'unchanged');
        assert.equal(step.warning, true);
        assert.match(String(step.summary), /the org refused 1 MB/);
    });

    test('--retry-cache asks again once the org has capacity', async () => {
        harness = await createHarness({ config, platformCacheMb: 0 });
        assert.equal((await harness.run()).code, 0);
        // The admin requested trial capacity in Setup.
        setPlatformCacheCapacity(harness.emulator.state, 10);
        const plain = await harness.run();
        assert.match(plain.stdout, /the org refused 1 MB/);
        assert.equal(partitionMb(harness), 0);
        const retried = await harness.run(['--retry-cache']);
        assert.equal(retried.code, 0, retried.stderr);
        assert.match(retried.stdout, /Org cache: updated — 1 MB/);
        assert.equal(partitionMb(harness), 1);
        assert.ok(
            !existsSync(refusalPath(join(harness.dir, '.opencx'), harness.emulator.state.orgId))
        );
    });

    test('another partition taking the capacity: the refusal counts every partition', async () => {
        harness = await createHarness({ config, platformCacheMb: 2 });
        harness.emulator.state.metadataOfType('PlatformCachePartition').set('Other', {
            fullName: 'Other',
            masterLabel: 'Other',
            isDefaultPartition: 'true',
            platformCachePartitionTypes: [
                { allocatedCapacity: '1', cacheType: 'Organization' },
                { allocatedCapacity: '1', cacheType: 'Session' }
            ]
        });
        const run = await harness.run();
        assert.equal(run.code, 0, run.stderr);
        assert.match(run.stdout, /Total allocated capacity \[3\] exceeds the org limit \[2\]\./);
        assert.equal(partitionMb(harness), 0);
    });

    test('--dry-run lists the allocation and writes nothing', async () => {
        harness = await createHarness({ config });
        const run = await harness.run(['--dry-run']);
        assert.equal(run.code, 0, run.stderr);
        assert.match(
            run.stdout,
            /would update: allocate 1 MB of org cache to Platform Cache partition OpenCX/
        );
        assert.equal(partitionMb(harness), 0);
    });

    test('the doctor: a warning with the fix when 0 MB, a pass once allocated; never a failure', async () => {
        harness = await createHarness({ config, platformCacheMb: 0 });
        const before = JSON.parse((await harness.run(['--check', '--json'])).stdout) as {
            checks: {
                id: string;
                passed: boolean;
                warning?: boolean;
                detail: string;
                fix?: string;
            }[];
        };
        const cache = before.checks.find((check) => check.id === 'org-cache')!;
        assert.equal(cache.passed, false);
        assert.equal(cache.warning, true);
        assert.match(cache.detail, /^0 MB allocated; the panel works without the cache/);
        assert.match(cache.fix ?? '', /Setup → Platform Cache/);

        setCapacityAndAllocate(harness);
        const after = JSON.parse(
            (await harness.run(['--check', '--json'])).stdout
        ) as typeof before;
        const allocated = after.checks.find((check) => check.id === 'org-cache')!;
        assert.equal(allocated.passed, true);
        assert.equal(allocated.detail, '1 MB allocated');
    });
});

/** An admin allocating 1 MB in Setup (what the fix says). */
function setCapacityAndAllocate(h: Harness): void {
    const partition = h.emulator.state.metadataOfType('PlatformCachePartition').get('OpenCX')!;
    const types = partition.platformCachePartitionTypes as {
        allocatedCapacity: string;
        cacheType: string;
    }[];
    for (const type of types) if (type.cacheType === 'Organization') type.allocatedCapacity = '1';
}

// The Platform Cache partition OpenCX and `npm run deploy`: an org without free Platform Cache
// refuses a partition that allocates cache ("Total allocated capacity [1] exceeds the org limit
// [0]."), and a failed phase 1 stops the whole deploy; so force-app ships it with 0 MB, and a
// redeploy leaves a partition that has cache in the org as it is (provisioning or an admin
// allocated it); one with 0 MB is deployed again as shipped.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deployBehaviour } from '../../testkit/emulator/routes/metadata-deploy.ts';
import {
    orgCacheMb,
    platformCacheCapacity,
    setPlatformCacheCapacity,
    type Emulator
} from '../../testkit/emulator/index.ts';
import { deployTo, projectSnapshot, useEmptyOrgs, type RunOutput } from './support.ts';

const PARTITION_FILE = 'force-app/main/default/cachePartitions/OpenCX.cachePartition-meta.xml';
const { org } = useEmptyOrgs();

function text(output: RunOutput): string {
    return [...output.stdout, ...output.stderr].join('\n');
}

function partitionOf(emulator: Emulator) {
    return emulator.state.metadataOfType('PlatformCachePartition').get('OpenCX');
}

function partitionRequests(emulator: Emulator): number {
    return deployBehaviour(emulator.state).requests.filter((request) =>
        request.components.includes('PlatformCachePartition:OpenCX')
    ).length;
}

test('an org without Platform Cache takes the shipped partition: the deploy succeeds, 0 MB', async () => {
    const emulator = await org();
    assert.equal(platformCacheCapacity(emulator.state), 0);
    const output = await deployTo(emulator, ['--visitor-verification', 'open']);
    assert.equal(output.code, 0, text(output));
    assert.equal(partitionRequests(emulator), 1);
    assert.equal(orgCacheMb(partitionOf(emulator)!), 0);
    // Deployed again while it has no cache: as shipped, nothing to lose.
    const again = await deployTo(emulator, ['--visitor-verification', 'open', '--json']);
    assert.equal(again.code, 0, text(again));
    assert.deepEqual(JSON.parse(again.stdout.join('\n')).kept, []);
    assert.equal(partitionRequests(emulator), 2);
});

test('a partition asking for cache the org does not have fails phase 1 with the org message', async () => {
    const project = mkdtempSync(join(tmpdir(), 'opencx-deploy-cache-'));
    cpSync(projectSnapshot(), project, { recursive: true });
    const file = join(project, PARTITION_FILE);
    writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
            /<allocatedCapacity>0<\/allocatedCapacity>/,
            '<allocatedCapacity>1</allocatedCapacity>'
        )
    );
    const emulator = await org();
    const output = await deployTo(emulator, ['--visitor-verification', 'open'], {
        projectRoot: project
    });
    assert.equal(output.code, 1, text(output));
    assert.match(text(output), /Total allocated capacity \[1\] exceeds the org limit \[0\]\./);
    assert.match(text(output), /phase 1 \(references\) failed/);
    assert.equal(partitionOf(emulator), undefined);
});

test('a redeploy keeps the partition the org has, with the cache allocated to it', async () => {
    const emulator = await org();
    assert.equal((await deployTo(emulator, ['--visitor-verification', 'open'])).code, 0);
    // Provisioning (or an admin in Setup) allocated 1 MB since.
    setPlatformCacheCapacity(emulator.state, 10);
    const types = partitionOf(emulator)!.platformCachePartitionTypes as {
        allocatedCapacity: string;
        cacheType: string;
    }[];
    types.find((type) => type.cacheType === 'Organization')!.allocatedCapacity = '1';

    const again = await deployTo(emulator, ['--visitor-verification', 'open', '--json']);
    assert.equal(again.code, 0, text(again));
    const report = JSON.parse(again.stdout.join('\n')) as {
        kept: string[];
        phases: { id: string; components: string[] }[];
    };
    assert.deepEqual(report.kept, ['PlatformCachePartition:OpenCX']);
    assert.ok(!report.phases[0].components.includes('PlatformCachePartition:OpenCX'));
    assert.match(
        again.stderr.join('\n'),
        /Platform Cache partition OpenCX has 1 MB of cache allocated in the org: left as it is \(a deploy would reset it to the shipped 0 MB\)/
    );
    assert.equal(partitionRequests(emulator), 1, 'sent with the first deploy only');
    assert.equal(orgCacheMb(partitionOf(emulator)!), 1);
});

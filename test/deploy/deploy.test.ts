// `npm run deploy` against the emulator (an empty production org): phase order, the flow activated
// between phases, the channel's mappings checked from a retrieve, a failing phase stopping the rest,
// and the visitor-verification modes.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deployBehaviour, deployedXml } from '../../testkit/emulator/routes/metadata-deploy.ts';
import type { Emulator } from '../../testkit/emulator/index.ts';
import { deployTo, projectSnapshot, useEmptyOrgs, type RunOutput } from './support.ts';

const CHANNEL = 'OpenCX_Messaging';
const FLOW = 'OpenCX_Route_Handoff';
/** Record-triggered, calls Apex: deployed and activated in phase 3 (docs/beyond-handoff.md). */
const VERDICT_FLOW = 'OpenCX_Verdict_On_End';
const { org, emulators } = useEmptyOrgs();

function requestTypes(emulator: Emulator): string[][] {
    return deployBehaviour(emulator.state).requests.map((request) => [
        ...new Set(request.components.map((name) => name.split(':')[0]))
    ]);
}

function flowDefinition(emulator: Emulator) {
    return emulator.state.tooling.all('FlowDefinition').find((row) => row.DeveloperName === FLOW);
}

function text(output: RunOutput): string {
    return [...output.stdout, ...output.stderr].join('\n');
}

test('deploys in three phases, activates the flow before the channel, checks the mappings, says what is next', async () => {
    const emulator = await org();
    const output = await deployTo(emulator);
    assert.equal(output.code, 0, text(output));
    const [references, channel, consoleTypes] = requestTypes(emulator);
    assert.ok(
        references.includes('Flow') &&
            references.includes('CustomField') &&
            references.includes('Queue')
    );
    assert.ok(references.includes('PublicKeyCertificateSet'));
    assert.deepEqual(channel.sort(), ['EmbeddedServiceConfig', 'MessagingChannel']);
    assert.ok(consoleTypes.includes('PermissionSet') && consoleTypes.includes('ApexClass'));
    assert.equal(requestTypes(emulator).length, 3);
    // The activation (Tooling PATCH) comes after phase 1's deploy and before phase 2's.
    const calls = emulator.calls.map((call) => `${call.method} ${call.path}`);
    const deploys = calls.flatMap((call, index) =>
        call.startsWith('POST /services/Soap/m/') ? [index] : []
    );
    const activation = calls.findIndex(
        (call) => call.startsWith('PATCH') && call.includes('FlowDefinition')
    );
    assert.ok(activation > deploys[0] && activation < deploys.at(-1)!, calls.join('\n'));
    const definition = flowDefinition(emulator);
    assert.ok(
        definition?.ActiveVersionId && definition.ActiveVersionId === definition.LatestVersionId
    );
    assert.match(output.stdout.join('\n'), /✓ flow OpenCX_Route_Handoff: version 1 activated/);
    assert.match(
        output.stdout.join('\n'),
        /✓ channel OpenCX_Messaging: all 5 parameter mappings bound/
    );
    assert.match(
        output.stdout.at(-1)!,
        /^Next: npm run provision -- --instance-url http:\/\/127\.0\.0\.1:\d+$/
    );
    // What other routes read afterwards: queues, permission sets, the channel (inactive), the deployment.
    const names = (store: 'data' | 'tooling', type: string, field = 'DeveloperName') =>
        emulator.state[store]
            .all(type)
            .map((row) => String(row[field]))
            .sort();
    assert.deepEqual(names('data', 'Group'), [
        'OpenCX_Anonymous_Visitors',
        'OpenCX_Fallback',
        'OpenCX_Verified_Visitors'
    ]);
    assert.deepEqual(names('data', 'PermissionSet', 'Name'), [
        'OpenCX_Handoff_Admin',
        'OpenCX_Handoff_Rep'
    ]);
    assert.equal(emulator.state.data.all('MessagingChannel')[0]?.IsActive, false);
    assert.deepEqual(names('tooling', 'EmbeddedServiceConfig'), ['OpenCX_Handoff']);
    // Phase 3 ran the Apex tests (production default for a request with Apex).
    assert.match(
        output.stdout.join('\n'),
        /phase 3 console: \d+ components deployed, \d+ tests passed/
    );
});

test('a failing phase stops the rest and lists each component error', async () => {
    const emulator = await org();
    deployBehaviour(emulator.state).failComponents.set(
        `MessagingChannel:${CHANNEL}`,
        'embeddedConfig: In field: publicKeyCertificateSetName - no PublicKeyCertificateSet named OpenCX_Identity_Keys found'
    );
    const output = await deployTo(emulator, ['--json']);
    assert.equal(output.code, 1);
    const report = JSON.parse(output.stdout.join('\n'));
    assert.deepEqual(
        report.phases.map((phase: { status: string }) => phase.status),
        ['succeeded', 'failed', 'not-run']
    );
    assert.equal(report.error.code, 'PHASE_FAILED');
    const failures = report.phases[1].componentFailures;
    assert.ok(
        failures.some(
            (failure: { type: string; fullName: string; problem: string }) =>
                failure.type === 'MessagingChannel' &&
                failure.fullName === CHANNEL &&
                /publicKeyCertificateSetName/.test(failure.problem)
        )
    );
    assert.equal(requestTypes(emulator).length, 2, 'phase 3 was never sent');
    assert.match(
        output.stderr.join('\n'),
        /✗ MessagingChannel OpenCX_Messaging: embeddedConfig: In field/
    );
    // rollbackOnError: the deployment of the failed request was not saved either.
    assert.equal(deployedXml(emulator.state, 'EmbeddedServiceConfig', 'OpenCX_Handoff'), undefined);
});

test('a failing Apex test fails phase 3 with the test named', async () => {
    const emulator = await org();
    deployBehaviour(emulator.state).failTests.set(
        'OpenCxApiClientTest.getFullHistoryFollowsEveryCursor',
        'System.AssertException: Assertion Failed'
    );
    const output = await deployTo(emulator, ['--json']);
    assert.equal(output.code, 1);
    const report = JSON.parse(output.stdout.join('\n'));
    assert.deepEqual(
        report.phases.map((phase: { status: string }) => phase.status),
        ['succeeded', 'succeeded', 'failed']
    );
    assert.deepEqual(report.phases[2].testFailures, [
        {
            name: 'OpenCxApiClientTest',
            method: 'getFullHistoryFollowsEveryCursor',
            message: 'System.AssertException: Assertion Failed'
        }
    ]);
    assert.match(
        output.stderr.join('\n'),
        /✗ test OpenCxApiClientTest\.getFullHistoryFollowsEveryCursor: System\.AssertException/
    );
});

test('a flow the deploy left inactive is activated; one that arrived active is left alone', async () => {
    const production = await org();
    assert.equal((await deployTo(production)).code, 0);
    // One activation per flow shipped active: the routing flow and the verdict's on-end flow.
    assert.equal(production.calls.filter((call) => call.method === 'PATCH').length, 2);

    const activeOnDeploy = await org();
    deployBehaviour(activeOnDeploy.state).flowsDeployActive = true;
    const output = await deployTo(activeOnDeploy, ['--json']);
    assert.equal(output.code, 0);
    const report = JSON.parse(output.stdout.join('\n'));
    assert.deepEqual(report.flows, [
        { flow: FLOW, version: 1, outcome: 'already-active' },
        { flow: VERDICT_FLOW, version: 1, outcome: 'already-active' }
    ]);
    assert.equal(activeOnDeploy.calls.filter((call) => call.method === 'PATCH').length, 0);
});

test('an activation the org refuses stops before the channel, with the Setup fix', async () => {
    const emulator = await org();
    emulator.injectFault({
        on: { path: /tooling\/sobjects\/FlowDefinition/, method: 'PATCH' },
        effect: {
            status: 400,
            body: [
                {
                    errorCode: 'FIELD_INTEGRITY_EXCEPTION',
                    message: 'insufficient access to activate flows'
                }
            ]
        }
    });
    const output = await deployTo(emulator, ['--json']);
    assert.equal(output.code, 1);
    const report = JSON.parse(output.stdout.join('\n'));
    assert.equal(report.error.code, 'FLOW_INACTIVE');
    assert.match(report.error.fix, /Deploy processes and flows as active/);
    assert.match(report.error.fix, /Setup → Flows → OpenCX Route Handoff/);
    assert.equal(requestTypes(emulator).length, 1, 'the channel was not deployed');
});

test('a channel deployed while its flow is inactive comes back unbound (emulator no kinder than an org)', async () => {
    const emulator = await org();
    // Activation "succeeds" but does nothing: the org keeps the flow inactive.
    emulator.injectFault({
        on: { path: /tooling\/sobjects\/FlowDefinition/, method: 'PATCH' },
        effect: { status: 204, body: '' }
    });
    const output = await deployTo(emulator, ['--json']);
    assert.equal(output.code, 1);
    assert.equal(
        JSON.parse(output.stdout.join('\n')).error.code,
        'FLOW_INACTIVE',
        'the read-back catches it'
    );
});

test('unbound mappings are detected from the retrieved channel, with the fix', async () => {
    // A project whose flow renamed one input variable: the channel's mapping cannot bind to it.
    const project = mkdtempSync(join(tmpdir(), 'opencx-deploy-renamed-'));
    cpSync(projectSnapshot(), project, { recursive: true });
    const flowPath = join(
        project,
        'force-app/main/default/flows/OpenCX_Route_Handoff.flow-meta.xml'
    );
    const flow = readFileSync(flowPath, 'utf8');
    assert.match(flow, /<name>OpencxPriority<\/name>/);
    writeFileSync(
        flowPath,
        flow.replace(/<name>OpencxPriority<\/name>/, '<name>OpencxPriorityLevel</name>')
    );
    const emulator = await org();
    const output = await deployTo(emulator, ['--json'], { projectRoot: project });
    assert.equal(output.code, 1, text(output));
    const report = JSON.parse(output.stdout.join('\n'));
    assert.equal(report.error.code, 'MAPPINGS_UNBOUND');
    assert.deepEqual(report.channelChecks[0].unbound, [
        { parameter: 'OpencxPriority', expected: 'OpencxPriority', found: null }
    ]);
    assert.equal(report.channelChecks[0].bound.length, 4);
    assert.match(
        report.error.fix,
        /activate the flow OpenCX_Route_Handoff.*save the channel again/
    );
    assert.equal(report.phases[2].status, 'not-run');
    assert.match(
        output.stderr.join('\n'),
        /✗ parameter OpencxPriority: not bound to flow variable OpencxPriority/
    );
    assert.match(
        deployedXml(emulator.state, 'MessagingChannel', CHANNEL)!,
        /<actionParameterMappings\/>/
    );
});

test('--validate: one check-only request with RunLocalTests, prints the quick-deploy id, saves nothing', async () => {
    const emulator = await org();
    assert.equal((await deployTo(emulator)).code, 0, 'a first, phased deploy');
    const versionsBefore = emulator.state.tooling.all('Flow').length;
    const patchesBefore = emulator.calls.filter((call) => call.method === 'PATCH').length;
    deployBehaviour(emulator.state).requests.length = 0;
    const output = await deployTo(emulator, ['--validate']);
    assert.equal(output.code, 0, text(output));
    const requests = deployBehaviour(emulator.state).requests;
    assert.equal(requests.length, 1);
    assert.equal(requests[0].checkOnly, true);
    assert.equal(requests[0].testLevel, 'RunLocalTests');
    assert.ok(requests[0].components.includes(`MessagingChannel:${CHANNEL}`));
    assert.ok(requests[0].components.includes('Flow:OpenCX_Route_Handoff'));
    const id = /^Quick-deploy id: (0Af\w{12})$/m.exec(output.stdout.join('\n'))?.[1];
    assert.ok(id, output.stdout.join('\n'));
    assert.match(output.stdout.join('\n'), new RegExp(`sf project deploy quick --job-id ${id}`));
    assert.match(output.stdout.join('\n'), /validated: \d+ components, \d+ tests passed/);
    assert.equal(
        emulator.state.tooling.all('Flow').length,
        versionsBefore,
        'a validation saves no flow version'
    );
    assert.equal(emulator.calls.filter((call) => call.method === 'PATCH').length, patchesBefore);
});

test('--validate on a fresh org in verified mode: the new key set refuses the channel; the fix names the phased deploy', async () => {
    const emulator = await org();
    const output = await deployTo(emulator, ['--validate', '--json']);
    assert.equal(output.code, 1);
    const report = JSON.parse(output.stdout.join('\n'));
    assert.equal(report.error.code, 'VALIDATION_FAILED');
    assert.match(
        report.error.fix,
        /npm run deploy -- --instance-url \S+ \(phase 1 deploys the key set before the channel\)/
    );
    assert.equal(report.quickDeployId, undefined);
    const open = await org();
    const openOutput = await deployTo(open, [
        '--validate',
        '--visitor-verification',
        'open',
        '--json'
    ]);
    assert.equal(openOutput.code, 0, text(openOutput));
    assert.match(JSON.parse(openOutput.stdout.join('\n')).quickDeployId, /^0Af/);
});

test('open mode: channel without user verification, no key set; verified mode: both as shipped', async () => {
    const open = await org();
    const config = join(mkdtempSync(join(tmpdir(), 'opencx-deploy-config-')), 'opencx.config.json');
    writeFileSync(config, JSON.stringify({ visitorVerification: 'open' }));
    const openRun = await deployTo(open, ['--config', config]);
    assert.equal(openRun.code, 0, text(openRun));
    assert.match(openRun.stdout[0], /visitorVerification open, from config/);
    const openChannel = deployedXml(open.state, 'MessagingChannel', CHANNEL)!;
    assert.match(openChannel, /<authMode>UnAuth<\/authMode>/);
    assert.doesNotMatch(openChannel, /messagingAuthorizations/);
    assert.ok(
        !deployBehaviour(open.state).requests.some((request) =>
            request.components.some((name) => name.startsWith('PublicKeyCertificateSet:'))
        )
    );
    assert.equal(open.state.metadataOfType('PublicKeyCertificateSet').size, 0);

    const verified = await org();
    const verifiedRun = await deployTo(verified, [
        '--config',
        config,
        '--visitor-verification',
        'verified'
    ]);
    assert.equal(verifiedRun.code, 0, text(verifiedRun));
    assert.match(verifiedRun.stdout[0], /visitorVerification verified, from flag/);
    const verifiedChannel = deployedXml(verified.state, 'MessagingChannel', CHANNEL)!;
    assert.match(verifiedChannel, /<authMode>Auth<\/authMode>/);
    assert.match(
        verifiedChannel,
        /<publicKeyCertificateSetName>OpenCX_Identity_Keys<\/publicKeyCertificateSetName>/
    );
    assert.ok(verified.state.metadataOfType('PublicKeyCertificateSet').has('OpenCX_Identity_Keys'));
    // The repository's files are never rewritten.
    const shipped = readFileSync(
        join(
            projectSnapshot(),
            'force-app/main/default/messagingChannels/OpenCX_Messaging.messagingChannel-meta.xml'
        ),
        'utf8'
    );
    assert.match(shipped, /<authMode>Auth<\/authMode>/);
});

test('the emulator fails a channel whose flow is not in the org yet (deployed out of order)', async () => {
    const emulator = await org();
    // Phase 1 fails (the flow component is refused), so nothing the channel needs exists.
    deployBehaviour(emulator.state).failComponents.set(`Flow:${FLOW}`, 'injected');
    assert.equal((await deployTo(emulator)).code, 1);
    deployBehaviour(emulator.state).failComponents.clear();
    const { judgeComponents } =
        await import('../../testkit/emulator/routes/metadata-deploy-rules.ts');
    const channelXml = readFileSync(
        join(
            projectSnapshot(),
            'force-app/main/default/messagingChannels/OpenCX_Messaging.messagingChannel-meta.xml'
        ),
        'utf8'
    );
    const judgement = judgeComponents(
        emulator.state,
        [
            {
                type: 'MessagingChannel',
                fullName: CHANNEL,
                files: new Map([
                    ['messagingChannels/OpenCX_Messaging.messagingChannel', channelXml]
                ])
            }
        ],
        deployBehaviour(emulator.state)
    );
    assert.match(
        judgement.failures[0]?.problem ?? '',
        /sessionHandlerFlow: no flow named OpenCX_Route_Handoff/
    );
    assert.match(
        judgement.failures[0]?.problem ?? '',
        /sessionHandlerQueue: no queue named OpenCX_Fallback/
    );
});

test('deploying again over an org that has the project: a new flow version activated, the key set kept', async () => {
    const { startEmulator } = await import('../../testkit/emulator/index.ts');
    const { ACCESS_TOKEN } = await import('./support.ts');
    const emulator = await startEmulator();
    emulator.state.accessToken = ACCESS_TOKEN;
    emulators.push(emulator);
    const before = flowDefinition(emulator)!;
    assert.equal(before.ActiveVersionId, null, 'seeded: version 1, inactive');
    const output = await deployTo(emulator, ['--json']);
    assert.equal(output.code, 0, text(output));
    const report = JSON.parse(output.stdout.join('\n'));
    assert.deepEqual(report.flows, [
        { flow: FLOW, version: 2, outcome: 'activated' },
        { flow: VERDICT_FLOW, version: 1, outcome: 'activated' }
    ]);
    assert.deepEqual(report.kept, ['PublicKeyCertificateSet:OpenCX_Identity_Keys']);
    const after = flowDefinition(emulator)!;
    assert.equal(after.Id, before.Id);
    assert.equal(after.ActiveVersionId, after.LatestVersionId);
    // The channel record is the seeded one, still inactive (a deploy never activates it).
    const channels = emulator.state.data.all('MessagingChannel');
    assert.equal(channels.length, 1);
    assert.equal(channels[0].IsActive, false);
});

test('readMetadata answers with what the deploy saved (the doctor reads the channel authMode there)', async () => {
    const emulator = await org();
    assert.equal((await deployTo(emulator, ['--visitor-verification', 'open'])).code, 0);
    const channel = emulator.state.metadataOfType('MessagingChannel').get(CHANNEL) as {
        embeddedConfig?: { authMode?: string };
    };
    assert.equal(channel.embeddedConfig?.authMode, 'UnAuth');
});

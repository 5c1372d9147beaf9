// The routing flow in the flow evaluator: (1) loading and checking the flow XML; (2) one routing
// decision (what the emulator does per new conversation) for a verified, an anonymous and an
// unknown visitor; (3) how the flow's work grows with the number of active rules (elements run
// per interview is the countable figure: the rule loop costs two elements per active rule).
// Reports figures; never fails on them.
//   npm run bench -- flow-evaluator          (RUNS=<n> default 2000)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { METADATA_ROOT } from '../testkit/metadata/index.ts';
import { evaluateFlow, loadFlow } from '../testkit/flow-evaluator/index.ts';
import { fakeId, forceAppRecords } from '../testkit/flow-evaluator/index.ts';

const RUNS = Number(process.env.RUNS ?? 2000);
const xml = readFileSync(
    join(METADATA_ROOT, 'flows', 'OpenCX_Route_Handoff.flow-meta.xml'),
    'utf8'
);
const sessionId = fakeId('0Mw', 1);

function time(label: string, runs: number, work: () => void): void {
    for (let i = 0; i < Math.min(50, runs); i++) work();
    const started = performance.now();
    for (let i = 0; i < runs; i++) work();
    const perRun = (performance.now() - started) / runs;
    console.log(`${label}: ${(perRun * 1000).toFixed(1)} µs per run (${runs} runs)`);
}

time('load and check the flow XML', Math.max(1, RUNS / 10), () => loadFlow(xml));

const flow = loadFlow(xml);
const records = forceAppRecords([sessionId]);
for (const consumerType of ['Verified', 'Anonymous', 'Premium']) {
    const run = evaluateFlow(flow, {
        inputs: { recordId: sessionId, Chat_Consumer_Type: consumerType },
        records
    });
    time(
        `route ${consumerType} → ${run.routedTo?.queueDeveloperName} (${run.path.length} elements)`,
        RUNS,
        () =>
            evaluateFlow(flow, {
                inputs: { recordId: sessionId, Chat_Consumer_Type: consumerType },
                records
            })
    );
}

for (const extraRules of [0, 50, 500]) {
    const many = forceAppRecords([sessionId]);
    for (let i = 0; i < extraRules; i++) {
        many.OpenCX_Routing_Rule__mdt.push({
            Id: fakeId('m00', 1000 + i),
            DeveloperName: `Extra_${String(i).padStart(4, '0')}`,
            MasterLabel: `Extra ${i}`,
            Label: `Extra ${i}`,
            QualifiedApiName: `Extra_${i}`,
            Consumer_Type__c: `type-${i}`,
            Queue_Developer_Name__c: 'OpenCX_Fallback',
            Notes__c: null,
            Active__c: true
        });
    }
    const active = many.OpenCX_Routing_Rule__mdt.filter((rule) => rule.Active__c).length;
    const run = evaluateFlow(flow, {
        inputs: { recordId: sessionId, Chat_Consumer_Type: 'Premium' },
        records: many
    });
    time(
        `${active} active rules: ${run.path.length} elements per interview`,
        Math.max(1, Math.floor(RUNS / (1 + extraRules / 10))),
        () =>
            evaluateFlow(flow, {
                inputs: { recordId: sessionId, Chat_Consumer_Type: 'Premium' },
                records: many
            })
    );
}

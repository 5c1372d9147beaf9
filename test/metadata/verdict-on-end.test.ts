// The verdict sent to OpenCX when a conversation ends (docs/beyond-handoff.md, part 3): a
// record-triggered flow on MessagingSession calls the invocable OpenCxVerdictOnEnd, which queues
// OpenCxVerdictJob. The flow evaluator runs routing flows only, so this checks the wiring between
// the flow and the Apex it calls; the Apex itself is tested by OpenCxVerdictTest.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_ROOT, children, readFlow, text } from '../../testkit/metadata/index.ts';

const FLOW = 'OpenCX_Verdict_On_End';

function apex(name: string): string {
    return readFileSync(join(METADATA_ROOT, 'classes', `${name}.cls`), 'utf8');
}

describe(`${FLOW} (record-triggered flow)`, () => {
    const flow = readFlow(FLOW)!;
    const start = children(flow, 'start')[0];

    test('runs after save when a MessagingSession with an OpenCX id changes to Ended', () => {
        assert.equal(text(flow, 'processType'), 'AutoLaunchedFlow');
        assert.equal(text(flow, 'status'), 'Active');
        assert.equal(text(start, 'object'), 'MessagingSession');
        assert.equal(text(start, 'triggerType'), 'RecordAfterSave');
        assert.equal(text(start, 'recordTriggerType'), 'Update');
        assert.equal(text(start, 'doesRequireRecordChangedToMeetCriteria'), 'true');
        const filters = children(start, 'filters').map((filter) => [
            text(filter, 'field'),
            text(filter, 'operator'),
            text(children(filter, 'value')[0], 'stringValue') ??
                text(children(filter, 'value')[0], 'booleanValue')
        ]);
        assert.deepEqual(filters, [
            ['Status', 'EqualTo', 'Ended'],
            ['OpenCX_Session_Id__c', 'IsNull', 'false']
        ]);
    });

    test('calls the invocable Apex by its parameter name, with a fault path', () => {
        const [action] = children(flow, 'actionCalls');
        assert.equal(text(action, 'actionType'), 'apex');
        const className = text(action, 'actionName')!;
        const source = apex(className);
        const signature =
            /@InvocableMethod\([\s\S]*?\)\s*public static void \w+\(List<Id> (\w+)\)/.exec(source);
        assert.ok(signature, `${className} has no @InvocableMethod taking List<Id>`);
        const inputs = children(action, 'inputParameters').map((input) => text(input, 'name'));
        assert.deepEqual(inputs, [signature[1]]);
        assert.equal(
            text(children(children(action, 'inputParameters')[0], 'value')[0], 'elementReference'),
            '$Record.Id'
        );
        assert.ok(text(children(action, 'faultConnector')[0], 'targetReference'));
    });

    test('the action only queues: the job makes the callouts, with bounded retries', () => {
        const onEnd = apex('OpenCxVerdictOnEnd');
        assert.match(onEnd, /System\.enqueueJob\(new OpenCxVerdictJob\(/);
        assert.doesNotMatch(
            onEnd,
            /new Http\(\)|OpenCxApiClient/,
            'no callout while the rep saves'
        );
        const job = apex('OpenCxVerdictJob');
        assert.match(job, /implements Queueable, Database\.AllowsCallouts/);
        assert.match(job, /MAX_ATTEMPTS = 3;/);
    });

    test('a failure to queue is written on the record, never rolls back the end', () => {
        const [update] = children(flow, 'recordUpdates');
        const fields = children(update, 'inputAssignments')
            .map((a) => text(a, 'field'))
            .sort();
        assert.deepEqual(fields, ['OpenCX_Verdict_Detail__c', 'OpenCX_Verdict_Status__c']);
        assert.ok(text(children(update, 'faultConnector')[0], 'targetReference'));
    });
});

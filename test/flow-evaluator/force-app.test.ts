// The in-memory records built from force-app, and the evaluator fed by the shared loader.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    listCustomFields,
    listQueueNames,
    readCustomMetadataRecords,
    readFlow
} from '../../testkit/metadata/index.ts';
import { evaluateFlow } from '../../testkit/flow-evaluator/index.ts';
import {
    customMetadataSObjects,
    fakeId,
    forceAppRecords,
    loadForceAppFlow,
    messagingSessionRecord,
    queueGroupRecords
} from '../../testkit/flow-evaluator/index.ts';

describe('force-app records', () => {
    test('fakeId is an 18-character id with the given prefix', () => {
        assert.equal(fakeId('0Mw', 7), '0Mw000000000007AAA');
        assert.equal(fakeId('00G', 123).length, 18);
        assert.throws(() => fakeId('0M', 1), /3 characters/);
    });

    test('one Group row of Type Queue per queue file, with distinct ids', () => {
        const groups = queueGroupRecords();
        assert.deepEqual(
            groups.map((group) => group.DeveloperName),
            listQueueNames()
        );
        assert.ok(groups.every((group) => group.Type === 'Queue' && group.Name));
        assert.equal(new Set(groups.map((group) => group.Id)).size, groups.length);
    });

    test('routing rules are typed by their field definitions', () => {
        const rows = customMetadataSObjects('OpenCX_Routing_Rule__mdt');
        assert.equal(rows.length, readCustomMetadataRecords('OpenCX_Routing_Rule').length);
        for (const row of rows) {
            assert.equal(typeof row.Active__c, 'boolean', `${String(row.DeveloperName)}`);
            assert.equal(typeof row.Consumer_Type__c, 'string');
            assert.equal(typeof row.Queue_Developer_Name__c, 'string');
            assert.equal(row.QualifiedApiName, row.DeveloperName);
        }
    });

    test('a MessagingSession row carries the standard fields the flow reads and every custom field, blank', () => {
        const row = messagingSessionRecord('0Mw000000000001AAA');
        assert.deepEqual(
            Object.keys(row).sort(),
            [
                'Id',
                'Name',
                'MessagingEndUserId',
                'CreatedDate',
                ...listCustomFields('MessagingSession')
            ].sort()
        );
        for (const field of listCustomFields('MessagingSession')) assert.equal(row[field], null);
        assert.equal(messagingSessionRecord('0Mw000000000001AAA', { Name: 'MS-1' }).Name, 'MS-1');
        assert.throws(
            () => messagingSessionRecord('0Mw000000000001AAA', { Nope__c: 'x' }),
            /no Nope__c/
        );
    });

    test('the parsed <Flow> of the shared loader routes the same as the XML text', () => {
        const parsed = readFlow('OpenCX_Route_Handoff');
        assert.ok(parsed);
        const id = fakeId('0Mw', 1);
        for (const consumerType of ['Verified', ' guest ', 'nobody', undefined]) {
            const options = {
                inputs: { recordId: id, Chat_Consumer_Type: consumerType },
                records: forceAppRecords([id])
            };
            const fromNode = evaluateFlow(parsed, options);
            const fromXml = evaluateFlow(loadForceAppFlow('OpenCX_Route_Handoff'), options);
            assert.deepEqual(fromNode.routedTo, fromXml.routedTo);
            assert.deepEqual(fromNode.path, fromXml.path);
        }
    });
});

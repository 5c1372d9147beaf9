// The evaluator on small hand-written RoutingFlows: each element type, each operator, fault paths,
// and the loud failures on anything it does not implement.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    COMPARISON_OPERATORS,
    FlowEvaluatorError,
    evaluateFlow,
    loadFlow,
    type EvaluateOptions,
    type Scalar,
    type RecordStore
} from '../../testkit/flow-evaluator/index.ts';

// ---- builders ---------------------------------------------------------------------------------

interface FlowParts {
    start: string;
    elements?: string;
    variables?: string;
    formulas?: string;
    processType?: string;
    startXml?: string;
}

function flowXml(parts: FlowParts): string {
    return `<?xml version="1.0" encoding="UTF-8"?>
<Flow xmlns="http://soap.sforce.com/2006/04/metadata">
    ${parts.elements ?? ''}
    <apiVersion>66.0</apiVersion>
    ${parts.formulas ?? ''}
    <label>Test</label>
    <processType>${parts.processType ?? 'RoutingFlow'}</processType>
    ${parts.startXml ?? `<start><locationX>0</locationX><locationY>0</locationY><connector><targetReference>${parts.start}</targetReference></connector></start>`}
    <status>Active</status>
    ${variable('recordId', 'String', { input: true })}
    ${parts.variables ?? ''}
</Flow>`;
}

function variable(
    name: string,
    dataType: string,
    options: { input?: boolean; collection?: boolean; objectType?: string; value?: string } = {}
): string {
    return `<variables><name>${name}</name><dataType>${dataType}</dataType>
        <isCollection>${options.collection ?? false}</isCollection>
        <isInput>${options.input ?? false}</isInput><isOutput>false</isOutput>
        ${options.objectType ? `<objectType>${options.objectType}</objectType>` : ''}
        ${options.value ? `<value>${options.value}</value>` : ''}</variables>`;
}

function connector(target: string | null, tag = 'connector'): string {
    return target ? `<${tag}><targetReference>${target}</targetReference></${tag}>` : '';
}

function assign(
    name: string,
    target: string,
    value: string,
    next: string | null = null,
    op = 'Assign'
) {
    return `<assignments><name>${name}</name><label>${name}</label><locationX>0</locationX><locationY>0</locationY>
        <assignmentItems><assignToReference>${target}</assignToReference><operator>${op}</operator>
        <value>${value}</value></assignmentItems>${connector(next)}</assignments>`;
}

function routeWork(name: string, queueValue: string, extra = ''): string {
    return `<actionCalls><name>${name}</name><label>${name}</label><locationX>0</locationX><locationY>0</locationY>
        <actionName>routeWork</actionName><actionType>routeWork</actionType>${extra}
        <flowTransactionModel>CurrentTransaction</flowTransactionModel>
        <inputParameters><name>recordId</name><value><elementReference>recordId</elementReference></value></inputParameters>
        <inputParameters><name>serviceChannelId</name><value><setupReference>sfdc_livemessage</setupReference><setupReferenceType>ServiceChannel</setupReferenceType></value></inputParameters>
        <inputParameters><name>serviceChannelDevName</name><value><stringValue>sfdc_livemessage</stringValue></value></inputParameters>
        <inputParameters><name>routingType</name><value><stringValue>QueueBased</stringValue></value></inputParameters>
        <inputParameters><name>queueId</name><value>${queueValue}</value></inputParameters>
        <inputParameters><name>agentId</name></inputParameters>
        <nameSegment>routeWork</nameSegment><versionString>2.0.0</versionString></actionCalls>`;
}

function lookup(
    name: string,
    filters: Array<[string, string, string]>,
    options: { extra?: string; next?: string | null; fault?: string; object?: string } = {}
): string {
    return `<recordLookups><name>${name}</name><label>${name}</label><locationX>0</locationX><locationY>0</locationY>
        ${connector(options.next ?? null)}${connector(options.fault ?? null, 'faultConnector')}
        ${filters
            .map(
                ([field, op, value]) =>
                    `<filters><field>${field}</field><operator>${op}</operator><value>${value}</value></filters>`
            )
            .join('')}
        <object>${options.object ?? 'Group'}</object>${options.extra ?? '<getFirstRecordOnly>true</getFirstRecordOnly><storeOutputAutomatically>true</storeOutputAutomatically>'}
    </recordLookups>`;
}

const str = (value: string) => `<stringValue>${value}</stringValue>`;
const ref = (value: string) => `<elementReference>${value}</elementReference>`;
const bool = (value: boolean) => `<booleanValue>${value}</booleanValue>`;
const num = (value: number) => `<numberValue>${value}</numberValue>`;

function store(): RecordStore {
    return {
        MessagingSession: [{ Id: 'MS1', Note__c: null }],
        Group: [
            { Id: 'G1', DeveloperName: 'Alpha', Type: 'Queue', Rank: 1 },
            { Id: 'G2', DeveloperName: 'beta', Type: 'Queue', Rank: 2 },
            { Id: 'G3', DeveloperName: 'Gamma', Type: 'Regular', Rank: null }
        ]
    };
}

function run(parts: FlowParts, options: EvaluateOptions = {}) {
    return evaluateFlow(flowXml(parts), {
        records: store(),
        ...options,
        inputs: { recordId: 'MS1', ...options.inputs }
    });
}

// ---- routing ------------------------------------------------------------------------------------

describe('routeWork', () => {
    const byDeveloperName = (developerName: string, next: string) =>
        lookup(
            'Find_Queue',
            [
                ['Type', 'EqualTo', str('Queue')],
                ['DeveloperName', 'EqualTo', str(developerName)]
            ],
            { next }
        );

    test('routes to the queue found by developer name', () => {
        const result = run({
            start: 'Find_Queue',
            elements: byDeveloperName('alpha', 'Route') + routeWork('Route', ref('Find_Queue.Id'))
        });
        assert.equal(result.status, 'Finished');
        assert.deepEqual(result.routedTo, {
            element: 'Route',
            recordId: 'MS1',
            routingType: 'QueueBased',
            queueId: 'G1',
            queueDeveloperName: 'Alpha',
            serviceChannel: 'sfdc_livemessage'
        });
        assert.deepEqual(result.path, ['Find_Queue', 'Route']);
        assert.deepEqual(result.faults, []);
    });

    const faults: Array<[string, string, RegExp]> = [
        ['no queue found (null queueId)', ref('Find_Queue.Id'), /needs a queueId/],
        ['a group that is not a queue', str('G3'), /G3 is not the Id of a queue/],
        ['an id that does not exist', str('00G000000000099AAA'), /is not the Id of a queue/]
    ];
    for (const [label, queueValue, pattern] of faults) {
        test(`faults on ${label}; without a fault connector the run fails`, () => {
            const result = run({
                start: 'Find_Queue',
                elements: byDeveloperName('Missing', 'Route') + routeWork('Route', queueValue)
            });
            assert.equal(result.status, 'Failed');
            assert.equal(result.routedTo, null);
            assert.match(result.error ?? '', pattern);
            assert.equal(result.faults[0].handledBy, null);
        });
    }

    test('faults when the work item does not exist', () => {
        const result = run(
            { start: 'Route', elements: routeWork('Route', str('G1')) },
            {
                inputs: { recordId: 'MS404' }
            }
        );
        assert.match(result.error ?? '', /no record with Id MS404/);
    });

    test('faults when the work item is not an object of the service channel', () => {
        const records = { ...store(), Case: [{ Id: 'C1' }] };
        const result = run(
            { start: 'Route', elements: routeWork('Route', str('G1')) },
            {
                inputs: { recordId: 'C1' },
                records
            }
        );
        assert.match(
            result.error ?? '',
            /sfdc_livemessage routes MessagingSession records; C1 is a Case/
        );
    });

    test('faults when serviceChannelId and serviceChannelDevName disagree', () => {
        const xml = routeWork('Route', str('G1')).replace(
            `<stringValue>sfdc_livemessage</stringValue>`,
            `<stringValue>sfdc_phone</stringValue>`
        );
        const result = run({ start: 'Route', elements: xml });
        assert.match(result.error ?? '', /name different service channels/);
    });

    test('a routeWork fault follows its fault connector', () => {
        const result = run({
            start: 'Route',
            elements:
                routeWork('Route', str('nope'), connector('Backup', 'faultConnector')) +
                routeWork('Backup', str('G2'))
        });
        assert.equal(result.status, 'Finished');
        assert.equal(result.routedTo?.queueDeveloperName, 'beta');
        assert.equal(result.routes.length, 1);
        assert.deepEqual(result.faults, [
            {
                element: 'Route',
                message: 'routeWork: nope is not the Id of a queue',
                handledBy: 'Backup'
            }
        ]);
    });
});

// ---- decisions ----------------------------------------------------------------------------------

/** A flow whose decision compares `left` with a right value and assigns outcome yes or no. */
function decisionFlow(operator: string, right: string, leftType = 'String', extraElements = '') {
    return {
        start: extraElements ? 'Prepare' : 'Check',
        variables:
            variable('left', leftType, { input: true }) +
            variable('list', 'String', { collection: true }) +
            variable('outcome', 'String'),
        elements:
            extraElements +
            `<decisions><name>Check</name><label>Check</label><locationX>0</locationX><locationY>0</locationY>
                ${connector('Say_No', 'defaultConnector')}
                <rules><name>Yes</name><conditionLogic>and</conditionLogic>
                    <conditions><leftValueReference>left</leftValueReference><operator>${operator}</operator>
                    <rightValue>${right}</rightValue></conditions>${connector('Say_Yes')}<label>Yes</label></rules>
            </decisions>` +
            assign('Say_Yes', 'outcome', str('yes')) +
            assign('Say_No', 'outcome', str('no'))
    };
}

describe('decision operators', () => {
    const listOfAB =
        assign('Prepare', 'list', str('a'), 'Prepare_2', 'AddItem') +
        assign('Prepare_2', 'list', str('b'), 'Check', 'AddItem');
    const cases: Array<[string, Scalar, string, string, string, string?]> = [
        ['EqualTo', 'abc', str('abc'), 'yes', 'String'],
        ['EqualTo', 'ABC', str('abc'), 'no', 'String'],
        ['EqualTo', null, str(''), 'yes', 'String'],
        ['NotEqualTo', 'abc', str('abd'), 'yes', 'String'],
        ['NotEqualTo', 'abc', str('abc'), 'no', 'String'],
        ['GreaterThan', 5, num(4), 'yes', 'Number'],
        ['GreaterThan', 4, num(4), 'no', 'Number'],
        ['GreaterThan', 'b', str('a'), 'yes', 'String'],
        ['LessThan', 3, num(4), 'yes', 'Number'],
        ['LessThan', null, num(4), 'no', 'Number'],
        ['GreaterThanOrEqualTo', 4, num(4), 'yes', 'Number'],
        ['LessThanOrEqualTo', 5, num(4), 'no', 'Number'],
        ['StartsWith', 'verified', str('ver'), 'yes', 'String'],
        ['StartsWith', 'Verified', str('ver'), 'no', 'String'],
        ['EndsWith', 'verified', str('fied'), 'yes', 'String'],
        ['Contains', 'unverified', str('verif'), 'yes', 'String'],
        ['Contains', null, str('x'), 'no', 'String'],
        ['IsNull', null, bool(true), 'yes', 'String'],
        ['IsNull', '', bool(true), 'no', 'String'],
        ['IsNull', 'x', bool(false), 'yes', 'String'],
        ['IsBlank', '', bool(true), 'yes', 'String'],
        ['IsBlank', null, bool(true), 'yes', 'String'],
        ['IsBlank', ' x', bool(false), 'yes', 'String'],
        ['EqualTo', true, bool(true), 'yes', 'Boolean'],
        ['In', 'b', ref('list'), 'yes', 'String', listOfAB],
        ['In', 'c', ref('list'), 'no', 'String', listOfAB],
        ['NotIn', 'c', ref('list'), 'yes', 'String', listOfAB]
    ];
    for (const [operator, left, right, expected, type, extra] of cases) {
        test(`${JSON.stringify(left)} ${operator} ${right.replace(/<[^>]+>/g, '')} → ${expected}`, () => {
            const result = run(decisionFlow(operator, right, type, extra), { inputs: { left } });
            assert.equal(result.variables.outcome, expected);
        });
    }

    test('every implemented comparison operator is exercised above or by record filters', () => {
        const used = new Set(cases.map(([operator]) => operator));
        assert.deepEqual(
            COMPARISON_OPERATORS.filter((operator) => !used.has(operator)),
            []
        );
    });

    test('a type mismatch is an error, not false', () => {
        assert.throws(
            () => run(decisionFlow('EqualTo', num(1)), { inputs: { left: 'one' } }),
            /compares string "one" with number 1/
        );
    });

    test('custom condition logic; the first rule that holds wins', () => {
        const parts: FlowParts = {
            start: 'Check',
            variables: variable('a', 'String', { input: true }) + variable('outcome', 'String'),
            elements:
                `<decisions><name>Check</name><label>Check</label><locationX>0</locationX><locationY>0</locationY>
                ${connector('Say_Default', 'defaultConnector')}
                <rules><name>First</name><conditionLogic>1 AND (2 OR NOT 3)</conditionLogic>
                    <conditions><leftValueReference>a</leftValueReference><operator>StartsWith</operator><rightValue>${str('x')}</rightValue></conditions>
                    <conditions><leftValueReference>a</leftValueReference><operator>EqualTo</operator><rightValue>${str('xy')}</rightValue></conditions>
                    <conditions><leftValueReference>a</leftValueReference><operator>Contains</operator><rightValue>${str('z')}</rightValue></conditions>
                    ${connector('Say_First')}<label>First</label></rules>
                <rules><name>Second</name><conditionLogic>or</conditionLogic>
                    <conditions><leftValueReference>a</leftValueReference><operator>Contains</operator><rightValue>${str('z')}</rightValue></conditions>
                    <conditions><leftValueReference>a</leftValueReference><operator>EqualTo</operator><rightValue>${str('never')}</rightValue></conditions>
                    ${connector('Say_Second')}<label>Second</label></rules>
            </decisions>` +
                assign('Say_First', 'outcome', str('first')) +
                assign('Say_Second', 'outcome', str('second')) +
                assign('Say_Default', 'outcome', str('default'))
        };
        const outcome = (a: string) => run(parts, { inputs: { a } }).variables.outcome;
        assert.equal(outcome('xy'), 'first');
        assert.equal(outcome('xq'), 'first');
        assert.equal(outcome('xz'), 'second');
        assert.equal(outcome('zz'), 'second');
        assert.equal(outcome('q'), 'default');
    });

    test('custom logic naming a condition that does not exist', () => {
        const parts = decisionFlow('EqualTo', str('x'));
        parts.elements = parts.elements.replace(
            '<conditionLogic>and</conditionLogic>',
            '<conditionLogic>1 OR 2</conditionLogic>'
        );
        assert.throws(() => loadFlow(flowXml(parts)), /logic '1 OR 2': condition 2 does not exist/);
    });
});

// ---- record lookups -------------------------------------------------------------------------------

function countFlow(filters: Array<[string, string, string]>, extra = '', filterLogic = '') {
    return {
        start: 'Find',
        variables:
            variable('found', 'SObject', { collection: true, objectType: 'Group' }) +
            variable('count', 'Number'),
        elements:
            lookup('Find', filters, {
                next: 'Count',
                extra: `${filterLogic ? `<filterLogic>${filterLogic}</filterLogic>` : ''}<getFirstRecordOnly>false</getFirstRecordOnly><outputReference>found</outputReference>${extra}`
            }) + assign('Count', 'count', ref('found'), null, 'AssignCount')
    };
}

describe('record filter operators (SOQL semantics: text case-insensitive)', () => {
    const cases: Array<[string, string, string, string[]]> = [
        ['DeveloperName', 'EqualTo', str('ALPHA'), ['G1']],
        ['DeveloperName', 'NotEqualTo', str('alpha'), ['G2', 'G3']],
        ['DeveloperName', 'StartsWith', str('B'), ['G2']],
        ['DeveloperName', 'EndsWith', str('MA'), ['G3']],
        ['DeveloperName', 'Contains', str('a'), ['G1', 'G2', 'G3']],
        ['Rank', 'GreaterThan', num(1), ['G2']],
        ['Rank', 'LessThan', num(2), ['G1']],
        ['Rank', 'GreaterThanOrEqualTo', num(1), ['G1', 'G2']],
        ['Rank', 'LessThanOrEqualTo', num(1), ['G1']],
        ['Rank', 'IsNull', bool(true), ['G3']],
        ['Rank', 'EqualTo', '', ['G3']]
    ];
    for (const [field, operator, value, ids] of cases) {
        test(`${field} ${operator} ${value.replace(/<[^>]+>/g, '') || '(no value)'}`, () => {
            const result = run(countFlow([[field, operator, value]]));
            const found = result.variables.found as Array<{ Id: string }>;
            assert.deepEqual(
                found.map((record) => record.Id),
                ids
            );
            assert.equal(result.variables.count, ids.length);
        });
    }

    test('custom filter logic', () => {
        const result = run(
            countFlow(
                [
                    ['Type', 'EqualTo', str('Queue')],
                    ['DeveloperName', 'EqualTo', str('beta')],
                    ['Rank', 'IsNull', bool(true)]
                ],
                '',
                '(1 AND 2) OR 3'
            )
        );
        assert.deepEqual(
            (result.variables.found as Array<{ Id: string }>).map((r) => r.Id),
            ['G2', 'G3']
        );
    });

    test('sort (nulls first ascending), limit and queried fields', () => {
        const result = run(
            countFlow(
                [['Type', 'NotEqualTo', str('none')]],
                '<limit>2</limit><queriedFields>DeveloperName</queriedFields><sortField>Rank</sortField><sortOrder>Desc</sortOrder>'
            )
        );
        assert.deepEqual(result.variables.found, [
            { Id: 'G2', DeveloperName: 'beta' },
            { Id: 'G1', DeveloperName: 'Alpha' }
        ]);
    });

    test('outputAssignments copy fields of the first record; no record leaves them unless told', () => {
        const flow = (name: string, nulls: boolean) => ({
            start: 'Find',
            variables: variable('queueName', 'String', { value: str('unchanged') }),
            elements: lookup('Find', [['DeveloperName', 'EqualTo', str(name)]], {
                extra: `<assignNullValuesIfNoRecordsFound>${nulls}</assignNullValuesIfNoRecordsFound><getFirstRecordOnly>true</getFirstRecordOnly>
                    <outputAssignments><assignToReference>queueName</assignToReference><field>DeveloperName</field></outputAssignments>`
            })
        });
        assert.equal(run(flow('BETA', false)).variables.queueName, 'beta');
        assert.equal(run(flow('nobody', false)).variables.queueName, 'unchanged');
        assert.equal(run(flow('nobody', true)).variables.queueName, null);
    });

    test('a field the flow reads but did not query is an error', () => {
        assert.throws(
            () =>
                run({
                    start: 'Find',
                    variables: variable('x', 'String'),
                    elements:
                        lookup('Find', [['DeveloperName', 'EqualTo', str('Alpha')]], {
                            next: 'Read',
                            extra: '<getFirstRecordOnly>true</getFirstRecordOnly><queriedFields>Id</queriedFields><storeOutputAutomatically>true</storeOutputAutomatically>'
                        }) + assign('Read', 'x', ref('Find.Type'))
                }),
            /Find\.Type: the record has no field Type/
        );
    });

    test('a filter on a field the in-memory records lack is an error', () => {
        assert.throws(
            () => run(countFlow([['Typo__c', 'EqualTo', str('x')]])),
            /Group record G1 has no field Typo__c/
        );
    });

    test('an object with no in-memory records is an error', () => {
        assert.throws(
            () =>
                run({
                    start: 'Find',
                    elements: lookup('Find', [['Id', 'EqualTo', str('x')]], { object: 'Case' })
                }),
            /no in-memory records for Case/
        );
    });
});

// ---- loops, assignments, formulas ---------------------------------------------------------------

describe('loops and assignments', () => {
    function loopFlow(order: string, automatic: boolean) {
        return {
            start: 'Find',
            variables:
                variable('names', 'String') +
                variable('current', 'SObject', { objectType: 'Group' }) +
                variable('visits', 'Number', { value: num(0) }),
            elements:
                lookup('Find', [['Type', 'EqualTo', str('Queue')]], {
                    next: 'Each',
                    extra: '<getFirstRecordOnly>false</getFirstRecordOnly><storeOutputAutomatically>true</storeOutputAutomatically>'
                }) +
                `<loops><name>Each</name><label>Each</label><locationX>0</locationX><locationY>0</locationY>
                    ${automatic ? '' : '<assignNextValueToReference>current</assignNextValueToReference>'}
                    <collectionReference>Find</collectionReference><iterationOrder>${order}</iterationOrder>
                    ${connector('Append', 'nextValueConnector')}${connector('Count', 'noMoreValuesConnector')}</loops>` +
                assign(
                    'Append',
                    'names',
                    ref(automatic ? 'Each.DeveloperName' : 'current.DeveloperName'),
                    'Each',
                    'Add'
                ) +
                assign('Count', 'visits', num(1), null, 'Add')
        };
    }

    test('iterates in order into a variable', () => {
        const result = run(loopFlow('Asc', false));
        assert.equal(result.variables.names, 'Alphabeta');
        assert.equal(result.variables.visits, 1);
        assert.deepEqual(result.path, [
            'Find',
            'Each',
            'Append',
            'Each',
            'Append',
            'Each',
            'Count'
        ]);
    });

    test('iterates descending with the automatic output', () => {
        assert.equal(run(loopFlow('Desc', true)).variables.names, 'betaAlpha');
    });

    test('a loop over no records goes straight to noMoreValues', () => {
        const result = run(loopFlow('Asc', false), { records: { ...store(), Group: [] } });
        assert.deepEqual(result.path, ['Find', 'Each', 'Count']);
    });

    test('Add, Subtract, AddItem, AssignCount and field assignment', () => {
        const result = run({
            start: 'A',
            variables:
                variable('n', 'Number', { value: num(10) }) +
                variable('items', 'String', { collection: true }) +
                variable('size', 'Number') +
                variable('session', 'SObject', { objectType: 'MessagingSession' }),
            elements:
                assign('A', 'n', num(5), 'B', 'Add') +
                assign('B', 'n', num(3), 'C', 'Subtract') +
                assign('C', 'items', str('x'), 'D', 'AddItem') +
                assign('D', 'items', str('y'), 'E', 'AddItem') +
                assign('E', 'size', ref('items'), 'F', 'AssignCount') +
                lookup('F', [['Id', 'EqualTo', ref('recordId')]], {
                    object: 'MessagingSession',
                    next: 'G',
                    extra: '<getFirstRecordOnly>true</getFirstRecordOnly><outputReference>session</outputReference>'
                }) +
                assign('G', 'session.Note__c', str('noted'))
        });
        assert.equal(result.variables.n, 12);
        assert.deepEqual(result.variables.items, ['x', 'y']);
        assert.equal(result.variables.size, 2);
        assert.deepEqual(result.variables.session, { Id: 'MS1', Note__c: 'noted' });
    });

    test('formulas are recalculated each time they are read', () => {
        const result = run(
            {
                start: 'A',
                variables:
                    variable('raw', 'String', { input: true }) +
                    variable('first', 'String') +
                    variable('second', 'String'),
                formulas: `<formulas><name>key</name><dataType>String</dataType><expression>LOWER(TRIM({!raw}))</expression></formulas>`,
                elements:
                    assign('A', 'first', ref('key'), 'B') +
                    assign('B', 'raw', str(' NEW '), 'C') +
                    assign('C', 'second', ref('key'))
            },
            { inputs: { raw: ' Old ' } }
        );
        assert.equal(result.variables.first, 'old');
        assert.equal(result.variables.second, 'new');
    });

    test('an endless loop is stopped', () => {
        assert.throws(
            () =>
                run(
                    {
                        start: 'A',
                        variables: variable('n', 'Number'),
                        elements: assign('A', 'n', num(1), 'A', 'Add')
                    },
                    { maxSteps: 50 }
                ),
            /stopped after 50 elements/
        );
    });
});

// ---- updates and faults ---------------------------------------------------------------------------

function stampFlow(fault: string | null) {
    return {
        start: 'Stamp',
        variables: variable('note', 'String', { input: true }) + variable('error', 'String'),
        elements:
            `<recordUpdates><name>Stamp</name><label>Stamp</label><locationX>0</locationX><locationY>0</locationY>
                ${connector('Route')}${connector(fault, 'faultConnector')}
                <filters><field>Id</field><operator>EqualTo</operator><value>${ref('recordId')}</value></filters>
                <inputAssignments><field>Note__c</field><value>${ref('note')}</value></inputAssignments>
                <object>MessagingSession</object></recordUpdates>` +
            assign('Remember_Fault', 'error', ref('$Flow.FaultMessage'), 'Route') +
            routeWork('Route', str('G1'))
    };
}

describe('record updates and fault paths', () => {
    test('an update by filters changes the in-memory record and is reported', () => {
        const result = run(stampFlow(null), { inputs: { note: 'hello' } });
        assert.deepEqual(result.updates, [
            {
                element: 'Stamp',
                object: 'MessagingSession',
                recordIds: ['MS1'],
                fields: { Note__c: 'hello' }
            }
        ]);
        assert.equal(result.records.MessagingSession[0].Note__c, 'hello');
        assert.equal(result.routedTo?.queueDeveloperName, 'Alpha');
    });

    test('the caller’s records are not modified', () => {
        const records = store();
        evaluateFlow(flowXml(stampFlow(null)), { records, inputs: { recordId: 'MS1', note: 'x' } });
        assert.equal(records.MessagingSession[0].Note__c, null);
    });

    test('an injected fault follows the fault connector with $Flow.FaultMessage set', () => {
        const result = run(stampFlow('Remember_Fault'), {
            inputs: { note: 'hello' },
            faults: { Stamp: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' }
        });
        assert.equal(result.status, 'Finished');
        assert.deepEqual(result.updates, []);
        assert.equal(result.variables.error, 'FIELD_CUSTOM_VALIDATION_EXCEPTION');
        assert.deepEqual(result.path, ['Stamp', 'Remember_Fault', 'Route']);
        assert.equal(result.routedTo?.queueId, 'G1');
    });

    test("$Flow.CurrentDateTime is the run's one moment, given or now", () => {
        const flow = {
            start: 'Remember_Now',
            variables: variable('note', 'String') + variable('error', 'String'),
            elements:
                assign('Remember_Now', 'note', ref('$Flow.CurrentDateTime'), 'Route') +
                routeWork('Route', str('G1'))
        };
        const given = run(flow, { now: '2026-11-30T02:15:00.000Z' });
        assert.equal(given.variables.note, '2026-11-30T02:15:00.000Z');
        const before = Date.now();
        const stamped = Date.parse(String(run(flow).variables.note));
        assert.ok(stamped >= before - 1000 && stamped <= Date.now(), 'defaults to now');
        assert.throws(() => run(flow, { now: 'yesterday' }), /not an ISO 8601 date-time/);
    });

    test('an injected fault without a fault connector fails the run', () => {
        const result = run(stampFlow(null), { faults: { Stamp: 'UNABLE_TO_LOCK_ROW' } });
        assert.equal(result.status, 'Failed');
        assert.equal(result.error, 'Stamp: UNABLE_TO_LOCK_ROW');
        assert.equal(result.routedTo, null);
        assert.deepEqual(result.path, ['Stamp']);
    });

    test('an update by record reference writes the record back', () => {
        const result = run({
            start: 'Find',
            variables: variable('session', 'SObject', { objectType: 'MessagingSession' }),
            elements:
                lookup('Find', [['Id', 'EqualTo', ref('recordId')]], {
                    object: 'MessagingSession',
                    next: 'Set',
                    extra: '<getFirstRecordOnly>true</getFirstRecordOnly><outputReference>session</outputReference>'
                }) +
                assign('Set', 'session.Note__c', str('by reference'), 'Save') +
                `<recordUpdates><name>Save</name><label>Save</label><locationX>0</locationX><locationY>0</locationY>
                    <inputReference>session</inputReference></recordUpdates>`
        });
        assert.equal(result.records.MessagingSession[0].Note__c, 'by reference');
        assert.deepEqual(result.updates[0].recordIds, ['MS1']);
    });
});

// ---- loud failures --------------------------------------------------------------------------------

describe('fails loudly on what it does not implement', () => {
    const base = {
        start: 'A',
        variables: variable('x', 'String'),
        elements: assign('A', 'x', str('v'))
    };
    const cases: Array<[string, FlowParts, RegExp]> = [
        [
            'an unknown element type',
            { ...base, elements: base.elements + '<screens><name>S</name></screens>' },
            /element type <screens> is not supported/
        ],
        [
            'an unknown element property',
            {
                ...base,
                elements: base.elements.replace(
                    '</assignments>',
                    '<elementSubtype>X</elementSubtype></assignments>'
                )
            },
            /assignments A: <elementSubtype> is not supported/
        ],
        [
            'an unknown decision operator',
            decisionFlow('IsChanged', bool(true)),
            /decisions Check rule Yes condition 1: operator IsChanged is not supported/
        ],
        [
            'IsBlank in a record filter (not a filter operator)',
            countFlow([['DeveloperName', 'IsBlank', bool(true)]]),
            /recordLookups Find filter 1: operator IsBlank is not supported/
        ],
        [
            'an unknown assignment operator',
            { ...base, elements: assign('A', 'x', str('v'), null, 'RemoveAll') },
            /assignment operator RemoveAll is not supported/
        ],
        [
            'an unknown formula function',
            {
                ...base,
                formulas:
                    '<formulas><name>f</name><dataType>String</dataType><expression>SUBSTITUTE({!x}, "a", "b")</expression></formulas>'
            },
            /formula f: formula function SUBSTITUTE\(\) is not supported/
        ],
        [
            'an action other than routeWork',
            {
                start: 'Act',
                elements: routeWork('Act', str('G1')).replace(
                    /routeWork<\/actionType>/,
                    'apex</actionType>'
                )
            },
            /actionCalls Act: action apex\/routeWork is not supported/
        ],
        [
            'a routing type other than QueueBased',
            {
                start: 'Act',
                elements: routeWork('Act', str('G1')).replace('QueueBased', 'SkillsBased')
            },
            /routingType SkillsBased is not supported/
        ],
        [
            'an input of another routing type',
            {
                start: 'Act',
                elements: routeWork('Act', str('G1')).replace(
                    '<name>agentId</name>',
                    `<name>agentId</name><value>${str('005')}</value>`
                )
            },
            /routeWork input agentId belongs to a routing type other than QueueBased/
        ],
        [
            'an unknown routeWork input',
            {
                start: 'Act',
                elements: routeWork('Act', str('G1')).replace(
                    '<name>agentId</name>',
                    '<name>mystery</name>'
                )
            },
            /unknown routeWork input mystery/
        ],
        [
            'another process type',
            { ...base, processType: 'AutoLaunchedFlow' },
            /processType AutoLaunchedFlow is not supported/
        ],
        [
            'a start with a trigger',
            {
                ...base,
                startXml:
                    '<start><connector><targetReference>A</targetReference></connector><triggerType>RecordAfterSave</triggerType></start>'
            },
            /start: <triggerType> is not supported/
        ],
        [
            'a connector to a missing element',
            { ...base, elements: assign('A', 'x', str('v'), 'Nowhere') },
            /assignments A: connector to unknown element Nowhere/
        ],
        [
            'a reference to a missing resource',
            { ...base, elements: assign('A', 'x', ref('ghost')) },
            /reference to unknown resource ghost/
        ],
        [
            'an unsupported global',
            { ...base, elements: assign('A', 'x', ref('$User.Id')) },
            /global \$User\.Id is not supported/
        ],
        [
            'a two-level field reference',
            { ...base, elements: assign('A', 'x', ref('recordId.Owner.Name')) },
            /more than one field deep/
        ],
        [
            'an unsupported value type',
            { ...base, elements: assign('A', 'x', '<dateValue>2026-01-01</dateValue>') },
            /<dateValue> is not supported/
        ],
        [
            'an unsupported variable type',
            { ...base, variables: variable('d', 'Date') },
            /variable dataType Date is not supported/
        ],
        [
            'a duplicate name',
            { ...base, variables: base.variables + variable('A', 'String') },
            /name A is used twice/
        ]
    ];
    for (const [label, parts, pattern] of cases) {
        test(label, () => {
            assert.throws(
                () => loadFlow(flowXml(parts)),
                (error: Error) => {
                    assert.ok(error instanceof FlowEvaluatorError, error.message);
                    assert.match(error.message, pattern);
                    return true;
                }
            );
        });
    }

    test('XML that is not well-formed', () => {
        const truncated = flowXml(base).slice(0, 300);
        assert.throws(() => loadFlow(truncated), /not well-formed/);
    });

    const optionCases: Array<[string, EvaluateOptions, RegExp]> = [
        [
            'an input the flow does not declare',
            { inputs: { nope: 'x' } },
            /the flow has no variable nope/
        ],
        ['an input to a non-input variable', { inputs: { x: 'x' } }, /variable x is not an input/],
        [
            'an input of the wrong type',
            { inputs: { recordId: 5 } },
            /recordId is a String variable; got 5/
        ],
        [
            'a fault on an unknown element',
            { faults: { Ghost: 'x' } },
            /faults: no element named Ghost/
        ],
        [
            'a fault on an element that cannot fault',
            { faults: { A: 'x' } },
            /assignments A cannot fault/
        ]
    ];
    for (const [label, options, pattern] of optionCases) {
        test(`options: ${label}`, () => {
            assert.throws(
                () => evaluateFlow(flowXml(base), { records: store(), ...options }),
                pattern
            );
        });
    }
});

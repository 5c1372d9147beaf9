// Turns Flow metadata XML into a checked model the interpreter runs. Every element type, element
// property, operator, formula function and action the model accepts is one the interpreter
// implements; anything else is a FlowEvaluatorError here, before the flow runs, whatever path a
// given run would take.
import { createXmlParser, XMLValidator } from '../../scripts/lib/xml.ts';
import { FlowEvaluatorError } from './errors.ts';
import { formulaReferences, parseFormula, type FormulaNode } from './formula.ts';
import { isComparisonOperator, type ComparisonOperator, type Scalar } from './values.ts';

/** A parsed XML element as fast-xml-parser returns it (any repeated element may be an array). */
export type RawXml = string | RawXmlNode | RawXml[];
export interface RawXmlNode {
    [key: string]: RawXml;
}

export type ValueSpec =
    | { kind: 'none' }
    | { kind: 'literal'; value: Scalar }
    | { kind: 'reference'; reference: string }
    | { kind: 'setupReference'; name: string; type: string };

export interface Condition {
    left: string;
    operator: ComparisonOperator;
    right: ValueSpec;
}

/** A compiled conditionLogic / filterLogic: 'and', 'or' or a custom '1 AND (2 OR 3)'. */
export type Logic = { text: string; apply: (results: boolean[]) => boolean };

export interface RecordFilter {
    field: string;
    operator: ComparisonOperator;
    value: ValueSpec;
}

export interface VariableDef {
    name: string;
    dataType: 'String' | 'Boolean' | 'Number' | 'Currency' | 'SObject';
    isCollection: boolean;
    isInput: boolean;
    isOutput: boolean;
    objectType: string | null;
    initial: ValueSpec;
}

export interface FormulaDef {
    name: string;
    dataType: 'String' | 'Boolean' | 'Number';
    expression: string;
    tree: FormulaNode;
}

interface ElementBase {
    name: string;
}

export interface ActionCallElement extends ElementBase {
    type: 'actionCalls';
    actionType: 'routeWork';
    inputs: Map<string, ValueSpec>;
    connector: string | null;
    faultConnector: string | null;
}

export interface AssignmentElement extends ElementBase {
    type: 'assignments';
    items: Array<{ target: string; operator: AssignmentOperator; value: ValueSpec }>;
    connector: string | null;
}

export interface DecisionElement extends ElementBase {
    type: 'decisions';
    rules: Array<{
        name: string;
        logic: Logic;
        conditions: Condition[];
        connector: string | null;
    }>;
    defaultConnector: string | null;
}

export interface LoopElement extends ElementBase {
    type: 'loops';
    collection: string;
    /** The variable each item is assigned to; null = the loop's own automatic output. */
    assignTo: string | null;
    order: 'Asc' | 'Desc';
    nextValueConnector: string | null;
    noMoreValuesConnector: string | null;
}

export interface RecordLookupElement extends ElementBase {
    type: 'recordLookups';
    object: string;
    filters: RecordFilter[];
    filterLogic: Logic;
    getFirstRecordOnly: boolean;
    storeOutputAutomatically: boolean;
    outputReference: string | null;
    outputAssignments: Array<{ field: string; target: string }>;
    assignNullValuesIfNoRecordsFound: boolean;
    queriedFields: string[] | null;
    sortField: string | null;
    sortOrder: 'Asc' | 'Desc';
    limit: number | null;
    connector: string | null;
    faultConnector: string | null;
}

export interface RecordUpdateElement extends ElementBase {
    type: 'recordUpdates';
    object: string | null;
    filters: RecordFilter[];
    filterLogic: Logic;
    inputAssignments: Array<{ field: string; value: ValueSpec }>;
    inputReference: string | null;
    connector: string | null;
    faultConnector: string | null;
}

export type FlowElement =
    | ActionCallElement
    | AssignmentElement
    | DecisionElement
    | LoopElement
    | RecordLookupElement
    | RecordUpdateElement;

export type ElementType = FlowElement['type'];

export const ASSIGNMENT_OPERATORS = [
    'Assign',
    'Add',
    'Subtract',
    'AddItem',
    'AssignCount'
] as const;
export type AssignmentOperator = (typeof ASSIGNMENT_OPERATORS)[number];

export interface FlowModel {
    label: string;
    processType: string;
    startTarget: string | null;
    variables: Map<string, VariableDef>;
    formulas: Map<string, FormulaDef>;
    elements: Map<string, FlowElement>;
}

/** Global references the interpreter resolves. */
export const GLOBAL_REFERENCES = [
    '$Flow.FaultMessage',
    '$Flow.CurrentDateTime',
    '$GlobalConstant.True',
    '$GlobalConstant.False',
    '$GlobalConstant.EmptyString'
];

// ---- raw XML access ---------------------------------------------------------------------------

// Keep text exactly (a stringValue of ' Verified ' must stay so); whitespace between child
// elements is dropped below.
const parser = createXmlParser({ attributes: true, trim: false });

/** Parses Flow XML (the content of a .flow-meta.xml file) into its raw <Flow> element. */
export function parseFlowXml(xml: string): RawXmlNode {
    const valid = XMLValidator.validate(xml);
    if (valid !== true) {
        throw new FlowEvaluatorError(
            `flow XML is not well-formed: line ${valid.err.line}: ${valid.err.msg}`
        );
    }
    const parsed = parser.parse(xml) as RawXmlNode;
    const flow = parsed.Flow;
    if (flow === undefined) throw new FlowEvaluatorError('flow XML has no <Flow> root element');
    return asNode(flow, 'Flow');
}

function asNode(raw: RawXml | undefined, where: string): RawXmlNode {
    if (raw === undefined) return {};
    if (typeof raw === 'string') {
        if (raw.trim() === '') return {};
        throw new FlowEvaluatorError(`${where}: expected child elements, found text '${raw}'`);
    }
    if (Array.isArray(raw)) throw new FlowEvaluatorError(`${where}: expected one element`);
    return raw;
}

function keysOf(node: RawXmlNode): string[] {
    return Object.keys(node).filter((key) => {
        if (key.startsWith('@_')) return false;
        if (key === '#text') {
            const text = node[key];
            return !(typeof text === 'string' && text.trim() === '');
        }
        return true;
    });
}

function checkKeys(node: RawXmlNode, allowed: string[], where: string): void {
    for (const key of keysOf(node)) {
        if (!allowed.includes(key)) {
            throw new FlowEvaluatorError(
                `${where}: <${key}> is not supported by the flow evaluator`
            );
        }
    }
}

function many(node: RawXmlNode, key: string): RawXml[] {
    const value = node[key];
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
}

function text(node: RawXmlNode, key: string, where: string): string | null {
    const values = many(node, key);
    if (values.length === 0) return null;
    if (values.length > 1) throw new FlowEvaluatorError(`${where}: <${key}> appears twice`);
    const value = values[0];
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && !Array.isArray(value)) {
        const inner = value['#text'];
        if (typeof inner === 'string') return inner;
        if (keysOf(value).length === 0) return '';
    }
    throw new FlowEvaluatorError(`${where}: <${key}> should be text`);
}

function requiredText(node: RawXmlNode, key: string, where: string): string {
    const value = text(node, key, where);
    if (value === null || value.trim() === '') {
        throw new FlowEvaluatorError(`${where}: <${key}> is required`);
    }
    return value.trim();
}

function bool(node: RawXmlNode, key: string, where: string, fallback: boolean): boolean {
    const value = text(node, key, where);
    if (value === null) return fallback;
    if (value.trim() === 'true') return true;
    if (value.trim() === 'false') return false;
    throw new FlowEvaluatorError(`${where}: <${key}> must be true or false, got '${value}'`);
}

const CONNECTOR_KEYS = ['targetReference', 'isGoTo', 'processMetadataValues'];

function connector(node: RawXmlNode, key: string, where: string): string | null {
    const values = many(node, key);
    if (values.length === 0) return null;
    if (values.length > 1) throw new FlowEvaluatorError(`${where}: <${key}> appears twice`);
    const inner = asNode(values[0], `${where} <${key}>`);
    checkKeys(inner, CONNECTOR_KEYS, `${where} <${key}>`);
    return requiredText(inner, 'targetReference', `${where} <${key}>`);
}

const VALUE_KEYS = [
    'stringValue',
    'booleanValue',
    'numberValue',
    'elementReference',
    'setupReference',
    'setupReferenceType'
];

function valueSpec(raw: RawXml | undefined, where: string): ValueSpec {
    const node = asNode(raw, where);
    checkKeys(node, VALUE_KEYS, where);
    const keys = keysOf(node);
    if (keys.length === 0) return { kind: 'none' };
    if (keys.includes('setupReference')) {
        return {
            kind: 'setupReference',
            name: requiredText(node, 'setupReference', where),
            type: requiredText(node, 'setupReferenceType', where)
        };
    }
    if (keys.length !== 1) {
        throw new FlowEvaluatorError(`${where}: a value has more than one of ${keys.join(', ')}`);
    }
    const key = keys[0];
    const value = text(node, key, where) ?? '';
    switch (key) {
        case 'stringValue':
            return { kind: 'literal', value };
        case 'booleanValue':
            if (value.trim() !== 'true' && value.trim() !== 'false') {
                throw new FlowEvaluatorError(`${where}: booleanValue '${value}'`);
            }
            return { kind: 'literal', value: value.trim() === 'true' };
        case 'numberValue': {
            const number = Number(value);
            if (value.trim() === '' || Number.isNaN(number)) {
                throw new FlowEvaluatorError(`${where}: numberValue '${value}'`);
            }
            return { kind: 'literal', value: number };
        }
        case 'elementReference':
            return { kind: 'reference', reference: value.trim() };
        default:
            throw new FlowEvaluatorError(`${where}: <${key}> without setupReference`);
    }
}

function childValue(node: RawXmlNode, key: string, where: string): ValueSpec {
    const values = many(node, key);
    if (values.length > 1) throw new FlowEvaluatorError(`${where}: <${key}> appears twice`);
    return valueSpec(values[0], `${where} <${key}>`);
}

/** 'and', 'or', or custom logic over 1-based condition numbers with AND, OR, NOT, parentheses. */
export function compileLogic(raw: string | null, count: number, where: string): Logic {
    const logicText = (raw ?? 'and').trim();
    const lower = logicText.toLowerCase();
    if (lower === 'and') return { text: 'and', apply: (results) => results.every(Boolean) };
    if (lower === 'or') return { text: 'or', apply: (results) => results.some(Boolean) };
    const tokens = logicText.match(/\d+|AND|OR|NOT|\(|\)|\S+/gi) ?? [];
    let position = 0;
    type Expr = (results: boolean[]) => boolean;
    const fail = (message: string): never => {
        throw new FlowEvaluatorError(`${where}: logic '${logicText}': ${message}`);
    };
    const orExpr = (): Expr => {
        let left = andExpr();
        while (tokens[position]?.toUpperCase() === 'OR') {
            position++;
            const a = left;
            const b = andExpr();
            left = (r) => a(r) || b(r);
        }
        return left;
    };
    const andExpr = (): Expr => {
        let left = notExpr();
        while (tokens[position]?.toUpperCase() === 'AND') {
            position++;
            const a = left;
            const b = notExpr();
            left = (r) => a(r) && b(r);
        }
        return left;
    };
    const notExpr = (): Expr => {
        if (tokens[position]?.toUpperCase() === 'NOT') {
            position++;
            const inner = notExpr();
            return (r) => !inner(r);
        }
        const token = tokens[position++];
        if (token === '(') {
            const inner = orExpr();
            if (tokens[position++] !== ')') fail('missing )');
            return inner;
        }
        if (token !== undefined && /^\d+$/.test(token)) {
            const index = Number(token);
            if (index < 1 || index > count) fail(`condition ${index} does not exist`);
            return (r) => r[index - 1];
        }
        return fail(`unexpected '${token ?? 'end'}'`);
    };
    const expr = orExpr();
    if (position !== tokens.length) fail(`unexpected '${tokens[position]}'`);
    return { text: logicText, apply: expr };
}

function operator(raw: string, where: string, allowIsBlank: boolean): ComparisonOperator {
    if (!isComparisonOperator(raw) || (raw === 'IsBlank' && !allowIsBlank)) {
        throw new FlowEvaluatorError(`${where}: operator ${raw} is not supported`);
    }
    return raw;
}

// ---- elements -----------------------------------------------------------------------------------

/** Properties every element may carry that do not change what it does. */
const COSMETIC = [
    'processMetadataValues',
    'description',
    'name',
    'label',
    'locationX',
    'locationY'
];

function recordFilters(node: RawXmlNode, where: string): RecordFilter[] {
    return many(node, 'filters').map((raw, index) => {
        const filterWhere = `${where} filter ${index + 1}`;
        const filter = asNode(raw, filterWhere);
        checkKeys(filter, ['field', 'operator', 'value', 'processMetadataValues'], filterWhere);
        return {
            field: requiredText(filter, 'field', filterWhere),
            operator: operator(requiredText(filter, 'operator', filterWhere), filterWhere, false),
            value: childValue(filter, 'value', filterWhere)
        };
    });
}

/** routeWork inputs: the ones a QueueBased route uses, and those of other routing types. */
const ROUTE_WORK_INPUTS = [
    'recordId',
    'routingType',
    'serviceChannelId',
    'serviceChannelDevName',
    'serviceChannelLabel',
    'queueId',
    'queueLabel',
    'isQueueVariable'
];
const ROUTE_WORK_OTHER_TYPE_INPUTS = [
    'routingConfigId',
    'routingConfigLabel',
    'agentId',
    'agentLabel',
    'skillOption',
    'skillRequirementsResourceItem',
    'botId',
    'botLabel',
    'copilotId',
    'copilotLabel',
    'agentforceEmployeeAgentId',
    'agentforceEmployeeAgentLabel',
    'externalConversationBotId',
    'externalConversationBotLabel'
];

function actionCall(node: RawXmlNode, name: string, where: string): ActionCallElement {
    checkKeys(
        node,
        [
            ...COSMETIC,
            'actionName',
            'actionType',
            'connector',
            'faultConnector',
            'flowTransactionModel',
            'inputParameters',
            'nameSegment',
            'offset',
            'versionString',
            'versionSegment'
        ],
        where
    );
    const actionType = requiredText(node, 'actionType', where);
    const actionName = requiredText(node, 'actionName', where);
    if (actionType !== 'routeWork' || actionName !== 'routeWork') {
        throw new FlowEvaluatorError(
            `${where}: action ${actionType}/${actionName} is not supported (only routeWork)`
        );
    }
    const inputs = new Map<string, ValueSpec>();
    for (const [index, raw] of many(node, 'inputParameters').entries()) {
        const inputWhere = `${where} input ${index + 1}`;
        const input = asNode(raw, inputWhere);
        checkKeys(input, ['name', 'value', 'processMetadataValues'], inputWhere);
        const inputName = requiredText(input, 'name', inputWhere);
        const value = childValue(input, 'value', `${where} input ${inputName}`);
        if (ROUTE_WORK_OTHER_TYPE_INPUTS.includes(inputName)) {
            if (value.kind !== 'none') {
                throw new FlowEvaluatorError(
                    `${where}: routeWork input ${inputName} belongs to a routing type other than ` +
                        'QueueBased, which the flow evaluator does not support'
                );
            }
            continue;
        }
        if (!ROUTE_WORK_INPUTS.includes(inputName)) {
            throw new FlowEvaluatorError(`${where}: unknown routeWork input ${inputName}`);
        }
        if (inputs.has(inputName)) {
            throw new FlowEvaluatorError(`${where}: routeWork input ${inputName} appears twice`);
        }
        inputs.set(inputName, value);
    }
    const routingType = inputs.get('routingType');
    if (routingType?.kind === 'literal' && routingType.value !== 'QueueBased') {
        throw new FlowEvaluatorError(
            `${where}: routeWork routingType ${String(routingType.value)} is not supported ` +
                '(only QueueBased)'
        );
    }
    const serviceChannel = inputs.get('serviceChannelId');
    if (serviceChannel?.kind === 'setupReference' && serviceChannel.type !== 'ServiceChannel') {
        throw new FlowEvaluatorError(
            `${where}: serviceChannelId refers to a ${serviceChannel.type}, not a ServiceChannel`
        );
    }
    return {
        type: 'actionCalls',
        name,
        actionType: 'routeWork',
        inputs,
        connector: connector(node, 'connector', where),
        faultConnector: connector(node, 'faultConnector', where)
    };
}

function assignment(node: RawXmlNode, name: string, where: string): AssignmentElement {
    checkKeys(node, [...COSMETIC, 'assignmentItems', 'connector'], where);
    const items = many(node, 'assignmentItems').map((raw, index) => {
        const itemWhere = `${where} item ${index + 1}`;
        const item = asNode(raw, itemWhere);
        checkKeys(
            item,
            ['assignToReference', 'operator', 'value', 'processMetadataValues'],
            itemWhere
        );
        const op = requiredText(item, 'operator', itemWhere);
        if (!(ASSIGNMENT_OPERATORS as readonly string[]).includes(op)) {
            throw new FlowEvaluatorError(
                `${itemWhere}: assignment operator ${op} is not supported`
            );
        }
        return {
            target: requiredText(item, 'assignToReference', itemWhere),
            operator: op as AssignmentOperator,
            value: childValue(item, 'value', itemWhere)
        };
    });
    return { type: 'assignments', name, items, connector: connector(node, 'connector', where) };
}

function decision(node: RawXmlNode, name: string, where: string): DecisionElement {
    checkKeys(node, [...COSMETIC, 'defaultConnector', 'defaultConnectorLabel', 'rules'], where);
    const rules = many(node, 'rules').map((raw, index) => {
        const rule = asNode(raw, `${where} rule ${index + 1}`);
        const ruleName = requiredText(rule, 'name', `${where} rule ${index + 1}`);
        const ruleWhere = `${where} rule ${ruleName}`;
        checkKeys(
            rule,
            [
                'name',
                'label',
                'description',
                'processMetadataValues',
                'conditionLogic',
                'conditions',
                'connector'
            ],
            ruleWhere
        );
        const conditions = many(rule, 'conditions').map((rawCondition, conditionIndex) => {
            const conditionWhere = `${ruleWhere} condition ${conditionIndex + 1}`;
            const condition = asNode(rawCondition, conditionWhere);
            checkKeys(
                condition,
                ['leftValueReference', 'operator', 'rightValue', 'processMetadataValues'],
                conditionWhere
            );
            return {
                left: requiredText(condition, 'leftValueReference', conditionWhere),
                operator: operator(
                    requiredText(condition, 'operator', conditionWhere),
                    conditionWhere,
                    true
                ),
                right: childValue(condition, 'rightValue', conditionWhere)
            };
        });
        if (conditions.length === 0) {
            throw new FlowEvaluatorError(`${ruleWhere}: a decision rule needs conditions`);
        }
        return {
            name: ruleName,
            logic: compileLogic(
                text(rule, 'conditionLogic', ruleWhere),
                conditions.length,
                ruleWhere
            ),
            conditions,
            connector: connector(rule, 'connector', ruleWhere)
        };
    });
    return {
        type: 'decisions',
        name,
        rules,
        defaultConnector: connector(node, 'defaultConnector', where)
    };
}

function loop(node: RawXmlNode, name: string, where: string): LoopElement {
    checkKeys(
        node,
        [
            ...COSMETIC,
            'assignNextValueToReference',
            'collectionReference',
            'iterationOrder',
            'nextValueConnector',
            'noMoreValuesConnector'
        ],
        where
    );
    const order = text(node, 'iterationOrder', where) ?? 'Asc';
    if (order !== 'Asc' && order !== 'Desc') {
        throw new FlowEvaluatorError(`${where}: iterationOrder ${order} is not supported`);
    }
    return {
        type: 'loops',
        name,
        collection: requiredText(node, 'collectionReference', where),
        assignTo: text(node, 'assignNextValueToReference', where)?.trim() || null,
        order,
        nextValueConnector: connector(node, 'nextValueConnector', where),
        noMoreValuesConnector: connector(node, 'noMoreValuesConnector', where)
    };
}

function recordLookup(node: RawXmlNode, name: string, where: string): RecordLookupElement {
    checkKeys(
        node,
        [
            ...COSMETIC,
            'assignNullValuesIfNoRecordsFound',
            'connector',
            'faultConnector',
            'filterLogic',
            'filters',
            'getFirstRecordOnly',
            'limit',
            'object',
            'outputAssignments',
            'outputReference',
            'queriedFields',
            'sortField',
            'sortOrder',
            'storeOutputAutomatically'
        ],
        where
    );
    const filters = recordFilters(node, where);
    const sortOrder = text(node, 'sortOrder', where) ?? 'Asc';
    if (sortOrder !== 'Asc' && sortOrder !== 'Desc') {
        throw new FlowEvaluatorError(`${where}: sortOrder ${sortOrder} is not supported`);
    }
    const limitText = text(node, 'limit', where);
    const queried = many(node, 'queriedFields').map((raw) => {
        if (typeof raw !== 'string' || raw.trim() === '') {
            throw new FlowEvaluatorError(`${where}: <queriedFields> should be a field name`);
        }
        return raw.trim();
    });
    const outputAssignments = many(node, 'outputAssignments').map((raw, index) => {
        const itemWhere = `${where} output assignment ${index + 1}`;
        const item = asNode(raw, itemWhere);
        checkKeys(item, ['assignToReference', 'field', 'processMetadataValues'], itemWhere);
        return {
            field: requiredText(item, 'field', itemWhere),
            target: requiredText(item, 'assignToReference', itemWhere)
        };
    });
    const element: RecordLookupElement = {
        type: 'recordLookups',
        name,
        object: requiredText(node, 'object', where),
        filters,
        filterLogic: compileLogic(text(node, 'filterLogic', where), filters.length, where),
        getFirstRecordOnly: bool(node, 'getFirstRecordOnly', where, false),
        storeOutputAutomatically: bool(node, 'storeOutputAutomatically', where, false),
        outputReference: text(node, 'outputReference', where)?.trim() || null,
        outputAssignments,
        assignNullValuesIfNoRecordsFound: bool(
            node,
            'assignNullValuesIfNoRecordsFound',
            where,
            false
        ),
        queriedFields: queried.length > 0 ? queried : null,
        sortField: text(node, 'sortField', where)?.trim() || null,
        sortOrder,
        limit: limitText === null ? null : Number(limitText),
        connector: connector(node, 'connector', where),
        faultConnector: connector(node, 'faultConnector', where)
    };
    const outputs = [
        element.storeOutputAutomatically,
        element.outputReference !== null,
        outputAssignments.length > 0
    ].filter(Boolean).length;
    if (outputs !== 1) {
        throw new FlowEvaluatorError(
            `${where}: needs exactly one of storeOutputAutomatically, outputReference, ` +
                'outputAssignments'
        );
    }
    if (element.limit !== null && !(Number.isInteger(element.limit) && element.limit > 0)) {
        throw new FlowEvaluatorError(`${where}: limit '${limitText}' is not a positive integer`);
    }
    return element;
}

function recordUpdate(node: RawXmlNode, name: string, where: string): RecordUpdateElement {
    checkKeys(
        node,
        [
            ...COSMETIC,
            'connector',
            'faultConnector',
            'filterLogic',
            'filters',
            'inputAssignments',
            'inputReference',
            'object'
        ],
        where
    );
    const filters = recordFilters(node, where);
    const inputAssignments = many(node, 'inputAssignments').map((raw, index) => {
        const itemWhere = `${where} input assignment ${index + 1}`;
        const item = asNode(raw, itemWhere);
        checkKeys(item, ['field', 'value', 'processMetadataValues'], itemWhere);
        const field = requiredText(item, 'field', itemWhere);
        return { field, value: childValue(item, 'value', `${where} field ${field}`) };
    });
    const element: RecordUpdateElement = {
        type: 'recordUpdates',
        name,
        object: text(node, 'object', where)?.trim() || null,
        filters,
        filterLogic: compileLogic(text(node, 'filterLogic', where), filters.length, where),
        inputAssignments,
        inputReference: text(node, 'inputReference', where)?.trim() || null,
        connector: connector(node, 'connector', where),
        faultConnector: connector(node, 'faultConnector', where)
    };
    if (element.inputReference !== null) {
        if (filters.length > 0 || inputAssignments.length > 0) {
            throw new FlowEvaluatorError(
                `${where}: inputReference cannot be combined with filters or inputAssignments`
            );
        }
    } else {
        if (element.object === null) throw new FlowEvaluatorError(`${where}: <object> is required`);
        if (filters.length === 0) {
            // Salesforce refuses to save an update of "all records"; so does the evaluator.
            throw new FlowEvaluatorError(
                `${where}: an update by filters needs at least one filter`
            );
        }
        if (inputAssignments.length === 0) {
            throw new FlowEvaluatorError(`${where}: an update needs inputAssignments`);
        }
    }
    return element;
}

const VARIABLE_TYPES = ['String', 'Boolean', 'Number', 'Currency', 'SObject'];

function variable(node: RawXmlNode, where: string): VariableDef {
    checkKeys(
        node,
        [
            'name',
            'description',
            'processMetadataValues',
            'dataType',
            'isCollection',
            'isInput',
            'isOutput',
            'objectType',
            'scale',
            'value'
        ],
        where
    );
    const dataType = requiredText(node, 'dataType', where);
    if (!VARIABLE_TYPES.includes(dataType)) {
        throw new FlowEvaluatorError(`${where}: variable dataType ${dataType} is not supported`);
    }
    const objectType = text(node, 'objectType', where)?.trim() || null;
    if (dataType === 'SObject' && !objectType) {
        throw new FlowEvaluatorError(`${where}: an SObject variable needs <objectType>`);
    }
    return {
        name: requiredText(node, 'name', where),
        dataType: dataType as VariableDef['dataType'],
        isCollection: bool(node, 'isCollection', where, false),
        isInput: bool(node, 'isInput', where, false),
        isOutput: bool(node, 'isOutput', where, false),
        objectType,
        initial: childValue(node, 'value', where)
    };
}

function formula(node: RawXmlNode, where: string): FormulaDef {
    checkKeys(
        node,
        ['name', 'description', 'processMetadataValues', 'dataType', 'expression', 'scale'],
        where
    );
    const dataType = requiredText(node, 'dataType', where);
    if (dataType !== 'String' && dataType !== 'Boolean' && dataType !== 'Number') {
        throw new FlowEvaluatorError(`${where}: formula dataType ${dataType} is not supported`);
    }
    const expression = requiredText(node, 'expression', where);
    return {
        name: requiredText(node, 'name', where),
        dataType,
        expression,
        tree: parseFormula(expression, where)
    };
}

/** Top-level Flow properties that describe the flow but do not change what a run does. */
const FLOW_PROPERTIES = [
    'apiVersion',
    'areMetricsLoggedToDataCloud',
    'description',
    'environments',
    'interviewLabel',
    'label',
    'processMetadataValues',
    'processType',
    'runInMode',
    'sourceTemplate',
    'status'
];
const ELEMENT_BUILDERS: Record<
    ElementType,
    (node: RawXmlNode, name: string, where: string) => FlowElement
> = {
    actionCalls: actionCall,
    assignments: assignment,
    decisions: decision,
    loops: loop,
    recordLookups: recordLookup,
    recordUpdates: recordUpdate
};

/** Checks and compiles a parsed <Flow>; throws FlowEvaluatorError on anything unsupported. */
export function buildFlowModel(flow: RawXmlNode): FlowModel {
    const elementTypes = Object.keys(ELEMENT_BUILDERS) as ElementType[];
    for (const key of keysOf(flow)) {
        if (
            !FLOW_PROPERTIES.includes(key) &&
            !(elementTypes as string[]).includes(key) &&
            !['variables', 'formulas', 'start', 'startElementReference'].includes(key)
        ) {
            throw new FlowEvaluatorError(`Flow: element type <${key}> is not supported`);
        }
    }
    const processType = requiredText(flow, 'processType', 'Flow');
    if (processType !== 'RoutingFlow') {
        throw new FlowEvaluatorError(
            `Flow: processType ${processType} is not supported (the evaluator runs RoutingFlow)`
        );
    }

    const names = new Set<string>();
    const claim = (name: string, where: string) => {
        if (names.has(name)) throw new FlowEvaluatorError(`${where}: name ${name} is used twice`);
        names.add(name);
    };

    const variables = new Map<string, VariableDef>();
    for (const raw of many(flow, 'variables')) {
        const def = variable(asNode(raw, 'variables'), 'variables');
        claim(def.name, `variable ${def.name}`);
        variables.set(def.name, def);
    }
    const formulas = new Map<string, FormulaDef>();
    for (const raw of many(flow, 'formulas')) {
        const node = asNode(raw, 'formulas');
        const def = formula(node, `formula ${text(node, 'name', 'formulas') ?? '?'}`);
        claim(def.name, `formula ${def.name}`);
        formulas.set(def.name, def);
    }
    const elements = new Map<string, FlowElement>();
    for (const type of elementTypes) {
        for (const raw of many(flow, type)) {
            const node = asNode(raw, type);
            const name = requiredText(node, 'name', type);
            const where = `${type} ${name}`;
            claim(name, where);
            elements.set(name, ELEMENT_BUILDERS[type](node, name, where));
        }
    }

    let startTarget: string | null;
    const startElementReference = text(flow, 'startElementReference', 'Flow');
    if (startElementReference !== null) {
        startTarget = startElementReference.trim();
    } else {
        const start = asNode(many(flow, 'start')[0], 'start');
        // A RoutingFlow's start is bare: Omni-Channel launches it. Trigger settings mean some
        // other kind of flow.
        checkKeys(start, ['locationX', 'locationY', 'connector', 'processMetadataValues'], 'start');
        startTarget = connector(start, 'connector', 'start');
    }

    const model: FlowModel = {
        label: text(flow, 'label', 'Flow') ?? '',
        processType,
        startTarget,
        variables,
        formulas,
        elements
    };
    checkReferences(model);
    return model;
}

/** Each connector leads to an element, each reference to a resource: checked before any run. */
function checkReferences(model: FlowModel): void {
    const target = (name: string | null, where: string) => {
        if (name !== null && !model.elements.has(name)) {
            throw new FlowEvaluatorError(`${where}: connector to unknown element ${name}`);
        }
    };
    const readable = (reference: string, where: string) => {
        if (GLOBAL_REFERENCES.includes(reference)) return;
        if (reference.startsWith('$')) {
            throw new FlowEvaluatorError(`${where}: global ${reference} is not supported`);
        }
        const [base, ...path] = reference.split('.');
        if (path.length > 1) {
            throw new FlowEvaluatorError(
                `${where}: reference ${reference} goes more than one field deep (not supported)`
            );
        }
        if (model.variables.has(base) || model.formulas.has(base)) return;
        const element = model.elements.get(base);
        if (element?.type === 'recordLookups' && element.storeOutputAutomatically) return;
        if (element?.type === 'loops' && element.assignTo === null) return;
        throw new FlowEvaluatorError(`${where}: reference to unknown resource ${reference}`);
    };
    const writable = (reference: string, where: string) => {
        const [base, ...path] = reference.split('.');
        const variable = model.variables.get(base);
        if (
            !variable ||
            path.length > 1 ||
            (path.length === 1 && variable.dataType !== 'SObject')
        ) {
            throw new FlowEvaluatorError(`${where}: cannot assign to ${reference}`);
        }
    };
    const value = (spec: ValueSpec, where: string) => {
        if (spec.kind === 'reference') readable(spec.reference, where);
    };

    for (const variable of model.variables.values()) {
        value(variable.initial, `variable ${variable.name}`);
    }
    for (const def of model.formulas.values()) {
        for (const reference of formulaReferences(def.tree)) {
            readable(reference, `formula ${def.name}`);
        }
    }
    target(model.startTarget, 'start');
    for (const element of model.elements.values()) {
        const where = `${element.type} ${element.name}`;
        switch (element.type) {
            case 'actionCalls':
                for (const [name, spec] of element.inputs) value(spec, `${where} input ${name}`);
                target(element.connector, where);
                target(element.faultConnector, where);
                break;
            case 'assignments':
                for (const item of element.items) {
                    writable(item.target, where);
                    value(item.value, where);
                }
                target(element.connector, where);
                break;
            case 'decisions':
                for (const rule of element.rules) {
                    for (const condition of rule.conditions) {
                        readable(condition.left, `${where} rule ${rule.name}`);
                        value(condition.right, `${where} rule ${rule.name}`);
                    }
                    target(rule.connector, `${where} rule ${rule.name}`);
                }
                target(element.defaultConnector, where);
                break;
            case 'loops':
                readable(element.collection, where);
                if (element.assignTo !== null) writable(element.assignTo, where);
                target(element.nextValueConnector, where);
                target(element.noMoreValuesConnector, where);
                break;
            case 'recordLookups':
                for (const filter of element.filters) value(filter.value, where);
                if (element.outputReference !== null) writable(element.outputReference, where);
                for (const item of element.outputAssignments) writable(item.target, where);
                target(element.connector, where);
                target(element.faultConnector, where);
                break;
            case 'recordUpdates':
                for (const filter of element.filters) value(filter.value, where);
                for (const item of element.inputAssignments) value(item.value, where);
                if (element.inputReference !== null) readable(element.inputReference, where);
                target(element.connector, where);
                target(element.faultConnector, where);
                break;
        }
    }
}

/** Parses (when given XML text) and compiles a flow. */
export function loadFlow(flow: string | RawXmlNode): FlowModel {
    return buildFlowModel(typeof flow === 'string' ? parseFlowXml(flow) : flow);
}

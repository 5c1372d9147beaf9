/**
 * RoutingFlow evaluator: runs an Omni-Channel flow's metadata (a .flow-meta.xml) over in-memory
 * records, the way Salesforce would run one interview, so tests and the Salesforce API emulator
 * can tell which queue a conversation lands in without an org.
 *
 * ```ts
 * import { evaluateFlow } from './index.ts';
 * const run = evaluateFlow(flowXml, {
 *     inputs: { recordId: '0Mw000000000001AAA', Chat_Consumer_Type: 'Verified' },
 *     records: {
 *         MessagingSession: [{ Id: '0Mw000000000001AAA' }],
 *         Group: [{ Id: '00G000000000001AAA', DeveloperName: 'Q', Type: 'Queue' }],
 *         OpenCX_Routing_Rule__mdt: [...]
 *     },
 *     faults: { Stamp_Routing_Attributes: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' } // optional
 * });
 * run.routedTo?.queueDeveloperName; run.updates; run.path; run.faults; run.status;
 * ```
 *
 * Supported: a bare start; variables (String, Boolean, Number, Currency, SObject; collections);
 * formulas (functions in FUNCTIONS of formula.ts); recordLookups (filters with every
 * FlowRecordFilterOperator except IsChanged, and/or/custom filter logic, sort, limit, queried
 * fields, all three output styles); decisions (conditionLogic and/or/custom, the operators in
 * COMPARISON_OPERATORS of values.ts); assignments (Assign, Add, Subtract, AddItem, AssignCount);
 * loops; recordUpdates (by filters or by record reference); routeWork actionCalls (QueueBased);
 * fault connectors and $Flow.FaultMessage.
 *
 * Anything else throws FlowEvaluatorError when the flow is loaded, naming the element and the
 * construct: an unsupported flow never yields a plausible answer. A fault inside the flow (an
 * injected one, a routeWork without a queue) follows the element's fault connector, or ends the
 * run with status 'Failed' (Omni-Channel would then use the channel's fallback queue).
 *
 * Semantics worth knowing: record filters compare text case-insensitively (SOQL), decisions and
 * formula `=` compare it exactly; blank text and null are equal; a missing field on an in-memory
 * record is an error, not null, so give records every field the flow reads.
 */
import { FlowEvaluatorError, FlowFault } from './errors.ts';
import { runFlow, type EvaluateOptions, type FlowRun } from './interpreter.ts';
import { loadFlow, type FlowModel, type RawXmlNode } from './model.ts';

export { FlowEvaluatorError, FlowFault };
export { loadFlow, parseFlowXml } from './model.ts';
export type { FlowModel, RawXmlNode } from './model.ts';
export type {
    EvaluateOptions,
    FaultEvent,
    FlowRun,
    InputValue,
    RecordUpdate,
    RoutedWork
} from './interpreter.ts';
export type { FlowValue, RecordStore, Scalar, SObjectRecord } from './values.ts';
export { COMPARISON_OPERATORS } from './values.ts';
export { ASSIGNMENT_OPERATORS } from './model.ts';
export { FUNCTIONS as FORMULA_FUNCTIONS } from './formula.ts';

function isModel(flow: unknown): flow is FlowModel {
    return typeof flow === 'object' && flow !== null && (flow as FlowModel).elements instanceof Map;
}

/**
 * Runs one interview of a RoutingFlow.
 * @param flow the flow's XML text, its parsed <Flow> element, or a model from loadFlow() (load
 *   once when running the same flow many times)
 * @param options inputs, in-memory records, injected faults
 * @throws FlowEvaluatorError for anything the evaluator does not implement or for bad options
 */
export function evaluateFlow(
    flow: string | RawXmlNode | FlowModel,
    options: EvaluateOptions = {}
): FlowRun {
    return runFlow(isModel(flow) ? flow : loadFlow(flow), options);
}

// The project's own flows and records (force-app), for tests and benchmarks.
export {
    customMetadataSObjects,
    fakeId,
    forceAppRecords,
    loadForceAppFlow,
    messagingSessionRecord,
    messagingEndUserRecord,
    DEFAULT_CREATED_DATE,
    queueGroupRecords
} from './force-app.ts';
// The formula engine on its own (its tests exercise it directly).
export { evaluateFormula, formulaReferences, parseFormula } from './formula.ts';

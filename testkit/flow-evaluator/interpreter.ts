// Runs one interview of a compiled RoutingFlow over in-memory records.
import { FlowEvaluatorError, FlowFault } from './errors.ts';
import { evaluateFormula } from './formula.ts';
import type {
    ActionCallElement,
    AssignmentElement,
    DecisionElement,
    FlowElement,
    FlowModel,
    Logic,
    LoopElement,
    RecordFilter,
    RecordLookupElement,
    RecordUpdateElement,
    ValueSpec,
    VariableDef
} from './model.ts';
import {
    compare,
    describe,
    isBlank,
    isRecord,
    type FlowValue,
    type RecordStore,
    type Scalar,
    type SObjectRecord
} from './values.ts';

export type InputValue = string | number | boolean | null | undefined | SObjectRecord;

export interface EvaluateOptions {
    /** Values of the flow's input variables (isInput true); omitted or undefined = not passed. */
    inputs?: Record<string, InputValue>;
    /**
     * Records by object API name. Every object the flow reads or updates must be present (an
     * empty array is fine). The evaluator works on a copy; the copy after the run is returned.
     */
    records?: RecordStore;
    /** Element name → fault message: the element faults instead of running (each time it runs). */
    faults?: Record<string, string>;
    /** Guard against endless loops: at most this many elements per run (default 10000). */
    maxSteps?: number;
    /**
     * What $Flow.CurrentDateTime returns (ISO 8601, e.g. '2026-11-30T02:00:00.000Z'); default the
     * moment the run starts. One value per run, as a test needs it stable.
     */
    now?: string;
}

/** Where a routeWork action sent the work item. */
export interface RoutedWork {
    /** The routeWork element that routed. */
    element: string;
    recordId: string;
    routingType: 'QueueBased';
    queueId: string;
    queueDeveloperName: string;
    /** Service channel developer name, e.g. sfdc_livemessage. */
    serviceChannel: string;
}

export interface RecordUpdate {
    element: string;
    object: string;
    recordIds: string[];
    fields: Record<string, Scalar>;
}

export interface FaultEvent {
    element: string;
    message: string;
    /** The element the fault connector led to; null when there was none and the run failed. */
    handledBy: string | null;
}

export interface FlowRun {
    /** Failed when a fault had no fault connector (Omni-Channel then uses the channel fallback). */
    status: 'Finished' | 'Failed';
    /** The last routeWork of the run; null when nothing was routed. */
    routedTo: RoutedWork | null;
    routes: RoutedWork[];
    updates: RecordUpdate[];
    /** Element names in the order they ran (a loop appears once per visit). */
    path: string[];
    faults: FaultEvent[];
    /** "<element>: <message>" of the unhandled fault when status is Failed. */
    error: string | null;
    /** Variable values at the end of the run. */
    variables: Record<string, FlowValue>;
    /** The record store after the run (updates applied). */
    records: RecordStore;
}

const FAULTABLE = new Set(['actionCalls', 'recordLookups', 'recordUpdates']);

/** The work item object of standard service channels (others are not checked). */
const WORK_ITEM_OBJECT: Record<string, string> = {
    sfdc_livemessage: 'MessagingSession',
    sfdc_phone: 'VoiceCall'
};

function clone<T>(value: T): T {
    return structuredClone(value);
}

class Interview {
    private readonly variables = new Map<string, FlowValue>();
    private readonly outputs = new Map<string, FlowValue>();
    private readonly loops = new Map<string, { items: FlowValue[]; index: number }>();
    private readonly store: RecordStore;
    private readonly faultsToInject: Record<string, string>;
    private faultMessage: string | null = null;
    private readonly now: string;
    private readonly run: FlowRun;

    constructor(
        private readonly model: FlowModel,
        options: EvaluateOptions
    ) {
        this.store = clone(options.records ?? {});
        for (const [object, rows] of Object.entries(this.store)) {
            if (!Array.isArray(rows)) {
                throw new FlowEvaluatorError(`records.${object} must be an array of records`);
            }
        }
        this.now = options.now ?? new Date().toISOString();
        if (Number.isNaN(Date.parse(this.now))) {
            throw new FlowEvaluatorError(`now: '${this.now}' is not an ISO 8601 date-time`);
        }
        this.faultsToInject = options.faults ?? {};
        for (const name of Object.keys(this.faultsToInject)) {
            const element = model.elements.get(name);
            if (!element) throw new FlowEvaluatorError(`faults: no element named ${name}`);
            if (!FAULTABLE.has(element.type)) {
                throw new FlowEvaluatorError(`faults: ${element.type} ${name} cannot fault`);
            }
        }
        for (const def of model.variables.values()) {
            this.variables.set(def.name, this.initialValue(def));
        }
        for (const [name, value] of Object.entries(options.inputs ?? {})) {
            this.setInput(name, value);
        }
        this.run = {
            status: 'Finished',
            routedTo: null,
            routes: [],
            updates: [],
            path: [],
            faults: [],
            error: null,
            variables: {},
            records: this.store
        };
    }

    private initialValue(def: VariableDef): FlowValue {
        if (def.initial.kind === 'none') return def.isCollection ? [] : null;
        if (def.initial.kind === 'literal') return def.initial.value;
        throw new FlowEvaluatorError(
            `variable ${def.name}: a default value of kind ${def.initial.kind} is not supported`
        );
    }

    private setInput(name: string, value: InputValue): void {
        const def = this.model.variables.get(name);
        if (!def) throw new FlowEvaluatorError(`inputs: the flow has no variable ${name}`);
        if (!def.isInput) throw new FlowEvaluatorError(`inputs: variable ${name} is not an input`);
        if (value === undefined) return;
        if (value !== null) {
            const expected =
                def.dataType === 'String'
                    ? 'string'
                    : def.dataType === 'Boolean'
                      ? 'boolean'
                      : def.dataType === 'SObject'
                        ? 'object'
                        : 'number';
            if (def.isCollection || typeof value !== expected) {
                throw new FlowEvaluatorError(
                    `inputs: ${name} is a ${def.dataType} variable; got ${JSON.stringify(value)}`
                );
            }
        }
        this.variables.set(name, clone(value));
    }

    // ---- references -------------------------------------------------------------------------

    resolve(reference: string, where: string): FlowValue {
        switch (reference) {
            case '$Flow.FaultMessage':
                return this.faultMessage;
            case '$Flow.CurrentDateTime':
                return this.now;
            case '$GlobalConstant.True':
                return true;
            case '$GlobalConstant.False':
                return false;
            case '$GlobalConstant.EmptyString':
                return '';
        }
        const [base, field] = reference.split('.');
        const value = this.resolveBase(base, where);
        if (field === undefined) return value;
        if (value === null) return null;
        if (!isRecord(value)) {
            throw new FlowEvaluatorError(
                `${where}: ${reference} reads a field of ${describe(value)}, not of a record`
            );
        }
        if (!Object.hasOwn(value, field)) {
            throw new FlowEvaluatorError(
                `${where}: ${reference}: the record has no field ${field} (not queried, or ` +
                    'missing from the in-memory record)'
            );
        }
        return value[field];
    }

    private resolveBase(base: string, where: string): FlowValue {
        if (this.variables.has(base)) return this.variables.get(base)!;
        const formula = this.model.formulas.get(base);
        if (formula) {
            // Flow recalculates a formula each time it is referenced.
            const result = evaluateFormula(
                formula.tree,
                (reference) => this.resolve(reference, `formula ${base}`),
                `formula ${base}`
            );
            return this.checkFormulaType(formula.name, formula.dataType, result);
        }
        const element = this.model.elements.get(base);
        if (element?.type === 'loops') {
            return this.loops.get(base)?.items[this.loops.get(base)!.index - 1] ?? null;
        }
        if (element) return this.outputs.get(base) ?? null;
        throw new FlowEvaluatorError(`${where}: unknown resource ${base}`);
    }

    private checkFormulaType(name: string, dataType: string, value: FlowValue): FlowValue {
        if (value === null) return dataType === 'String' ? '' : null;
        const expected =
            dataType === 'String' ? 'string' : dataType === 'Boolean' ? 'boolean' : 'number';
        if (typeof value !== expected) {
            throw new FlowEvaluatorError(
                `formula ${name}: declared ${dataType} but evaluated to ${describe(value)}`
            );
        }
        return value;
    }

    private value(spec: ValueSpec, where: string): FlowValue {
        switch (spec.kind) {
            case 'none':
                return null;
            case 'literal':
                return spec.value;
            case 'reference':
                return this.resolve(spec.reference, where);
            case 'setupReference':
                throw new FlowEvaluatorError(
                    `${where}: a setupReference (${spec.type} ${spec.name}) is only supported as ` +
                        'the routeWork serviceChannelId'
                );
        }
    }

    private scalar(spec: ValueSpec, where: string): Scalar {
        const value = this.value(spec, where);
        if (Array.isArray(value) || isRecord(value)) {
            throw new FlowEvaluatorError(
                `${where}: expected a single value, got ${describe(value)}`
            );
        }
        return value;
    }

    private assign(target: string, value: FlowValue, where: string): void {
        const [base, field] = target.split('.');
        const def = this.model.variables.get(base)!;
        if (field !== undefined) {
            const current = this.variables.get(base);
            if (!isRecord(current)) {
                throw new FlowEvaluatorError(
                    `${where}: ${base} holds no record to set ${field} on`
                );
            }
            if (Array.isArray(value) || isRecord(value)) {
                throw new FlowEvaluatorError(`${where}: cannot put ${describe(value)} in a field`);
            }
            this.variables.set(base, { ...current, [field]: value });
            return;
        }
        if (value !== null) {
            if (def.isCollection !== Array.isArray(value)) {
                throw new FlowEvaluatorError(
                    `${where}: cannot assign ${describe(value)} to ${def.isCollection ? 'collection ' : ''}variable ${base}`
                );
            }
            const items = Array.isArray(value) ? value : [value];
            for (const item of items) this.checkType(def, item, where);
        }
        this.variables.set(base, clone(value));
    }

    private checkType(def: VariableDef, item: FlowValue, where: string): void {
        if (item === null) return;
        const ok =
            def.dataType === 'SObject'
                ? isRecord(item)
                : def.dataType === 'String'
                  ? typeof item === 'string'
                  : def.dataType === 'Boolean'
                    ? typeof item === 'boolean'
                    : typeof item === 'number';
        if (!ok) {
            throw new FlowEvaluatorError(
                `${where}: cannot put ${describe(item)} in ${def.dataType} variable ${def.name}`
            );
        }
    }

    // ---- running ------------------------------------------------------------------------------

    execute(maxSteps: number): FlowRun {
        let current = this.model.startTarget;
        let steps = 0;
        while (current !== null) {
            if (++steps > maxSteps) {
                throw new FlowEvaluatorError(
                    `run stopped after ${maxSteps} elements (endless loop?) at ${current}`
                );
            }
            const element = this.model.elements.get(current)!;
            this.run.path.push(element.name);
            current = this.step(element);
        }
        this.run.variables = Object.fromEntries(this.variables);
        return this.run;
    }

    /** Runs one element; returns the next element's name, or null when the run ends. */
    private step(element: FlowElement): string | null {
        if (
            element.type === 'assignments' ||
            element.type === 'decisions' ||
            element.type === 'loops'
        ) {
            return this.runSimple(element);
        }
        const faulting = element;
        try {
            const injected = this.faultsToInject[element.name];
            if (injected !== undefined) throw new FlowFault(injected);
            if (faulting.type === 'actionCalls') this.routeWork(faulting);
            else if (faulting.type === 'recordLookups') this.lookup(faulting);
            else this.update(faulting);
            return faulting.connector;
        } catch (error) {
            if (!(error instanceof FlowFault)) throw error;
            this.run.faults.push({
                element: element.name,
                message: error.message,
                handledBy: faulting.faultConnector
            });
            if (faulting.faultConnector === null) {
                this.run.status = 'Failed';
                this.run.error = `${element.name}: ${error.message}`;
                return null;
            }
            this.faultMessage = error.message;
            return faulting.faultConnector;
        }
    }

    private runSimple(element: AssignmentElement | DecisionElement | LoopElement): string | null {
        switch (element.type) {
            case 'assignments':
                this.assignment(element);
                return element.connector;
            case 'decisions':
                return this.decision(element);
            case 'loops':
                return this.loop(element);
        }
    }

    private assignment(element: AssignmentElement): void {
        for (const item of element.items) {
            const where = `assignments ${element.name} ${item.target}`;
            const value = this.value(item.value, where);
            if (item.operator === 'Assign') {
                this.assign(item.target, value, where);
                continue;
            }
            const current = this.resolve(item.target, where);
            switch (item.operator) {
                case 'Add':
                case 'Subtract': {
                    if (Array.isArray(current) && item.operator === 'Add') {
                        const added = Array.isArray(value) ? value : [value];
                        this.assign(item.target, [...current, ...added], where);
                    } else if (
                        item.operator === 'Add' &&
                        (typeof current === 'string' || typeof value === 'string') &&
                        (current === null || typeof current === 'string') &&
                        (value === null || typeof value === 'string')
                    ) {
                        // Flow appends to and with blank text as ''.
                        this.assign(item.target, (current ?? '') + (value ?? ''), where);
                    } else if (
                        (typeof current === 'number' || current === null) &&
                        typeof value === 'number'
                    ) {
                        const base = current ?? 0;
                        this.assign(
                            item.target,
                            item.operator === 'Add' ? base + value : base - value,
                            where
                        );
                    } else {
                        throw new FlowEvaluatorError(
                            `${where}: ${item.operator} of ${describe(value)} to ${describe(current)}`
                        );
                    }
                    break;
                }
                case 'AddItem': {
                    if (!Array.isArray(current)) {
                        throw new FlowEvaluatorError(`${where}: AddItem needs a collection`);
                    }
                    this.assign(item.target, [...current, value as Scalar | SObjectRecord], where);
                    break;
                }
                case 'AssignCount': {
                    this.assign(
                        item.target,
                        Array.isArray(value) ? value.length : value === null ? 0 : 1,
                        where
                    );
                    break;
                }
            }
        }
    }

    private decision(element: DecisionElement): string | null {
        for (const rule of element.rules) {
            const where = `decisions ${element.name} rule ${rule.name}`;
            const results = rule.conditions.map((condition) =>
                compare(
                    condition.operator,
                    this.resolve(condition.left, where),
                    this.value(condition.right, where),
                    {
                        caseInsensitiveText: false,
                        context: `${where} ${condition.left} ${condition.operator}`
                    }
                )
            );
            if (rule.logic.apply(results)) return rule.connector;
        }
        return element.defaultConnector;
    }

    private loop(element: LoopElement): string | null {
        let state = this.loops.get(element.name);
        if (!state) {
            const where = `loops ${element.name}`;
            const collection = this.resolve(element.collection, where);
            if (collection !== null && !Array.isArray(collection)) {
                throw new FlowEvaluatorError(`${where}: ${element.collection} is not a collection`);
            }
            const items = clone(collection ?? []);
            if (element.order === 'Desc') items.reverse();
            state = { items, index: 0 };
            this.loops.set(element.name, state);
        }
        if (state.index >= state.items.length) {
            // Flow resets a finished loop, so entering it again starts over.
            this.loops.delete(element.name);
            return element.noMoreValuesConnector;
        }
        const item = state.items[state.index++];
        if (element.assignTo !== null) this.assign(element.assignTo, item, `loops ${element.name}`);
        return element.nextValueConnector;
    }

    private rows(object: string, where: string): SObjectRecord[] {
        const rows = this.store[object];
        if (!rows) {
            throw new FlowEvaluatorError(
                `${where}: no in-memory records for ${object} (pass records.${object}, even [])`
            );
        }
        return rows;
    }

    private field(record: SObjectRecord, object: string, field: string, where: string): Scalar {
        if (!Object.hasOwn(record, field)) {
            throw new FlowEvaluatorError(
                `${where}: in-memory ${object} record ${String(record.Id ?? '')} has no field ${field}`
            );
        }
        return record[field];
    }

    private matches(
        rows: SObjectRecord[],
        object: string,
        filters: RecordFilter[],
        logic: Logic,
        where: string
    ): SObjectRecord[] {
        const values = filters.map((filter) =>
            this.value(filter.value, `${where} ${filter.field}`)
        );
        return rows.filter((record) =>
            logic.apply(
                filters.map((filter, index) =>
                    compare(
                        filter.operator,
                        this.field(record, object, filter.field, where),
                        values[index],
                        {
                            // SOQL compares text case-insensitively.
                            caseInsensitiveText: true,
                            context: `${where} filter ${filter.field} ${filter.operator}`
                        }
                    )
                )
            )
        );
    }

    private lookup(element: RecordLookupElement): void {
        const where = `recordLookups ${element.name}`;
        let found = this.matches(
            this.rows(element.object, where),
            element.object,
            element.filters,
            element.filterLogic,
            where
        );
        if (element.sortField !== null) {
            const sortField = element.sortField;
            const direction = element.sortOrder === 'Desc' ? -1 : 1;
            const key = (record: SObjectRecord) => {
                const value = this.field(record, element.object, sortField, where);
                return typeof value === 'string' ? value.toLowerCase() : value;
            };
            // SOQL sorts nulls first ascending, last descending.
            found = [...found].sort((a, b) => {
                const x = key(a);
                const y = key(b);
                if (x === y) return 0;
                if (x === null) return -direction;
                if (y === null) return direction;
                return (x < y ? -1 : 1) * direction;
            });
        }
        const limit = element.getFirstRecordOnly ? 1 : element.limit;
        if (limit !== null) found = found.slice(0, limit);
        const projected = found.map((record) => {
            if (element.queriedFields === null) return clone(record);
            const out: SObjectRecord = { Id: this.field(record, element.object, 'Id', where) };
            for (const field of element.queriedFields) {
                out[field] = this.field(record, element.object, field, where);
            }
            return out;
        });
        const first = projected[0] ?? null;
        if (element.storeOutputAutomatically) {
            this.outputs.set(
                element.name,
                element.getFirstRecordOnly ? first : projected.length > 0 ? projected : null
            );
        } else if (element.outputReference !== null) {
            this.assign(
                element.outputReference,
                element.getFirstRecordOnly ? first : projected,
                where
            );
        } else {
            if (first === null && !element.assignNullValuesIfNoRecordsFound) return;
            for (const item of element.outputAssignments) {
                this.assign(
                    item.target,
                    first === null ? null : this.field(first, element.object, item.field, where),
                    where
                );
            }
        }
    }

    private update(element: RecordUpdateElement): void {
        const where = `recordUpdates ${element.name}`;
        if (element.inputReference !== null) {
            const value = this.resolve(element.inputReference, where);
            const records = value === null ? [] : Array.isArray(value) ? value : [value];
            const ids: string[] = [];
            let object = element.object;
            for (const record of records) {
                if (!isRecord(record) || typeof record.Id !== 'string') {
                    throw new FlowFault(`${element.inputReference} holds a record without an Id`);
                }
                const owner = Object.entries(this.store).find(([, rows]) =>
                    rows.some((row) => row.Id === record.Id)
                );
                if (!owner)
                    throw new FlowFault(`entity is deleted or does not exist: ${record.Id}`);
                object = owner[0];
                const index = owner[1].findIndex((row) => row.Id === record.Id);
                owner[1][index] = { ...owner[1][index], ...clone(record) };
                ids.push(record.Id);
            }
            const fields = isRecord(records[0]) ? { ...(records[0] as SObjectRecord) } : {};
            delete fields.Id;
            this.run.updates.push({
                element: element.name,
                object: object ?? '',
                recordIds: ids,
                fields
            });
            return;
        }
        const object = element.object!;
        const fields: Record<string, Scalar> = {};
        for (const item of element.inputAssignments) {
            fields[item.field] = this.scalar(item.value, `${where} field ${item.field}`);
        }
        const rows = this.rows(object, where);
        const targets = this.matches(rows, object, element.filters, element.filterLogic, where);
        for (const record of targets) Object.assign(record, fields);
        this.run.updates.push({
            element: element.name,
            object,
            recordIds: targets.map((record) => String(record.Id)),
            fields
        });
    }

    private routeWork(element: ActionCallElement): void {
        const where = `actionCalls ${element.name}`;
        const input = (name: string): Scalar => {
            const spec = element.inputs.get(name);
            if (!spec || spec.kind === 'setupReference') return null;
            return this.scalar(spec, `${where} input ${name}`);
        };
        const routingType = input('routingType');
        if (routingType !== 'QueueBased') {
            throw new FlowEvaluatorError(
                `${where}: routingType ${JSON.stringify(routingType)} is not supported (QueueBased only)`
            );
        }
        const channelSpec = element.inputs.get('serviceChannelId');
        const channelByReference = channelSpec?.kind === 'setupReference' ? channelSpec.name : null;
        const channelByName = input('serviceChannelDevName');
        if (channelSpec && channelSpec.kind !== 'setupReference' && channelSpec.kind !== 'none') {
            throw new FlowEvaluatorError(
                `${where}: serviceChannelId must be a setupReference to a ServiceChannel`
            );
        }
        if (channelByReference && channelByName && channelByReference !== channelByName) {
            throw new FlowFault(
                `serviceChannelId (${channelByReference}) and serviceChannelDevName ` +
                    `(${String(channelByName)}) name different service channels`
            );
        }
        const serviceChannel = channelByReference ?? channelByName;
        if (typeof serviceChannel !== 'string' || serviceChannel === '') {
            throw new FlowFault('routeWork needs a service channel');
        }
        const recordId = input('recordId');
        if (typeof recordId !== 'string' || isBlank(recordId)) {
            throw new FlowFault('routeWork needs the recordId of the work item');
        }
        const owner = Object.entries(this.store).find(([, rows]) =>
            rows.some((row) => row.Id === recordId)
        )?.[0];
        if (!owner) throw new FlowFault(`routeWork: no record with Id ${recordId}`);
        const expectedObject = WORK_ITEM_OBJECT[serviceChannel];
        if (expectedObject && owner !== expectedObject) {
            throw new FlowFault(
                `routeWork: ${serviceChannel} routes ${expectedObject} records; ${recordId} is a ${owner}`
            );
        }
        const queueId = input('queueId');
        if (typeof queueId !== 'string' || isBlank(queueId)) {
            throw new FlowFault('routeWork (QueueBased) needs a queueId');
        }
        const queue = this.rows('Group', where).find(
            (row) => row.Id === queueId && row.Type === 'Queue'
        );
        if (!queue) throw new FlowFault(`routeWork: ${queueId} is not the Id of a queue`);
        const routed: RoutedWork = {
            element: element.name,
            recordId,
            routingType: 'QueueBased',
            queueId,
            queueDeveloperName: String(queue.DeveloperName),
            serviceChannel
        };
        this.run.routes.push(routed);
        this.run.routedTo = routed;
    }
}

/** Runs a compiled flow once. */
export function runFlow(model: FlowModel, options: EvaluateOptions = {}): FlowRun {
    return new Interview(model, options).execute(options.maxSteps ?? 10000);
}

// Runtime values of a flow interview and the comparisons Flow applies to them.
import { FlowEvaluatorError } from './errors.ts';

export type Scalar = string | number | boolean | null;

/** One record: field API name → value (Id included). */
export interface SObjectRecord {
    [field: string]: Scalar;
}

export type FlowValue = Scalar | SObjectRecord | Array<Scalar | SObjectRecord>;

/** In-memory records by object API name, e.g. { Group: [...], MessagingSession: [...] }. */
export type RecordStore = Record<string, SObjectRecord[]>;

export function isRecord(value: FlowValue | undefined): value is SObjectRecord {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Flow treats a null and an empty text the same way in most places: both are blank. */
export function isBlank(value: FlowValue | undefined): boolean {
    if (value === null || value === undefined || value === '') return true;
    return Array.isArray(value) && value.length === 0;
}

export function describe(value: FlowValue | undefined): string {
    if (value === undefined) return 'undefined';
    if (Array.isArray(value)) return `collection of ${value.length}`;
    if (isRecord(value)) return `record ${String(value.Id ?? '(no Id)')}`;
    return JSON.stringify(value);
}

function scalarOrThrow(value: FlowValue | undefined, context: string): Scalar {
    if (value === undefined) return null;
    if (Array.isArray(value) || isRecord(value)) {
        throw new FlowEvaluatorError(`${context}: cannot compare ${describe(value)} as a value`);
    }
    return value;
}

export interface CompareOptions {
    /** SOQL compares text case-insensitively (record filters); decisions compare it exactly. */
    caseInsensitiveText: boolean;
    /** Where the comparison is, for error messages. */
    context: string;
}

/**
 * The operators of decisions (FlowComparisonOperator) and of record filters
 * (FlowRecordFilterOperator) that the evaluator implements. Anything else is rejected when the
 * flow is loaded.
 */
export const COMPARISON_OPERATORS = [
    'EqualTo',
    'NotEqualTo',
    'GreaterThan',
    'LessThan',
    'GreaterThanOrEqualTo',
    'LessThanOrEqualTo',
    'StartsWith',
    'EndsWith',
    'Contains',
    'IsNull',
    'IsBlank',
    'In',
    'NotIn'
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export function isComparisonOperator(value: string): value is ComparisonOperator {
    return (COMPARISON_OPERATORS as readonly string[]).includes(value);
}

function textOf(value: Scalar, options: CompareOptions): string | null {
    if (value === null || value === '') return null;
    if (typeof value !== 'string') return null;
    return options.caseInsensitiveText ? value.toLowerCase() : value;
}

/** Equality with Flow's rules: blank text equals null; a type mismatch is an error, not false. */
function scalarEquals(left: Scalar, right: Scalar, options: CompareOptions): boolean {
    const leftBlank = left === null || left === '';
    const rightBlank = right === null || right === '';
    if (leftBlank || rightBlank) return leftBlank && rightBlank;
    if (typeof left !== typeof right) {
        throw new FlowEvaluatorError(
            `${options.context}: compares ${typeof left} ${JSON.stringify(left)} with ` +
                `${typeof right} ${JSON.stringify(right)}; Flow would not coerce these`
        );
    }
    if (typeof left === 'string') return textOf(left, options) === textOf(right, options);
    return left === right;
}

function order(left: Scalar, right: Scalar, options: CompareOptions): number | null {
    if (left === null || right === null) return null;
    if (typeof left !== typeof right || typeof left === 'boolean') {
        throw new FlowEvaluatorError(
            `${options.context}: cannot order ${typeof left} against ${typeof right}`
        );
    }
    if (typeof left === 'number') return left - (right as number);
    const a = textOf(left, options) ?? '';
    const b = textOf(right as string, options) ?? '';
    return a < b ? -1 : a > b ? 1 : 0;
}

function text(value: Scalar, operator: string, options: CompareOptions): string {
    if (value === null) return '';
    if (typeof value !== 'string') {
        throw new FlowEvaluatorError(
            `${options.context}: ${operator} needs text, got ${typeof value} ${JSON.stringify(value)}`
        );
    }
    return options.caseInsensitiveText ? value.toLowerCase() : value;
}

function expectBoolean(value: FlowValue | undefined, operator: string, options: CompareOptions) {
    if (typeof value !== 'boolean') {
        throw new FlowEvaluatorError(
            `${options.context}: ${operator} needs a boolean right value, got ${describe(value)}`
        );
    }
    return value;
}

/** Applies one comparison operator; left is the resource or field, right the condition value. */
export function compare(
    operator: ComparisonOperator,
    left: FlowValue | undefined,
    right: FlowValue | undefined,
    options: CompareOptions
): boolean {
    switch (operator) {
        case 'IsNull':
            return (
                (left === null || left === undefined) === expectBoolean(right, operator, options)
            );
        case 'IsBlank':
            return isBlank(left) === expectBoolean(right, operator, options);
        case 'In':
        case 'NotIn': {
            if (!Array.isArray(right)) {
                throw new FlowEvaluatorError(
                    `${options.context}: ${operator} needs a collection, got ${describe(right)}`
                );
            }
            const needle = scalarOrThrow(left, options.context);
            const found = right.some((item) =>
                scalarEquals(needle, scalarOrThrow(item, options.context), options)
            );
            return operator === 'In' ? found : !found;
        }
        default:
            break;
    }
    const a = scalarOrThrow(left, options.context);
    const b = scalarOrThrow(right, options.context);
    switch (operator) {
        case 'EqualTo':
            return scalarEquals(a, b, options);
        case 'NotEqualTo':
            return !scalarEquals(a, b, options);
        case 'GreaterThan': {
            const result = order(a, b, options);
            return result !== null && result > 0;
        }
        case 'LessThan': {
            const result = order(a, b, options);
            return result !== null && result < 0;
        }
        case 'GreaterThanOrEqualTo': {
            const result = order(a, b, options);
            return result !== null && result >= 0;
        }
        case 'LessThanOrEqualTo': {
            const result = order(a, b, options);
            return result !== null && result <= 0;
        }
        case 'StartsWith':
            return a !== null && text(a, operator, options).startsWith(text(b, operator, options));
        case 'EndsWith':
            return a !== null && text(a, operator, options).endsWith(text(b, operator, options));
        case 'Contains':
            return a !== null && text(a, operator, options).includes(text(b, operator, options));
    }
}

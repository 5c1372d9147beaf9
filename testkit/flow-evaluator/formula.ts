// Flow formula expressions: a tokenizer, a parser to a small syntax tree, and an interpreter.
// Only the functions in FUNCTIONS are known; any other function name is an error when the flow is
// loaded, so an unsupported formula can never be silently mis-evaluated.
import { FlowEvaluatorError } from './errors.ts';
import { describe, isBlank, isRecord, type FlowValue, type Scalar } from './values.ts';

export type FormulaNode =
    | { kind: 'literal'; value: Scalar }
    | { kind: 'reference'; reference: string }
    | { kind: 'call'; name: string; args: FormulaNode[] }
    | { kind: 'unary'; operator: '-' | '!'; operand: FormulaNode }
    | { kind: 'binary'; operator: string; left: FormulaNode; right: FormulaNode };

type Token =
    | { type: 'string'; value: string }
    | { type: 'number'; value: number }
    | { type: 'reference'; value: string }
    | { type: 'word'; value: string }
    | { type: 'operator'; value: string }
    | { type: 'end' };

// Longest first: '!=' before '!', '<=' before '<'.
const OPERATORS = [
    '&&',
    '||',
    '<=',
    '>=',
    '<>',
    '!=',
    '==',
    '=',
    '<',
    '>',
    '+',
    '-',
    '*',
    '/',
    '&',
    '!'
];
const PUNCTUATION = ['(', ')', ','];

function tokenize(expression: string, where: string): Token[] {
    const tokens: Token[] = [];
    let i = 0;
    while (i < expression.length) {
        const char = expression[i];
        if (/\s/.test(char)) {
            i++;
        } else if (char === "'" || char === '"') {
            let value = '';
            i++;
            while (i < expression.length && expression[i] !== char) {
                if (expression[i] === '\\' && i + 1 < expression.length) {
                    const escaped = expression[i + 1];
                    value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
                    i += 2;
                } else {
                    value += expression[i++];
                }
            }
            if (i >= expression.length) throw new FlowEvaluatorError(`${where}: unclosed string`);
            i++;
            tokens.push({ type: 'string', value });
        } else if (expression.startsWith('{!', i)) {
            const end = expression.indexOf('}', i);
            if (end < 0) throw new FlowEvaluatorError(`${where}: unclosed merge field {!`);
            tokens.push({ type: 'reference', value: expression.slice(i + 2, end).trim() });
            i = end + 1;
        } else if (/[0-9.]/.test(char)) {
            const match = /^[0-9]*\.?[0-9]+/.exec(expression.slice(i));
            if (!match) throw new FlowEvaluatorError(`${where}: bad number at ${i}`);
            tokens.push({ type: 'number', value: Number(match[0]) });
            i += match[0].length;
        } else if (/[A-Za-z_]/.test(char)) {
            const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expression.slice(i))!;
            tokens.push({ type: 'word', value: match[0] });
            i += match[0].length;
        } else {
            const operator = [...OPERATORS, ...PUNCTUATION].find((op) =>
                expression.startsWith(op, i)
            );
            if (!operator) {
                throw new FlowEvaluatorError(`${where}: unexpected character '${char}' at ${i}`);
            }
            tokens.push({ type: 'operator', value: operator });
            i += operator.length;
        }
    }
    tokens.push({ type: 'end' });
    return tokens;
}

/** Binary operators by precedence, lowest first. `&` concatenates text. */
const PRECEDENCE: string[][] = [
    ['||'],
    ['&&'],
    ['=', '==', '!=', '<>'],
    ['<', '>', '<=', '>='],
    ['+', '-', '&'],
    ['*', '/']
];

interface FunctionSpec {
    /** Allowed argument counts: [min, max]. */
    arity: [number, number];
    /** Arguments are evaluated lazily (IF, AND, OR, BLANKVALUE short-circuit). */
    apply: (args: Array<() => FlowValue>, where: string) => FlowValue;
}

function asText(value: FlowValue, name: string, where: string): string {
    if (value === null) return '';
    if (typeof value !== 'string') {
        throw new FlowEvaluatorError(`${where}: ${name}() needs text, got ${describe(value)}`);
    }
    return value;
}

function asBoolean(value: FlowValue, name: string, where: string): boolean {
    if (typeof value !== 'boolean') {
        throw new FlowEvaluatorError(`${where}: ${name} needs a boolean, got ${describe(value)}`);
    }
    return value;
}

/** The formula functions the evaluator implements, with Salesforce's blank-as-empty semantics. */
export const FUNCTIONS: Record<string, FunctionSpec> = {
    LOWER: { arity: [1, 1], apply: ([a], w) => asText(a(), 'LOWER', w).toLowerCase() },
    UPPER: { arity: [1, 1], apply: ([a], w) => asText(a(), 'UPPER', w).toUpperCase() },
    TRIM: { arity: [1, 1], apply: ([a], w) => asText(a(), 'TRIM', w).trim() },
    LEN: { arity: [1, 1], apply: ([a], w) => asText(a(), 'LEN', w).length },
    ISBLANK: { arity: [1, 1], apply: ([a]) => isBlank(a()) },
    ISNULL: { arity: [1, 1], apply: ([a]) => a() === null },
    BLANKVALUE: {
        arity: [2, 2],
        apply: ([a, b]) => {
            const value = a();
            return isBlank(value) ? b() : value;
        }
    },
    NULLVALUE: {
        arity: [2, 2],
        apply: ([a, b]) => {
            const value = a();
            return value === null ? b() : value;
        }
    },
    IF: {
        arity: [3, 3],
        apply: ([test, then, otherwise], w) => (asBoolean(test(), 'IF', w) ? then() : otherwise())
    },
    AND: {
        arity: [1, 99],
        apply: (args, w) => args.every((arg) => asBoolean(arg(), 'AND', w))
    },
    OR: {
        arity: [1, 99],
        apply: (args, w) => args.some((arg) => asBoolean(arg(), 'OR', w))
    },
    NOT: { arity: [1, 1], apply: ([a], w) => !asBoolean(a(), 'NOT', w) },
    CONTAINS: {
        arity: [2, 2],
        apply: ([a, b], w) => asText(a(), 'CONTAINS', w).includes(asText(b(), 'CONTAINS', w))
    },
    LEFT: {
        arity: [2, 2],
        apply: ([a, b], w) => {
            const count = b();
            if (typeof count !== 'number' || !Number.isInteger(count)) {
                throw new FlowEvaluatorError(`${w}: LEFT() needs a whole number of characters`);
            }
            // Salesforce: a negative count is treated as zero.
            return asText(a(), 'LEFT', w).slice(0, Math.max(0, count));
        }
    },
    BEGINS: {
        arity: [2, 2],
        apply: ([a, b], w) => asText(a(), 'BEGINS', w).startsWith(asText(b(), 'BEGINS', w))
    },
    TEXT: {
        arity: [1, 1],
        apply: ([a], w) => {
            const value = a();
            if (value === null) return '';
            if (typeof value === 'number' || typeof value === 'string') return String(value);
            throw new FlowEvaluatorError(`${w}: TEXT() of ${describe(value)} is not supported`);
        }
    }
};

class Parser {
    private position = 0;
    constructor(
        private readonly tokens: Token[],
        private readonly where: string
    ) {}

    parse(): FormulaNode {
        const node = this.binary(0);
        const rest = this.peek();
        if (rest.type !== 'end') {
            throw new FlowEvaluatorError(`${this.where}: unexpected ${this.show(rest)}`);
        }
        return node;
    }

    private peek(): Token {
        return this.tokens[this.position];
    }

    private next(): Token {
        return this.tokens[this.position++];
    }

    private show(token: Token): string {
        return token.type === 'end' ? 'end of formula' : `'${String(token.value)}'`;
    }

    private isOperator(values: string[]): string | null {
        const token = this.peek();
        return token.type === 'operator' && values.includes(token.value) ? token.value : null;
    }

    private expect(value: string): void {
        const token = this.next();
        if (token.type !== 'operator' || token.value !== value) {
            throw new FlowEvaluatorError(
                `${this.where}: expected '${value}', found ${this.show(token)}`
            );
        }
    }

    private binary(level: number): FormulaNode {
        if (level >= PRECEDENCE.length) return this.unary();
        let left = this.binary(level + 1);
        for (;;) {
            const operator = this.isOperator(PRECEDENCE[level]);
            if (!operator) return left;
            this.position++;
            const right = this.binary(level + 1);
            left = { kind: 'binary', operator, left, right };
        }
    }

    private unary(): FormulaNode {
        const operator = this.isOperator(['-']);
        if (operator) {
            this.position++;
            return { kind: 'unary', operator: '-', operand: this.unary() };
        }
        if (this.isOperator(['!'])) {
            this.position++;
            return { kind: 'unary', operator: '!', operand: this.unary() };
        }
        return this.primary();
    }

    private primary(): FormulaNode {
        const token = this.next();
        switch (token.type) {
            case 'string':
                return { kind: 'literal', value: token.value };
            case 'number':
                return { kind: 'literal', value: token.value };
            case 'reference':
                return { kind: 'reference', reference: token.value };
            case 'word': {
                const word = token.value.toUpperCase();
                if (this.isOperator(['('])) return this.call(word);
                if (word === 'TRUE') return { kind: 'literal', value: true };
                if (word === 'FALSE') return { kind: 'literal', value: false };
                if (word === 'NULL') return { kind: 'literal', value: null };
                throw new FlowEvaluatorError(
                    `${this.where}: bare name '${token.value}' (merge fields are written {!name})`
                );
            }
            case 'operator':
                if (token.value === '(') {
                    const inner = this.binary(0);
                    this.expect(')');
                    return inner;
                }
                break;
            case 'end':
                break;
        }
        throw new FlowEvaluatorError(`${this.where}: unexpected ${this.show(token)}`);
    }

    private call(name: string): FormulaNode {
        const spec = FUNCTIONS[name];
        if (!spec) {
            throw new FlowEvaluatorError(
                `${this.where}: formula function ${name}() is not supported by the flow evaluator`
            );
        }
        this.expect('(');
        const args: FormulaNode[] = [];
        if (!this.isOperator([')'])) {
            args.push(this.binary(0));
            while (this.isOperator([','])) {
                this.position++;
                args.push(this.binary(0));
            }
        }
        this.expect(')');
        const [min, max] = spec.arity;
        if (args.length < min || args.length > max) {
            throw new FlowEvaluatorError(
                `${this.where}: ${name}() takes ${min === max ? min : `${min}-${max}`} ` +
                    `argument(s), got ${args.length}`
            );
        }
        return { kind: 'call', name, args };
    }
}

/** Parses a formula expression; throws FlowEvaluatorError on syntax or unknown functions. */
export function parseFormula(expression: string, where: string): FormulaNode {
    return new Parser(tokenize(expression, where), where).parse();
}

/** Every merge-field reference in a formula (to check them when the flow is loaded). */
export function formulaReferences(node: FormulaNode): string[] {
    switch (node.kind) {
        case 'literal':
            return [];
        case 'reference':
            return [node.reference];
        case 'call':
            return node.args.flatMap(formulaReferences);
        case 'unary':
            return formulaReferences(node.operand);
        case 'binary':
            return [...formulaReferences(node.left), ...formulaReferences(node.right)];
    }
}

function textEquals(left: FlowValue, right: FlowValue, where: string): boolean {
    const leftBlank = left === null || left === '';
    const rightBlank = right === null || right === '';
    if (leftBlank || rightBlank) return leftBlank && rightBlank;
    if (typeof left !== typeof right || isRecord(left) || Array.isArray(left)) {
        throw new FlowEvaluatorError(
            `${where}: cannot compare ${describe(left)} with ${describe(right)}`
        );
    }
    return left === right;
}

function numeric(value: FlowValue, operator: string, where: string): number {
    if (typeof value !== 'number') {
        throw new FlowEvaluatorError(
            `${where}: '${operator}' needs numbers, got ${describe(value)}`
        );
    }
    return value;
}

/** Evaluates a parsed formula; `resolve` returns the value of a merge field. */
export function evaluateFormula(
    node: FormulaNode,
    resolve: (reference: string) => FlowValue,
    where: string
): FlowValue {
    const evaluate = (inner: FormulaNode): FlowValue => evaluateFormula(inner, resolve, where);
    switch (node.kind) {
        case 'literal':
            return node.value;
        case 'reference':
            return resolve(node.reference);
        case 'call':
            return FUNCTIONS[node.name].apply(
                node.args.map((arg) => () => evaluate(arg)),
                where
            );
        case 'unary': {
            const value = evaluate(node.operand);
            if (node.operator === '!') return !asBoolean(value, "'!'", where);
            return -numeric(value, '-', where);
        }
        case 'binary': {
            const { operator } = node;
            if (operator === '&&') {
                return (
                    asBoolean(evaluate(node.left), "'&&'", where) &&
                    asBoolean(evaluate(node.right), "'&&'", where)
                );
            }
            if (operator === '||') {
                return (
                    asBoolean(evaluate(node.left), "'||'", where) ||
                    asBoolean(evaluate(node.right), "'||'", where)
                );
            }
            const left = evaluate(node.left);
            const right = evaluate(node.right);
            switch (operator) {
                case '=':
                case '==':
                    return textEquals(left, right, where);
                case '!=':
                case '<>':
                    return !textEquals(left, right, where);
                case '&':
                    return asText(left, "'&'", where) + asText(right, "'&'", where);
                case '+':
                    if (typeof left === 'string' || typeof right === 'string') {
                        return asText(left, "'+'", where) + asText(right, "'+'", where);
                    }
                    return numeric(left, operator, where) + numeric(right, operator, where);
                case '-':
                    return numeric(left, operator, where) - numeric(right, operator, where);
                case '*':
                    return numeric(left, operator, where) * numeric(right, operator, where);
                case '/':
                    return numeric(left, operator, where) / numeric(right, operator, where);
                case '<':
                    return numeric(left, operator, where) < numeric(right, operator, where);
                case '>':
                    return numeric(left, operator, where) > numeric(right, operator, where);
                case '<=':
                    return numeric(left, operator, where) <= numeric(right, operator, where);
                case '>=':
                    return numeric(left, operator, where) >= numeric(right, operator, where);
            }
            throw new FlowEvaluatorError(`${where}: operator '${operator}' is not supported`);
        }
    }
}

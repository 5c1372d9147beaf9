import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    evaluateFormula,
    formulaReferences,
    parseFormula
} from '../../testkit/flow-evaluator/index.ts';
import { FlowEvaluatorError } from '../../testkit/flow-evaluator/index.ts';
import type { FlowValue } from '../../testkit/flow-evaluator/index.ts';

function run(expression: string, values: Record<string, FlowValue> = {}): FlowValue {
    return evaluateFormula(
        parseFormula(expression, 'test'),
        (reference) => {
            if (!(reference in values)) throw new Error(`unexpected reference ${reference}`);
            return values[reference];
        },
        'test'
    );
}

describe('formula functions', () => {
    const cases: Array<[string, Record<string, FlowValue>, FlowValue]> = [
        ['LOWER({!a})', { a: 'MiXeD' }, 'mixed'],
        ['LOWER({!a})', { a: null }, ''],
        ['UPPER({!a})', { a: 'abc' }, 'ABC'],
        ['TRIM({!a})', { a: '  x y  ' }, 'x y'],
        ['LOWER(TRIM({!a}))', { a: ' Verified ' }, 'verified'],
        ['LEN({!a})', { a: 'four' }, 4],
        ['LEN({!a})', { a: null }, 0],
        ['ISBLANK({!a})', { a: '' }, true],
        ['ISBLANK({!a})', { a: null }, true],
        ['ISBLANK({!a})', { a: ' ' }, false],
        ['ISNULL({!a})', { a: null }, true],
        ['ISNULL({!a})', { a: '' }, false],
        ['BLANKVALUE({!a}, "fallback")', { a: '' }, 'fallback'],
        ['BLANKVALUE({!a}, "fallback")', { a: 'set' }, 'set'],
        ['NULLVALUE({!a}, 0)', { a: null }, 0],
        ['IF({!a} = "x", "yes", "no")', { a: 'x' }, 'yes'],
        ['IF({!a} = "x", "yes", "no")', { a: 'X' }, 'no'],
        ['AND({!a}, {!b})', { a: true, b: false }, false],
        ['OR({!a}, {!b})', { a: true, b: false }, true],
        ['NOT({!a})', { a: true }, false],
        ['CONTAINS({!a}, "ver")', { a: 'unverified' }, true],
        ['BEGINS({!a}, "un")', { a: 'unverified' }, true],
        ['LEFT({!a}, 3)', { a: 'abcdef' }, 'abc'],
        ['LEFT({!a}, 10)', { a: 'abc' }, 'abc'],
        ['LEFT({!a}, 0 - 1)', { a: 'abc' }, ''],
        ['LEFT({!a}, 2)', { a: null }, ''],
        ['TEXT({!a})', { a: 3 }, '3'],
        ["'a' & {!b} + 'c'", { b: 'b' }, 'abc'],
        ['{!a} + 2 * 3', { a: 1 }, 7],
        ['({!a} + 2) * 3', { a: 1 }, 9],
        ['{!a} - 1 >= 1 && {!a} < 3', { a: 2 }, true],
        ['{!a} <> "x" || FALSE', { a: 'y' }, true],
        ['!{!a}', { a: false }, true],
        ['-{!a}', { a: 5 }, -5],
        ['{!a} = ""', { a: null }, true],
        ['{!a} != NULL', { a: 'x' }, true],
        ['{!a} == TRUE', { a: true }, true],
        ['{!a} / 4', { a: 10 }, 2.5],
        ['"it\\"s"', {}, 'it"s'],
        ['lower({!a})', { a: 'ABC' }, 'abc']
    ];
    for (const [expression, values, expected] of cases) {
        test(`${expression} with ${JSON.stringify(values)} = ${JSON.stringify(expected)}`, () => {
            assert.deepEqual(run(expression, values), expected);
        });
    }

    test('IF, AND, OR and BLANKVALUE do not evaluate the branch they skip', () => {
        assert.equal(run('IF(TRUE, "a", {!boom})', {}), 'a');
        assert.equal(run('AND(FALSE, {!boom})', {}), false);
        assert.equal(run('OR(TRUE, {!boom})', {}), true);
        assert.equal(run('BLANKVALUE("x", {!boom})', {}), 'x');
    });

    test('lists the merge fields it reads', () => {
        assert.deepEqual(
            formulaReferences(parseFormula('LOWER({!a.B}) & {!$Flow.FaultMessage}', 'test')),
            ['a.B', '$Flow.FaultMessage']
        );
    });
});

describe('formula errors are loud', () => {
    const errors: Array<[string, RegExp]> = [
        ['SUBSTITUTE({!a}, "x", "y")', /SUBSTITUTE\(\) is not supported/],
        ['LOWER({!a}, {!b})', /LOWER\(\) takes 1 argument/],
        ['IF(TRUE, 1)', /IF\(\) takes 3 argument/],
        ['LOWER({!a}', /expected '\)'/],
        ['"unclosed', /unclosed string/],
        ['{!a', /unclosed merge field/],
        ['a + 1', /bare name 'a'/],
        ['1 +', /unexpected end of formula/],
        ['1 2', /unexpected '2'/],
        ['#', /unexpected character '#'/]
    ];
    for (const [expression, pattern] of errors) {
        test(`parse ${expression}`, () => {
            assert.throws(
                () => parseFormula(expression, 'formula f'),
                (error: Error) => {
                    assert.ok(error instanceof FlowEvaluatorError);
                    assert.match(error.message, /^formula f: /);
                    assert.match(error.message, pattern);
                    return true;
                }
            );
        });
    }

    const typeErrors: Array<[string, Record<string, FlowValue>, RegExp]> = [
        ['LOWER({!a})', { a: 3 }, /LOWER\(\) needs text/],
        ['{!a} + 1', { a: true }, /'\+' needs numbers/],
        ['IF({!a}, 1, 2)', { a: 'yes' }, /IF needs a boolean/],
        ['{!a} = 1', { a: 'one' }, /cannot compare "one" with 1/],
        ['TEXT({!a})', { a: true }, /TEXT\(\) of true/]
    ];
    for (const [expression, values, pattern] of typeErrors) {
        test(`evaluate ${expression} with ${JSON.stringify(values)}`, () => {
            assert.throws(() => run(expression, values), pattern);
        });
    }
});

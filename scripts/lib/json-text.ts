// JSON.parse with a position: Node 20's JSON.parse names neither line nor column, and no
// position-reporting JSON parser is among the project's dependencies, so when JSON.parse fails a
// small iterative scanner (no recursion: 10 MB of "[" is just a long stack) finds where the text
// first leaves the JSON grammar. A byte-order mark is named as such: most editors do not show it.
export class JsonTextError extends Error {
    constructor(
        readonly reason: string,
        readonly line: number,
        readonly column: number
    ) {
        super(`${reason} at line ${line}, column ${column}`);
    }
}

type Expect =
    'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'comma-or-close' | 'end';

const NUMBER_OR_LITERAL = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
// eslint-disable-next-line no-control-regex -- JSON strings may not hold raw control characters
const STRING_BODY = /(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*/y;

function describeChar(char: string | undefined): string {
    if (char === undefined) return 'end of file';
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || code === 0x7f || code === 0xfeff
        ? `character U+${code.toString(16).toUpperCase().padStart(4, '0')}`
        : `"${char}"`;
}

/** Offset and reason of the first grammar error; undefined when the text is valid JSON. */
export function locateJsonError(text: string): { offset: number; reason: string } | undefined {
    const stack: number[] = []; // 1: object, 2: array
    let index = 0;
    let expect: Expect = 'value';
    const fail = (reason?: string) => ({
        offset: index,
        reason: reason ?? `unexpected ${describeChar(text[index])}`
    });
    const afterValue = (): Expect => (stack.length ? 'comma-or-close' : 'end');
    const scanString = (): boolean => {
        STRING_BODY.lastIndex = index + 1;
        STRING_BODY.exec(text);
        index = STRING_BODY.lastIndex;
        if (text[index] !== '"') return false;
        index += 1;
        return true;
    };
    for (;;) {
        while (index < text.length && ' \t\n\r'.includes(text[index])) index += 1;
        const char = text[index];
        if (expect === 'end') return char === undefined ? undefined : fail();
        if (char === undefined) return fail('unexpected end of file');
        if (
            (expect === 'value-or-close' && char === ']') ||
            (expect === 'key-or-close' && char === '}')
        ) {
            stack.pop();
            index += 1;
            expect = afterValue();
            continue;
        }
        if (expect === 'value' || expect === 'value-or-close') {
            if (char === '{' || char === '[') {
                stack.push(char === '{' ? 1 : 2);
                index += 1;
                expect = char === '{' ? 'key-or-close' : 'value-or-close';
                continue;
            }
            if (char === '"') {
                if (!scanString()) return fail('unterminated string or invalid escape');
                expect = afterValue();
                continue;
            }
            NUMBER_OR_LITERAL.lastIndex = index;
            if (!NUMBER_OR_LITERAL.test(text)) return fail();
            index = NUMBER_OR_LITERAL.lastIndex;
            expect = afterValue();
            continue;
        }
        if (expect === 'key' || expect === 'key-or-close') {
            if (char !== '"')
                return fail(`expected a "quoted" field name, found ${describeChar(char)}`);
            if (!scanString()) return fail('unterminated string or invalid escape');
            expect = 'colon';
            continue;
        }
        if (expect === 'colon') {
            if (char !== ':') return fail(`expected ":", found ${describeChar(char)}`);
            index += 1;
            expect = 'value';
            continue;
        }
        const close = stack.at(-1) === 1 ? '}' : ']';
        if (char === ',') {
            index += 1;
            expect = stack.at(-1) === 1 ? 'key' : 'value';
        } else if (char === close) {
            stack.pop();
            index += 1;
            expect = afterValue();
        } else return fail(`expected "," or "${close}", found ${describeChar(char)}`);
    }
}

/** 1-based line and column (in characters) of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = 0;
    for (
        let index = text.indexOf('\n');
        index !== -1 && index < offset;
        index = text.indexOf('\n', index + 1)
    ) {
        line += 1;
        lineStart = index + 1;
    }
    return { line, column: offset - lineStart + 1 };
}

/** Parses JSON text; a failure is a JsonTextError with line and column. */
export function parseJsonText(text: string): unknown {
    if (text.startsWith('\ufeff')) {
        throw new JsonTextError(
            'the file starts with a byte-order mark (U+FEFF, invisible in most editors): save it as UTF-8 without BOM',
            1,
            1
        );
    }
    try {
        return JSON.parse(text);
    } catch (error) {
        const found = locateJsonError(text);
        if (!found) throw new JsonTextError((error as Error).message, 1, 1);
        const { line, column } = lineAndColumn(text, found.offset);
        throw new JsonTextError(found.reason, line, column);
    }
}

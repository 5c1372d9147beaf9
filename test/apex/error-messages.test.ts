// The console preview and the jest tests show ERROR_MESSAGES (force-app/test/opencx-samples.js) as
// the texts a rep sees. Those texts are written by OpenCxSessionController.messageFor in Apex; this
// test keeps the two in step: each sample text must be one that messageFor can produce.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { ERROR_MESSAGES } = require('../../force-app/test/opencx-samples.js') as {
    ERROR_MESSAGES: Record<string, string>;
};
const controller = readFileSync(
    new URL('../../force-app/main/default/classes/OpenCxSessionController.cls', import.meta.url),
    'utf8'
);

/** Splits an Apex concatenation into its string literals and the expressions between them. */
function concatenationParts(expression: string): Array<{ literal: string } | { code: string }> {
    const parts: Array<{ literal: string } | { code: string }> = [];
    let code = '';
    for (let i = 0; i < expression.length; i += 1) {
        if (expression[i] !== "'") {
            code += expression[i];
            continue;
        }
        if (code.replace(/[+\s]/g, '')) parts.push({ code });
        code = '';
        let literal = '';
        for (i += 1; expression[i] !== "'"; i += 1) {
            if (i >= expression.length) throw new Error(`unterminated string in ${expression}`);
            literal += expression[i] === '\\' ? expression[++i] : expression[i];
        }
        parts.push({ literal });
    }
    if (code.replace(/[+\s;]/g, '')) parts.push({ code });
    return parts;
}

/** Splits Apex code at the semicolons that end statements (not those inside string literals). */
function statements(code: string): string[] {
    const found: string[] = [];
    let current = '';
    let inString = false;
    for (let i = 0; i < code.length; i += 1) {
        const char = code[i];
        current += char;
        if (inString && char === '\\') current += code[++i];
        else if (char === "'") inString = !inString;
        else if (char === ';' && !inString) {
            found.push(current.slice(0, -1).trim());
            current = '';
        }
    }
    return found;
}

/** One pattern per `when` branch of messageFor: its literals in order, `.+` for each expression. */
function messagePatterns(): Map<string, RegExp> {
    const body = /String messageFor\([\s\S]*?\n {4}\}/.exec(controller)?.[0];
    assert.ok(body, 'OpenCxSessionController.messageFor not found');
    const patterns = new Map<string, RegExp>();
    for (const branch of body.matchAll(/when (\w+) \{([\s\S]*?)\n {12}\}/g)) {
        const source = statements(branch[2])
            .map((statement) => /^message \+?=([\s\S]*)$/.exec(statement)?.[1])
            .filter((expression): expression is string => expression !== undefined)
            .flatMap(concatenationParts)
            .map((part) =>
                'literal' in part ? part.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : '.+'
            )
            .join('');
        patterns.set(branch[1], new RegExp(`^${source}$`));
    }
    return patterns;
}

describe('error texts shown by the preview and the jest tests', () => {
    const patterns = messagePatterns();

    test('messageFor has a branch per failure kind', () => {
        assert.ok(
            patterns.size >= 7,
            `only ${patterns.size} branches found: ${[...patterns.keys()]}`
        );
    });

    for (const [name, text] of Object.entries(ERROR_MESSAGES)) {
        test(`ERROR_MESSAGES.${name} is a text messageFor produces`, () => {
            const matching = [...patterns].filter(([, pattern]) => pattern.test(text));
            assert.equal(
                matching.length,
                1,
                `"${text}" matches ${matching.length} messageFor branches; patterns:\n` +
                    [...patterns].map(([when, pattern]) => `  ${when}: ${pattern}`).join('\n')
            );
        });
    }

    test('a text the Apex never writes is caught', () => {
        const invented = 'OpenCX refused the API key (HTTP 401). Ask someone.';
        assert.ok(![...patterns.values()].some((pattern) => pattern.test(invented)));
    });
});

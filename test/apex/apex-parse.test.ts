// The offline stand-in for an org compile: the Apex grammar must reject broken Apex (with a
// position) and accept every class of the project.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { checkApexFiles, findApexFiles, parseApex } from '../../tools/apex-syntax.ts';

const root = join(import.meta.dirname, '..', '..');

describe('Apex syntax check', () => {
    const broken: Record<string, string> = {
        'missing semicolon': 'public class A { void m() { Integer x = 1 } }',
        'unclosed class': 'public class A { void m() {}',
        'misspelt keyword': 'public clas A { }',
        'unterminated string (lexer error)': "public class A { String s = 'abc; }",
        'bad escape in a string (lexer error)': "public class A { String s = '\\q'; }",
        'stray character (lexer error)': 'public class A { Integer x = 1 # 2; }',
        'broken SOQL': 'public class A { void m() { List<Account> a = [SELECT FROM Account]; } }'
    };
    for (const [name, source] of Object.entries(broken)) {
        test(`rejects ${name}`, () => {
            const problems = parseApex(source, 'class');
            assert.ok(problems.length > 0, `expected a syntax error for: ${source}`);
            assert.ok(problems[0].line >= 1 && problems[0].column >= 1, 'has a 1-based position');
        });
    }

    test('reports the line and column of the error', () => {
        const problems = parseApex(
            'public class A {\n    void m() {\n        Integer x = 1\n    }\n}',
            'class'
        );
        assert.equal(problems[0]?.line, 4, JSON.stringify(problems));
        assert.equal(problems[0]?.column, 5, JSON.stringify(problems));
    });

    test('accepts the modern syntax the project uses', () => {
        const source = `public with sharing class A {
            public Object m(Id recordId, Map<String, Object> data) {
                switch on String.valueOf(data?.get('type')) {
                    when 'a', 'b' { return data ?? new Map<String, Object>(); }
                    when else { return [SELECT Id FROM Account WHERE Id = :recordId WITH USER_MODE]; }
                }
            }
        }`;
        assert.deepEqual(parseApex(source, 'class'), []);
    });

    test('parses triggers with triggerUnit', () => {
        assert.deepEqual(parseApex('trigger T on Account (before insert) { }', 'trigger'), []);
        assert.ok(parseApex('trigger T on Account (before insert) {', 'trigger').length > 0);
    });

    test('every Apex file of the project parses', () => {
        const files = findApexFiles(join(root, 'force-app'));
        assert.ok(
            files.some((file) => file.endsWith('OpenCxSessionController.cls')),
            'finds the project classes'
        );
        assert.deepEqual(checkApexFiles(files, root), []);
    });
});

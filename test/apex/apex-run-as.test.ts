// Production deploys run the org's local Apex tests as the deploying user, who has no field access
// to fields the Metadata API just created (only a permission set grants it). A test that reaches
// the controller's real USER_MODE query must therefore run as a test user (System.runAs), never
// as whoever deploys. Offline, this reads the test classes and finds such methods.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CLASSES = join(import.meta.dirname, '..', '..', 'force-app', 'main', 'default', 'classes');

export interface TestMethod {
    name: string;
    body: string;
}

/** The @IsTest methods of an Apex test class with their bodies (brace-matched, strings skipped). */
export function testMethods(source: string): TestMethod[] {
    const methods: TestMethod[] = [];
    const header = /@IsTest\s+(?:(?:private|public|static)\s+)*void\s+(\w+)\s*\([^)]*\)\s*\{/gi;
    for (const match of source.matchAll(header)) {
        let depth = 1;
        let index = match.index + match[0].length;
        let inString = false;
        for (; index < source.length && depth > 0; index++) {
            const char = source[index];
            if (inString) {
                if (char === '\\') index++;
                else if (char === "'") inString = false;
            } else if (char === "'") inString = true;
            else if (char === '{') depth++;
            else if (char === '}') depth--;
        }
        methods.push({
            name: match[1],
            body: source.slice(match.index + match[0].length, index - 1)
        });
    }
    return methods;
}

/**
 * Calls that reach the stamp query in OpenCxSessionControllerTest: getConversation with a
 * MessagingSession id (another record type is refused before any query), or the helpers that
 * make that call.
 */
const REACHES_CONTROLLER =
    /\b(conversationError|errorFor)\s*\(|getConversation\s*\(\s*fakeMessagingSessionId/;
/** Ways a test replaces the real USER_MODE stamp source with an in-memory one. */
const REPLACES_SOURCE = /\b(useStamp|errorFor)\s*\(|stampSource\s*=/;

/** Test methods that run the real USER_MODE query as the deploying user. */
export function userModeQueriesOutsideRunAs(source: string): string[] {
    return testMethods(source)
        .filter((method) => REACHES_CONTROLLER.test(method.body))
        .filter((method) => !REPLACES_SOURCE.test(method.body))
        .filter((method) => !/System\.runAs\s*\(/i.test(method.body))
        .map((method) => method.name);
}

describe('Apex tests and the deploying user', () => {
    test('OpenCxSessionControllerTest runs the real USER_MODE query only inside System.runAs', () => {
        const source = readFileSync(join(CLASSES, 'OpenCxSessionControllerTest.cls'), 'utf8');
        assert.ok(testMethods(source).length > 10, 'test methods found');
        assert.deepEqual(userModeQueriesOutsideRunAs(source), []);
    });

    test('no test class queries WITH USER_MODE itself outside System.runAs', () => {
        const offenders = readdirSync(CLASSES)
            .filter((name) => /Test\.cls$/.test(name))
            .flatMap((name) =>
                testMethods(readFileSync(join(CLASSES, name), 'utf8'))
                    .filter((m) => /WITH\s+USER_MODE|AccessLevel\.USER_MODE/i.test(m.body))
                    .filter((m) => !/System\.runAs\s*\(/i.test(m.body))
                    .map((m) => `${name}: ${m.name}`)
            );
        assert.deepEqual(offenders, []);
    });

    test('the check finds a real-query test that runs as the deploying user', () => {
        const source = [
            '@IsTest private class T {',
            "  @IsTest static void stubbed() { useStamp('x', 'y'); conversationError(); }",
            '  @IsTest static void asRep() { System.runAs(rep) { String m = conversationError(); } }',
            "  @IsTest static void asDeployer() { String m = conversationError(); Assert.isTrue(m.contains('}')); }",
            '}'
        ].join('\n');
        assert.deepEqual(userModeQueriesOutsideRunAs(source), ['asDeployer']);
    });
});

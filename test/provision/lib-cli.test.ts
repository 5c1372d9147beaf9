// scripts/lib/cli.ts and scripts/lib/redact.ts: the shared command-line shape and the secret filter.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    CliError,
    EXIT,
    ORG_FLAGS,
    OUTPUT_FLAGS,
    orgTarget,
    parseFlags,
    printable,
    renderChecks
} from '../../scripts/lib/cli.ts';
import { Redactor, REDACTED } from '../../scripts/lib/redact.ts';

const FLAGS = { ...ORG_FLAGS, ...OUTPUT_FLAGS, kid: { type: 'string' } } as const;

describe('lib/cli parseFlags', () => {
    test('parses org and output flags, short and long, inline values', () => {
        const values = parseFlags(['-o', 'dev', '--json', '--kid=abc'], FLAGS);
        assert.equal(values['target-org'], 'dev');
        assert.equal(values.json, true);
        assert.equal(values.kid, 'abc');
    });
    test('an unknown option is a usage error (exit 2) that names it', () => {
        assert.throws(
            () => parseFlags(['--nope'], FLAGS),
            (error: CliError) =>
                error.code === 'USAGE' &&
                error.exitCode === EXIT.usage &&
                error.message === 'unknown option --nope (see --help)'
        );
    });
    test('a missing value says so', () => {
        assert.throws(
            () => parseFlags(['--target-org', '--json'], FLAGS),
            /--target-org needs a value/
        );
        assert.throws(() => parseFlags(['--target-org'], FLAGS), /--target-org needs a value/);
    });
    test('a value that starts with "-" is taken for options that allow it', () => {
        const values = parseFlags(['--kid', '-Xy_z'], FLAGS, { dashValues: ['kid'] });
        assert.equal(values.kid, '-Xy_z');
    });
    test('positionals are refused', () => {
        assert.throws(() => parseFlags(['extra'], FLAGS), /unexpected argument extra/);
    });
    test('orgTarget wants exactly one way in', () => {
        assert.throws(() => orgTarget({}, {}), /--target-org <alias\|username> is required/);
        assert.throws(
            () => orgTarget({ 'target-org': 'a', 'instance-url': 'https://x' }, {}),
            /not both/
        );
        assert.deepEqual(orgTarget({ 'instance-url': 'https://x' }, { SF_ACCESS_TOKEN: 't' }), {
            targetOrg: undefined,
            instanceUrl: 'https://x',
            accessToken: 't'
        });
    });
});

describe('lib/cli renderChecks', () => {
    test('one symbol set, fix under failures, control characters shown as text', () => {
        assert.deepEqual(
            renderChecks([
                { title: 'A', passed: true, detail: 'fine' },
                { title: 'B', passed: false, detail: 'bad\u001b[2J', fix: 'do this' }
            ]),
            ['✓ A: fine', '✗ B: bad\\u001b[2J', '    fix: do this']
        );
        assert.equal(printable('a\nb'), 'a\\u000ab');
    });
});

describe('lib/redact', () => {
    const key = 'ocx_live_SECRET"quoted\\value';
    test('plain, JSON-escaped and URL-encoded forms are replaced', () => {
        const redactor = new Redactor().add(key, undefined, 'short');
        const document = redactor.json({ error: `bad key ${key}`, url: encodeURIComponent(key) });
        assert.equal(document.includes('SECRET'), false);
        assert.deepEqual(JSON.parse(document), {
            error: `bad key ${REDACTED}`,
            url: REDACTED
        });
        assert.equal(redactor.text('short stays'), 'short stays');
    });
    test('a PEM private key is redacted whole and line by line', () => {
        const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
        const pem = `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
        const redactor = new Redactor().add(pem);
        assert.equal(redactor.text(`quoted: ${body}`).includes(body), false);
        assert.equal(redactor.json({ pem }).includes(body), false);
    });
});

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { exportJWK, importJWK, jwtVerify } from 'jose';
import { expectedQueue, soqlString, type RoutingRule } from '../../scripts/handoff/verify.ts';
import { parseTextTranscript, transcriptMessages } from '../../scripts/handoff/transcript.ts';
import { messagingHostFor, parseCli } from '../../scripts/handoff/cli.ts';
import { describeToken, signIdentityToken } from '../../scripts/handoff/identity-token.ts';
import {
    accessTokenIsVerified,
    hiddenPrechatFieldNames,
    parseConversationEvent
} from '../../scripts/handoff/miaw-client.ts';

const rules: RoutingRule[] = [
    {
        DeveloperName: 'B_Verified',
        Consumer_Type__c: 'Verified',
        Queue_Developer_Name__c: 'Q_Second',
        Active__c: true
    },
    {
        DeveloperName: 'A_Verified',
        Consumer_Type__c: ' verified ',
        Queue_Developer_Name__c: 'Q_First',
        Active__c: true
    },
    {
        DeveloperName: 'Anonymous',
        Consumer_Type__c: 'Anonymous',
        Queue_Developer_Name__c: 'Q_Anon',
        Active__c: false
    },
    {
        DeveloperName: 'Ghost',
        Consumer_Type__c: 'Ghost',
        Queue_Developer_Name__c: 'Q_Missing',
        Active__c: true
    }
];
const queues = new Set(['Q_First', 'Q_Second', 'Q_Anon', 'OpenCX_Fallback']);

describe('expected queue from the rule records', () => {
    test('first active rule by developer name, trimmed and case-insensitive', () => {
        assert.deepEqual(expectedQueue('VERIFIED', rules, queues, 'OpenCX_Fallback'), {
            queueDeveloperName: 'Q_First',
            rule: 'A_Verified',
            reason: 'rule A_Verified ( verified )'
        });
    });
    test('inactive rule, unknown value, blank value, missing queue: the fallback', () => {
        assert.equal(
            expectedQueue('Anonymous', rules, queues, 'OpenCX_Fallback').queueDeveloperName,
            'OpenCX_Fallback'
        );
        assert.equal(
            expectedQueue('Martian', rules, queues, 'OpenCX_Fallback').queueDeveloperName,
            'OpenCX_Fallback'
        );
        assert.equal(
            expectedQueue('  ', rules, queues, 'OpenCX_Fallback').reason,
            'Chat_Consumer_Type is blank'
        );
        assert.equal(
            expectedQueue(undefined, rules, queues, 'OpenCX_Fallback').queueDeveloperName,
            'OpenCX_Fallback'
        );
        assert.match(
            expectedQueue('ghost', rules, queues, 'OpenCX_Fallback').reason,
            /names queue Q_Missing, which does not exist/
        );
    });
    test('SOQL string literals are escaped', () => {
        assert.equal(soqlString("o'brien\\x"), "o\\'brien\\\\x");
    });
});

describe('transcript', () => {
    test('text lines: speaker prefixes kept, bare lines are the visitor', () => {
        assert.deepEqual(
            parseTextTranscript('AI: hello\n\n  where is my order?\nAgent Smith: hi'),
            [
                { speaker: 'AI', text: 'hello' },
                { speaker: 'Visitor', text: 'where is my order?' },
                { speaker: 'Agent Smith', text: 'hi' }
            ]
        );
    });
    test('packed into messages under the limit without splitting a turn that fits', () => {
        const lines = Array.from({ length: 30 }, (_, index) => ({
            speaker: 'AI',
            text: `${index} ${'x'.repeat(90)}`
        }));
        const messages = transcriptMessages(lines, 1000);
        assert.ok(messages.every((message) => message.length <= 1000));
        assert.equal(
            messages
                .join('\n')
                .split('\n')
                .filter((line) => line.startsWith('AI: ')).length,
            30
        );
        const long = transcriptMessages([{ speaker: 'AI', text: 'y'.repeat(2500) }], 1000);
        assert.ok(long.every((message) => message.length <= 1000));
        assert.equal(long.join('').split('y').length - 1, 2500);
    });
});

describe('flags and discovery', () => {
    test('messaging host from the My Domain instance URL', () => {
        assert.equal(
            messagingHostFor('https://Acme.my.salesforce.com'),
            'https://acme.my.salesforce-scrt.com'
        );
        assert.equal(
            messagingHostFor('https://acme--dev.sandbox.my.salesforce.com/'),
            'https://acme--dev.sandbox.my.salesforce-scrt.com'
        );
        assert.equal(
            messagingHostFor('https://acme-dev-ed.develop.my.salesforce.com'),
            'https://acme-dev-ed.develop.my.salesforce-scrt.com'
        );
        assert.equal(messagingHostFor('https://na123.salesforce.com'), null);
        assert.equal(messagingHostFor('http://127.0.0.1:4000'), null);
    });
    test('defaults', () => {
        const options = parseCli(['-o', 'acme']);
        // The deployment's name comes from force-app when not given.
        assert.equal(options.esName, undefined);
        assert.equal(options.visitor, 'both');
        assert.equal(options.visitorVerification, undefined);
        assert.equal(options.listenSeconds, 30);
        assert.equal(options.message, 'I want to talk to a human');
        assert.equal(
            parseCli(['-o', 'acme', '--messaging-host', 'https://acme.my.salesforce-scrt.com/x'])
                .messagingHost,
            'https://acme.my.salesforce-scrt.com'
        );
    });
    test('values that start with "-" (base64url key ids) are taken as values', () => {
        const options = parseCli(['-o', 'acme', '--kid', '-IUeU_367U4', '--message', '-hi']);
        assert.equal(options.kid, '-IUeU_367U4');
        assert.equal(options.message, '-hi');
    });
    test("the fallback queue is the caller's (read from the channel metadata)", () => {
        assert.equal(
            expectedQueue('Martian', [], new Set(), 'Other_Fallback').queueDeveloperName,
            'Other_Fallback'
        );
    });
});

describe('identity token and MIAW shapes', () => {
    test('RS256 with kid, iss, sub, iat, exp; verifies with the public JWK', async () => {
        const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const token = await signIdentityToken({
            privateKey,
            kid: 'k1',
            issuer: 'iss-1',
            subject: 'a@b.co',
            nowSeconds: 1_800_000_000,
            ttlSeconds: 120
        });
        assert.deepEqual(describeToken(token), {
            kid: 'k1',
            alg: 'RS256',
            iss: 'iss-1',
            sub: 'a@b.co',
            iat: 1_800_000_000,
            exp: 1_800_000_120
        });
        const key = await importJWK({ ...(await exportJWK(publicKey)), alg: 'RS256' }, 'RS256');
        const { payload } = await jwtVerify(token, key, {
            issuer: 'iss-1',
            currentDate: new Date(1_800_000_060_000)
        });
        assert.equal(payload.sub, 'a@b.co');
        const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        await assert.rejects(
            signIdentityToken({ privateKey: ec.privateKey, kid: 'k', issuer: 'i', subject: 's' }),
            /must be an RSA key/
        );
    });
    test('verified only with the AUTH segment in the subject', () => {
        assert.equal(
            accessTokenIsVerified({
                accessToken: 'x',
                context: {
                    endUser: { subject: 'v2/iamessage/AUTH/OpenCX_Identity_Keys/uid:a@b.co' }
                }
            }),
            true
        );
        assert.equal(
            accessTokenIsVerified({
                accessToken: 'x',
                context: { endUser: { subject: 'v2/iamessage/UNAUTH/NA/uid:1' } }
            }),
            false
        );
        assert.equal(
            accessTokenIsVerified({
                accessToken: 'x',
                context: { endUser: { subject: 'v2/iamessage/ANON/1' } }
            }),
            false
        );
    });
    test('hidden pre-chat fields and conversation entries', () => {
        assert.deepEqual(
            hiddenPrechatFieldNames({
                forms: [
                    {
                        formFields: [
                            { name: 'A', isHidden: true },
                            { name: 'B', isHidden: false }
                        ],
                        hiddenFormFields: [{ name: 'C' }]
                    }
                ]
            }).sort(),
            ['A', 'C']
        );
        const entry = parseConversationEvent({
            type: 'CONVERSATION_MESSAGE',
            lastEventId: '5',
            data: JSON.stringify({
                conversationId: 'c1',
                conversationEntry: {
                    identifier: 'e1',
                    entryType: 'Message',
                    sender: { role: 'Agent' },
                    senderDisplayName: 'Ada',
                    entryPayload: JSON.stringify({
                        abstractMessage: { staticContent: { formatType: 'Text', text: 'hi' } }
                    }),
                    transcriptedTimestamp: 1
                }
            })
        });
        assert.deepEqual(
            [entry?.senderRole, entry?.senderName, entry?.text, entry?.eventId],
            ['Agent', 'Ada', 'hi', '5']
        );
        assert.equal(parseConversationEvent({ type: 'ping', data: '0', lastEventId: '' }), null);
    });
});

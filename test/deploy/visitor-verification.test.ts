// The channel transformation of the two visitor-verification modes, and the unbound-mapping check
// on the shapes retrieved channels take.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
    channelAuthMode,
    channelXmlForMode,
    ChannelTransformError,
    visitorVerificationFromConfig
} from '../../scripts/lib/visitor-verification.ts';
import { findUnboundMappings } from '../../scripts/deploy/channel-check.ts';
import { projectSnapshot } from './support.ts';

const channelXml = () =>
    readFileSync(
        join(
            projectSnapshot(),
            'force-app/main/default/messagingChannels/OpenCX_Messaging.messagingChannel-meta.xml'
        ),
        'utf8'
    );

test('verified mode deploys the channel as shipped: authMode Auth with the key set authorization', () => {
    const xml = channelXml();
    assert.equal(channelXmlForMode(xml, 'verified'), xml);
    assert.equal(channelAuthMode(xml), 'Auth');
    assert.match(
        xml,
        /<publicKeyCertificateSetName>OpenCX_Identity_Keys<\/publicKeyCertificateSetName>/
    );
});

test('open mode: authMode UnAuth, no authorization, no verified-user expiry; parameters untouched', () => {
    const xml = channelXml();
    const open = channelXmlForMode(xml, 'open');
    assert.equal(channelAuthMode(open), 'UnAuth');
    assert.doesNotMatch(
        open,
        /messagingAuthorizations|OpenCX_Identity_Keys<\/publicKeyCertificateSetName>|verifiedUserJwtExpirationTime/
    );
    const parameters = (text: string) =>
        text.match(/<customParameters>[\s\S]*?<\/customParameters>/g);
    assert.deepEqual(parameters(open), parameters(xml));
    assert.match(open, /<sessionHandlerFlow>OpenCX_Route_Handoff<\/sessionHandlerFlow>/);
    assert.equal(channelXmlForMode(open, 'open'), open, 'idempotent');
});

test('a channel without authMode, or verified mode over an UnAuth file, is refused with the fix', () => {
    assert.throws(
        () => channelXmlForMode('<MessagingChannel><embeddedConfig/></MessagingChannel>', 'open'),
        ChannelTransformError
    );
    const open = channelXmlForMode(channelXml(), 'open');
    assert.throws(() => channelXmlForMode(open, 'verified'), /restore <authMode>Auth<\/authMode>/);
});

test('visitorVerification from the config: default verified, open accepted, anything else refused', () => {
    assert.equal(visitorVerificationFromConfig({}), 'verified');
    assert.equal(visitorVerificationFromConfig({ visitorVerification: 'open' }), 'open');
    assert.throws(
        () => visitorVerificationFromConfig({ visitorVerification: 'Open' }),
        /verified, open/
    );
});

const channelWith = (mapping: string) =>
    `<MessagingChannel><customParameters>${mapping}<name>OpencxSessionId</name></customParameters></MessagingChannel>`;
const BOUND =
    '<actionParameterMappings><actionParameterName>OpencxSessionId</actionParameterName></actionParameterMappings>';

test('mapping check: bound only when the retrieved mapping names the flow variable', () => {
    const deployed = channelWith(BOUND);
    assert.deepEqual(findUnboundMappings(deployed, deployed), []);
    assert.deepEqual(findUnboundMappings(deployed, channelWith('<actionParameterMappings/>')), [
        { parameter: 'OpencxSessionId', expected: 'OpencxSessionId', found: null }
    ]);
    assert.equal(
        findUnboundMappings(
            deployed,
            channelWith('<actionParameterMappings>\n</actionParameterMappings>')
        ).length,
        1
    );
    assert.equal(findUnboundMappings(deployed, channelWith('')).length, 1, 'mapping block missing');
    assert.deepEqual(
        findUnboundMappings(
            deployed,
            channelWith(
                '<actionParameterMappings><actionParameterName>Other</actionParameterName></actionParameterMappings>'
            )
        ),
        [{ parameter: 'OpencxSessionId', expected: 'OpencxSessionId', found: 'Other' }]
    );
    assert.equal(
        findUnboundMappings(deployed, '<MessagingChannel/>').length,
        1,
        'parameter missing'
    );
});

// The channel states how long Salesforce's messaging tokens live instead of leaving it to the org's
// default. Metadata API (MessagingChannel, EmbeddedConfig): verifiedUserJwtExpirationTime applies
// when authMode is Auth, anonymousUserJwtExpirationTime when it is UnAuth, both in minutes; the
// Metadata API's own Auth sample sets the verified one to 360. Both are set so that the visitor
// mode (verified | open) can switch authMode without leaving the other lifetime to chance.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { children, readMessagingChannel, text } from '../../testkit/metadata/index.ts';

/** This project's sanity bounds (Salesforce documents none): long enough for a queued handoff,
 *  short enough that a leaked token dies within a day. */
const MIN_MINUTES = 30;
const MAX_MINUTES = 24 * 60;

function embeddedConfig() {
    const channel = readMessagingChannel('OpenCX_Messaging');
    assert.ok(channel, 'messagingChannels/OpenCX_Messaging is missing');
    const [config] = children(channel, 'embeddedConfig');
    assert.ok(config, 'OpenCX_Messaging has no embeddedConfig');
    return config;
}

describe('OpenCX_Messaging token lifetimes', () => {
    for (const element of ['verifiedUserJwtExpirationTime', 'anonymousUserJwtExpirationTime']) {
        test(`${element} is set explicitly, in minutes`, () => {
            const value = text(embeddedConfig(), element);
            assert.ok(value !== undefined, `${element} is not set: the org default applies`);
            assert.match(value, /^\d+$/, `${element} must be a whole number of minutes`);
            const minutes = Number(value);
            assert.ok(
                minutes >= MIN_MINUTES && minutes <= MAX_MINUTES,
                `${element} = ${minutes} min, expected ${MIN_MINUTES}-${MAX_MINUTES}`
            );
        });
    }
});

// How Salesforce treats OpenCX's visitors: one setting, `visitorVerification` in opencx.config.json.
//   verified  the channel verifies identity tokens (authMode Auth + the OpenCX_Identity_Keys key set):
//             OpenCX must sign a token for every visitor, anonymous ones with a random subject.
//   open      no user verification: every visitor is a guest to Salesforce, and Chat_Consumer_Type
//             is OpenCX's claim alone.
// Deploy, provisioning (the key step runs only in verified mode), the doctor and the handoff
// rehearsal all read it from here.
export const VISITOR_VERIFICATION_MODES = ['verified', 'open'] as const;
export type VisitorVerification = (typeof VISITOR_VERIFICATION_MODES)[number];
export const DEFAULT_VISITOR_VERIFICATION: VisitorVerification = 'verified';

export function isVisitorVerification(value: unknown): value is VisitorVerification {
    return (VISITOR_VERIFICATION_MODES as readonly unknown[]).includes(value);
}

/**
 * The Metadata API's value of MessagingChannel embeddedConfig/authMode for each mode. Evidence:
 * Salesforce's MessagingChannel reference (API 67.0), EmbeddedConfig.authMode: "Auth/UnAuth Mode
 * Types For Embedded Chat. Valid values are: Auth, UnAuth"; anonymousUserJwtExpirationTime applies
 * when authMode is UnAuth, verifiedUserJwtExpirationTime when it is Auth.
 */
export const CHANNEL_AUTH_MODE: Record<VisitorVerification, 'Auth' | 'UnAuth'> = {
    verified: 'Auth',
    open: 'UnAuth'
};

/** Metadata types that exist only for user verification: not deployed in open mode. */
export const VERIFIED_ONLY_TYPES: readonly string[] = ['PublicKeyCertificateSet'];

export class ChannelTransformError extends Error {}

const AUTH_MODE_ELEMENT = /<authMode>\s*([A-Za-z]+)\s*<\/authMode>/;

/** The channel's authMode as the XML states it (undefined when the element is missing). */
export function channelAuthMode(channelXml: string): string | undefined {
    return AUTH_MODE_ELEMENT.exec(channelXml)?.[1];
}

/**
 * The MessagingChannel XML as a mode deploys it. verified: the file as shipped (authMode Auth, an
 * enabled messagingAuthorizations entry naming the key set). open: authMode UnAuth, every
 * messagingAuthorizations entry removed (a guest channel verifies nothing, and the key set is not
 * deployed, so a reference to it would fail the component) and verifiedUserJwtExpirationTime
 * removed (it applies only to Auth). Everything else is kept byte for byte.
 */
export function channelXmlForMode(channelXml: string, mode: VisitorVerification): string {
    const current = channelAuthMode(channelXml);
    if (current !== 'Auth' && current !== 'UnAuth') {
        throw new ChannelTransformError(
            `the messaging channel has no embeddedConfig/authMode Auth or UnAuth (found ${current ?? 'none'})`
        );
    }
    if (mode === 'verified') {
        if (current !== 'Auth') {
            throw new ChannelTransformError(
                'visitorVerification is verified but the channel file says authMode UnAuth: restore <authMode>Auth</authMode> and its messagingAuthorizations entry'
            );
        }
        return channelXml;
    }
    return channelXml
        .replace(AUTH_MODE_ELEMENT, `<authMode>${CHANNEL_AUTH_MODE.open}</authMode>`)
        .replace(/[ \t]*<messagingAuthorizations>[\s\S]*?<\/messagingAuthorizations>\r?\n?/g, '')
        .replace(
            /[ \t]*<verifiedUserJwtExpirationTime>[^<]*<\/verifiedUserJwtExpirationTime>\r?\n?/g,
            ''
        );
}

/**
 * The mode opencx.config.json sets (`visitorVerification`), or the default when the file has none.
 * Throws with the allowed values when the setting is present but wrong.
 */
export function visitorVerificationFromConfig(config: unknown): VisitorVerification {
    const value = (config as { visitorVerification?: unknown } | null)?.visitorVerification;
    if (value === undefined) return DEFAULT_VISITOR_VERIFICATION;
    if (!isVisitorVerification(value)) {
        throw new ChannelTransformError(
            `visitorVerification must be one of ${VISITOR_VERIFICATION_MODES.join(', ')} (got ${JSON.stringify(value)})`
        );
    }
    return value;
}

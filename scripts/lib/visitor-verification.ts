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

// Keeps known secrets out of output. A server error can quote what it was sent (the OpenCX API key,
// the access token, a private key): every message and --json document passes through a Redactor
// that replaces each known secret value, also in its JSON-escaped and URL-encoded forms.
//
// Usage:
//   const redactor = new Redactor();
//   redactor.add(process.env.SF_ACCESS_TOKEN);   // as soon as a secret is known
//   io.stderr(redactor.text(message));           // plain text
//   io.stdout(redactor.json(document));          // JSON.stringify, then redacted (stays valid JSON)
export const REDACTED = '[redacted]';

/** Shorter values are not redacted: they would mask ordinary words and ids. */
const MIN_SECRET_LENGTH = 8;

function forms(secret: string): string[] {
    const inJson = JSON.stringify(secret).slice(1, -1);
    return [...new Set([secret, inJson, encodeURIComponent(secret)])];
}

export class Redactor {
    private readonly secrets = new Set<string>();

    /** Registers secret values (undefined/short ones are ignored). PEM keys also by their body lines. */
    add(...values: (string | undefined | null)[]): this {
        for (const value of values) {
            const secret = value?.trim();
            if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
            for (const form of forms(secret)) this.secrets.add(form);
            // A PEM key is often quoted line by line or with its newlines escaped.
            if (secret.includes('-----BEGIN')) {
                for (const line of secret.split(/\r?\n/)) {
                    if (line.length >= 16 && !line.startsWith('-----')) this.secrets.add(line);
                }
            }
        }
        return this;
    }

    /** The text with every known secret replaced by [redacted]; longest first, so no part survives. */
    text(message: string): string {
        let out = message;
        for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
            if (out.includes(secret)) out = out.split(secret).join(REDACTED);
        }
        return out;
    }

    /** JSON.stringify(value, null, indent), redacted. [redacted] needs no escaping, so it stays JSON. */
    json(value: unknown, indent = 2): string {
        return this.text(JSON.stringify(value, null, indent));
    }
}

/** Redacts the given secrets from one message (for callers without a long-lived Redactor). */
export function redact(message: string, ...secrets: (string | undefined | null)[]): string {
    return new Redactor().add(...secrets).text(message);
}

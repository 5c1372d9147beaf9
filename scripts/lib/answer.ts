// Answers from the org are checked before they are used: an HTML error page, malformed JSON or an
// object of the wrong shape is an UnreadableAnswerError (a named failure, before any write that
// depends on it), not an internal TypeError or a wrong guess such as "the API key is not set".
import { CliError, EXIT, printable } from './cli.ts';

export class UnreadableAnswerError extends CliError {
    constructor(what: string, body: unknown) {
        super(
            'UNREADABLE_ANSWER',
            `unreadable answer from the org for ${what}: ${preview(body)} (nothing was written from it)`,
            {
                fix: 'rerun in a few minutes; if it persists, check the org in a browser (maintenance page?) or a proxy between you and Salesforce',
                exitCode: EXIT.failed
            }
        );
    }
}

/** The start of an unexpected answer, as one printable line. */
export function preview(body: unknown): string {
    const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? String(body));
    const kind = /^\s*<(!doctype|html)/i.test(text) ? 'an HTML page: ' : '';
    const flat = printable(text.replace(/\s+/g, ' ').trim());
    return `${kind}"${flat.length > 80 ? `${flat.slice(0, 80)}…` : flat}"`;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);

/** Returns the answer when `check` accepts it; throws UnreadableAnswerError otherwise. */
export function expectAnswer<T>(
    body: unknown,
    check: (value: unknown) => boolean,
    what: string
): T {
    if (!check(body)) throw new UnreadableAnswerError(what, body);
    return body as T;
}

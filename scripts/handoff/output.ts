// What `npm run handoff:test` prints. Every line passes through one writer that redacts known
// secrets and shows control codes as text (an agent reply or a server message cannot move the
// cursor, clear the screen or start a line that looks like the verdict).
import { printable, renderChecks, SYMBOLS, type CheckLine } from '../lib/cli.ts';
import type { Redactor } from '../lib/redact.ts';
import type { Reply } from './conversation.ts';
import type { RehearsalResult } from './rehearse.ts';
import type { Check } from './verify.ts';
import type { TokenAttempt } from './visitors.ts';

export interface Printer {
    /** One line for people (nothing under --json). */
    line(text: string): void;
    /** The one --json document. */
    json(document: unknown): void;
    /** An error line on stderr. */
    error(text: string): void;
}

export function createPrinter(
    io: { stdout: (text: string) => void; stderr: (text: string) => void },
    redactor: Redactor,
    json: boolean
): Printer {
    const clean = (text: string) => printable(redactor.text(text));
    return {
        line: (text) => {
            if (!json) io.stdout(`${clean(text)}\n`);
        },
        json: (document) => io.stdout(`${redactor.json(document)}\n`),
        error: (text) => io.stderr(`${clean(text)}\n`)
    };
}

export function renderReply(reply: Reply): string {
    const time = reply.at.slice(11, 19);
    return `  [${time}] ${reply.visitor} ← ${reply.name || reply.role}: ${reply.text}`;
}

function checkLine(check: Check): CheckLine {
    return {
        title: check.visitor ? `${check.name} (${check.visitor})` : check.name,
        passed: check.ok,
        detail: check.detail,
        fix: check.fix
    };
}

/** A signed call that came back as a guest is Salesforce's silent fallback: not a pass. */
function attemptPassed(attempt: TokenAttempt): boolean {
    return attempt.ok && (attempt.way !== 'signed' || attempt.subjectKind === 'AUTH');
}

export function renderTokenTable(attempts: TokenAttempt[]): string[] {
    return attempts.map(
        (attempt) =>
            `  ${attempt.kind.padEnd(9)} ${attempt.way.padEnd(15)} ${String(attempt.status ?? '-').padEnd(4)} ${(attempt.subjectKind ?? '-').padEnd(6)} ${attemptPassed(attempt) ? SYMBOLS.pass : SYMBOLS.fail} ${attempt.endpoint}`
    );
}

/** The closing block: checks, PASS/FAIL, and the verdict as the very last line. */
export function renderSummary(result: RehearsalResult): string[] {
    const replies = result.handoffs.reduce((sum, handoff) => sum + handoff.replies.length, 0);
    const landed = result.handoffs
        .map(
            (handoff) =>
                `${handoff.visitor.kind} → ${handoff.session?.routedQueue?.developerName ?? 'not routed'}`
        )
        .join(', ');
    return [
        '',
        'Token calls (kind, way, status, subject kind)',
        ...renderTokenTable(result.visitors),
        '',
        'Where it landed (through the org connection)',
        ...renderChecks(result.checks.map(checkLine)),
        '',
        result.ok
            ? `PASS: ${landed} (${replies} repl${replies === 1 ? 'y' : 'ies'} received).`
            : `FAIL: ${result.checks.filter((check) => !check.ok).length} check(s) failed; each fix is above.`,
        result.verdict.line
    ];
}

// docs/troubleshooting.md quotes what the commands print. Every quoted message (an inline code span
// of six words or more) must still be in the code, piece by piece: the pieces are the text between
// what the code fills in or joins (placeholders <…> and …, project names, numbers, quotes,
// parentheses, "title: detail" joins), so a reworded message fails here instead of leaving the
// guide wrong.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/lib/project.ts';

const SOURCES = ['scripts', 'force-app/main/default/classes', 'force-app/main/default/labels'];

function filesUnder(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) return filesUnder(path);
        return /\.(ts|cls|xml)$/.test(entry) ? [path] : [];
    });
}

/**
 * The code as one text: string concatenations (`'a' +\n 'b'`, `s += 'b'`) joined, template
 * expressions cut open (a piece never spans one), backticks dropped (the guide cannot nest them in
 * a code span), whitespace runs as one space.
 */
function codeText(): string {
    return SOURCES.flatMap((dir) => filesUnder(join(PROJECT_ROOT, dir)))
        .map((file) => readFileSync(file, 'utf8'))
        .join('\n')
        .replace(/['`]\s*\+\s*['`]/g, '')
        .replace(/['`];\s*\w+\s*\+=\s*['`]/g, '')
        .replace(/\$\{|\}/g, '\u0000')
        .replace(/`/g, '')
        .replace(/\s+/g, ' ');
}

const FILLED_IN =
    /<[^>]*>|…|\bOpenCX_\w+|\{\w+\}|\d+(?:\.\d+)?|verified, open|verified or open| at line |: |^error: |^! |"|\(|\)/;

/** Literal pieces of a quoted message. */
function pieces(message: string): string[] {
    return message
        .split(FILLED_IN)
        .map((piece) => piece?.trim() ?? '')
        .filter((piece) => piece.length >= 14);
}

test('every message docs/troubleshooting.md quotes is in the code', () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs/troubleshooting.md'), 'utf8');
    const code = codeText();
    const quoted = [...doc.matchAll(/`([^`\n]+)`/g)]
        .map((match) => match[1])
        .filter((span) => span.split(/\s+/).length >= 6 && !span.startsWith('npm run'));
    assert.ok(quoted.length >= 60, `found ${quoted.length} quoted messages`);
    const missing = quoted.flatMap((message) =>
        pieces(message)
            .filter((piece) => !code.includes(piece.replace(/\s+/g, ' ')))
            .map((piece) => `${piece}   (in: ${message})`)
    );
    assert.deepEqual(missing, []);
});

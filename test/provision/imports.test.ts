// The import graph of scripts/: no cycle, and no command reaching into another (issue 13). The
// commands are provision, handoff and deploy (their folder and their entry file); what they share
// lives in scripts/lib, which imports no command.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../scripts/lib/project.ts';

const SCRIPTS = join(PROJECT_ROOT, 'scripts');
const COMMANDS = ['provision', 'handoff', 'deploy'];
const ENTRY_FILES: Record<string, string> = { 'handoff-test.ts': 'handoff' };

function tsFiles(folder: string): string[] {
    return readdirSync(folder).flatMap((name) => {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) return tsFiles(path);
        return name.endsWith('.ts') ? [path] : [];
    });
}

/** Relative imports (static, dynamic and re-exports) of one file, as absolute paths. */
export function importsOf(file: string, source: string): string[] {
    const specifiers = [
        ...source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g),
        ...source.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g),
        ...source.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)
    ].map((match) => match[1]);
    return specifiers
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => resolve(dirname(file), spec));
}

/** The command a file belongs to ('lib', a command name, or 'other'). */
export function ownerOf(path: string): string {
    const [first] = relative(SCRIPTS, path).split('/');
    if (first === 'lib') return 'lib';
    const name = first.replace(/\.ts$/, '');
    if (COMMANDS.includes(name)) return name;
    return ENTRY_FILES[first] ?? 'other';
}

/** Every cycle's files (strongly connected components of more than one file, or a self-import). */
export function cycles(graph: Map<string, string[]>): string[][] {
    let counter = 0;
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const found: string[][] = [];
    const visit = (node: string) => {
        index.set(node, counter);
        low.set(node, counter);
        counter += 1;
        stack.push(node);
        onStack.add(node);
        for (const next of graph.get(node) ?? []) {
            if (!graph.has(next)) continue;
            if (!index.has(next)) {
                visit(next);
                low.set(node, Math.min(low.get(node) ?? 0, low.get(next) ?? 0));
            } else if (onStack.has(next)) {
                low.set(node, Math.min(low.get(node) ?? 0, index.get(next) ?? 0));
            }
        }
        if (low.get(node) !== index.get(node)) return;
        const component: string[] = [];
        for (let member = stack.pop(); member !== undefined; member = stack.pop()) {
            onStack.delete(member);
            component.push(member);
            if (member === node) break;
        }
        if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component);
    };
    for (const node of graph.keys()) if (!index.has(node)) visit(node);
    return found;
}

const graph = new Map(
    tsFiles(SCRIPTS).map((file) => [file, importsOf(file, readFileSync(file, 'utf8'))])
);
const show = (path: string) => relative(PROJECT_ROOT, path);

describe('scripts/ import graph', () => {
    test('has no cycle', () => {
        assert.deepEqual(
            cycles(graph).map((cycle) => cycle.map(show).sort()),
            []
        );
    });

    test('no command imports another, and scripts/lib imports none', () => {
        const crossings = [...graph].flatMap(([file, imports]) =>
            imports
                .filter((target) => {
                    const from = ownerOf(file);
                    const to = ownerOf(target);
                    if (to === 'lib' || to === 'other' || to === from) return false;
                    return true;
                })
                .map((target) => `${show(file)} → ${show(target)}`)
        );
        assert.deepEqual(crossings, []);
    });

    test('the checks themselves catch a cycle and a crossing', () => {
        const a = join(SCRIPTS, 'provision', 'a.ts');
        const b = join(SCRIPTS, 'provision', 'b.ts');
        assert.equal(
            cycles(
                new Map([
                    [a, [b]],
                    [b, [a]]
                ])
            ).length,
            1
        );
        assert.equal(
            cycles(
                new Map([
                    [a, [b]],
                    [b, []]
                ])
            ).length,
            0
        );
        assert.equal(ownerOf(join(SCRIPTS, 'handoff', 'org.ts')), 'handoff');
        assert.equal(ownerOf(join(SCRIPTS, 'handoff-test.ts')), 'handoff');
        assert.equal(ownerOf(join(SCRIPTS, 'lib', 'cli.ts')), 'lib');
        assert.deepEqual(
            importsOf(a, "import { x } from './b.ts';\nexport * from '../lib/c.ts';"),
            [b, join(SCRIPTS, 'lib', 'c.ts')]
        );
    });
});

// Apex syntax check with the maintained Apex grammar (@apexdevtools/apex-parser). Collects every
// lexer and parser error with its position; the package's own check() exits 0 on errors and
// misses lexer errors, so it is not used.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ApexErrorListener, ApexParserFactory } from '@apexdevtools/apex-parser';

export interface ApexSyntaxProblem {
    /** 1-based, as editors show it. */
    line: number;
    /** 1-based (ANTLR reports 0-based columns). */
    column: number;
    message: string;
}

class CollectingErrorListener extends ApexErrorListener {
    readonly problems: ApexSyntaxProblem[] = [];

    apexSyntaxError(line: number, column: number, message: string): void {
        this.problems.push({ line, column: column + 1, message });
    }
}

/** Parses one class (compilationUnit) or trigger (triggerUnit); returns every syntax error. */
export function parseApex(source: string, kind: 'class' | 'trigger'): ApexSyntaxProblem[] {
    const listener = new CollectingErrorListener();
    const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
    if (kind === 'trigger') parser.triggerUnit();
    else parser.compilationUnit();
    return listener.problems;
}

/** Every .cls and .trigger under a folder, sorted. */
export function findApexFiles(folder: string): string[] {
    const found: string[] = [];
    const walk = (dir: string) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
            if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
            const path = join(dir, entry.name);
            if (entry.isDirectory()) walk(path);
            else if (/\.(cls|trigger)$/.test(entry.name)) found.push(path);
        }
    };
    walk(folder);
    return found.sort();
}

/** `file:line:col: message` lines for every syntax error in the given files. */
export function checkApexFiles(files: string[], root: string): string[] {
    return files.flatMap((file) => {
        const kind = file.endsWith('.trigger') ? 'trigger' : 'class';
        return parseApex(readFileSync(file, 'utf8'), kind).map(
            (problem) =>
                `${relative(root, file)}:${problem.line}:${problem.column}: ${problem.message}`
        );
    });
}

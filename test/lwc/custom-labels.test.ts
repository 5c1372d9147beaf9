// Every text a rep sees in the console components is a Custom Label (CustomLabels metadata,
// imported as `@salesforce/label/c.<name>`), so an admin can translate the panel with Translation
// Workbench. This test reads the deployable sources: a text written into a template or a
// TypeScript string fails it, an import of a label the metadata lacks fails it, a label nothing
// uses fails it, and a copy of the label texts in the jest or preview mocks fails it.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const root = join(import.meta.dirname, '..', '..');
const lwcRoot = join(root, 'force-app/main/default/lwc');
const { readCustomLabels, LABELS_FILE } = createRequire(import.meta.url)(
    '../../force-app/test/custom-labels.js'
) as { readCustomLabels: (file?: string) => Map<string, string>; LABELS_FILE: string };

/** Files under dir (recursively) whose name passes keep; __tests__ folders left out. */
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) return name === '__tests__' ? [] : filesUnder(path, keep);
        return keep(name) ? [path] : [];
    });
}

const templates = filesUnder(lwcRoot, (name) => name.endsWith('.html'));
const sources = filesUnder(lwcRoot, (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'));

// ---------------------------------------------------------------------------------------------
// Templates: text nodes and the attributes a rep reads (or hears) must be {expressions}.

/** Attributes whose value a rep sees or a screen reader speaks. */
const SPOKEN_ATTRIBUTES =
    /^(title|label|alternative-text|alt|placeholder|aria-label|aria-description|aria-roledescription|aria-valuetext|message-when-[\w-]+|field-level-help|assistive-text|loading-text|header|empty-text)$/;

export function templateLiterals(html: string): string[] {
    const found: string[] = [];
    const source = html.replace(/<!--[\s\S]*?-->/g, '');
    // Text between tags, without {expressions}.
    for (const match of source.matchAll(/>([^<]*)</g)) {
        const text = match[1].replace(/\{[^}]*\}/g, '').trim();
        if (/[\p{L}\p{N}]/u.test(text)) found.push(`text "${text}"`);
    }
    // Attribute values of spoken attributes that are not a single {expression}.
    for (const tag of source.matchAll(/<[a-z][\w-]*(\s[^>]*?)?>/g)) {
        for (const attribute of (tag[1] ?? '').matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
            const [, name, , double, single] = attribute;
            const value = (double ?? single ?? '').trim();
            if (SPOKEN_ATTRIBUTES.test(name) && !/^\{[^}]*\}$/.test(value) && value !== '') {
                found.push(`${name}="${value}"`);
            }
        }
    }
    return found;
}

// ---------------------------------------------------------------------------------------------
// TypeScript: string literals that read like words for people.

/** Prose: two plain words in a row, a capitalised word, or words ending a sentence. */
export function looksLikeProse(text: string): boolean {
    // A CSS class list: lowercase tokens, at least one of them with - or _ (slds-badge badge).
    const tokens = text.trim().split(/\s+/);
    if (tokens.every((token) => /^[a-z][a-z0-9_-]*$/.test(token)) && /[-_]/.test(text)) {
        return false;
    }
    return (
        /(^|[^\w-])\p{L}{2,} \p{L}{2,}([^\w-]|$)/u.test(text) ||
        /(^|[^\w.-])\p{Lu}\p{Ll}{2,}([^\w-]|$)/u.test(text) ||
        /\p{L}[.!?…]\s*$/u.test(text) ||
        // The rest of a sentence after a value: `${agent} joined`.
        /^\s\p{L}{3,}[.!?]?$/u.test(text)
    );
}

/** Calls whose string arguments are selectors or diagnostics, not texts for reps. */
const NON_UI_CALLS =
    /^(querySelector|querySelectorAll|closest|matches|getAttribute|warn|error|log|debug)$/;

export function sourceLiterals(fileName: string, code: string): string[] {
    const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
    const found: string[] = [];
    const visit = (node: ts.Node) => {
        if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
        if (ts.isLiteralTypeNode(node) || ts.isTypeNode(node)) return;
        if (ts.isCallExpression(node)) {
            const callee = node.expression;
            const name = ts.isPropertyAccessExpression(callee)
                ? callee.name.text
                : callee.getText();
            if (NON_UI_CALLS.test(name)) return;
        }
        const texts: string[] = [];
        if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
            texts.push(node.text);
        } else if (ts.isTemplateExpression(node)) {
            texts.push(node.head.text, ...node.templateSpans.map((span) => span.literal.text));
        }
        for (const text of texts) {
            if (looksLikeProse(text)) {
                const { line } = file.getLineAndCharacterOfPosition(node.getStart());
                found.push(`line ${line + 1}: ${JSON.stringify(text)}`);
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(file);
    return found;
}

const labelImports = (code: string) =>
    [...code.matchAll(/from\s+['"]@salesforce\/label\/c\.(\w+)['"]/g)].map((match) => match[1]);

describe('Custom Labels', () => {
    const labels = readCustomLabels();

    test('the metadata file holds labels Salesforce accepts', () => {
        assert.ok(labels.size >= 50, `${labels.size} labels`);
        const xml = readFileSync(LABELS_FILE, 'utf8');
        for (const [name, value] of labels) {
            assert.match(name, /^[A-Za-z](?!.*__)\w{0,79}$/, `${name}: an API name`);
            assert.doesNotMatch(name, /_$/, `${name}: no trailing underscore`);
            assert.ok(
                value.trim().length > 0 && value.length <= 1000,
                `${name}: 1-1000 characters`
            );
        }
        for (const description of xml.matchAll(/<shortDescription>([^<]*)<\/shortDescription>/g)) {
            assert.ok(description[1].length <= 80, `short description over 80: ${description[1]}`);
        }
        assert.equal([...xml.matchAll(/<labels>/g)].length, labels.size, 'one entry per label');
        assert.equal([...xml.matchAll(/<language>en_US<\/language>/g)].length, labels.size);
    });

    test('every label a component imports is in the metadata, and every label is used', () => {
        const imported = new Set(
            sources.flatMap((file) => labelImports(readFileSync(file, 'utf8')))
        );
        const missing = [...imported].filter((name) => !labels.has(name));
        assert.deepEqual(missing, [], 'imported but not in CustomLabels.labels-meta.xml');
        const unused = [...labels.keys()].filter((name) => !imported.has(name));
        assert.deepEqual(unused, [], 'in the metadata but imported by no component');
    });

    test('templates carry no text of their own: every text is a {label} or a value', () => {
        assert.ok(templates.length >= 2);
        const problems = templates.flatMap((file) =>
            templateLiterals(readFileSync(file, 'utf8')).map(
                (literal) => `${relative(root, file)}: ${literal}`
            )
        );
        assert.deepEqual(problems, []);
    });

    test('TypeScript sources carry no text for reps: every text is an imported label', () => {
        assert.ok(sources.length >= 2);
        const problems = sources.flatMap((file) =>
            sourceLiterals(file, readFileSync(file, 'utf8')).map(
                (literal) => `${relative(root, file)} ${literal}`
            )
        );
        assert.deepEqual(problems, []);
    });

    test('the jest and preview mocks read the metadata: no copy of a label text', () => {
        // What stands in for the platform: jest's mocks and setup, the preview's platform modules.
        const mocks = [
            ...filesUnder(join(root, 'force-app/test'), (name) => /\.(c?js|mjs)$/.test(name)),
            ...filesUnder(join(root, 'preview/platform'), (name) => /\.mjs$/.test(name)),
            join(root, 'preview/platform-modules.mjs'),
            join(root, 'jest.config.js')
        ].filter((file) => !file.endsWith('opencx-samples.js'));
        const distinctive = [...labels.values()].filter((value) => value.length >= 15);
        const copies = mocks.flatMap((file) => {
            const code = readFileSync(file, 'utf8');
            return distinctive
                .filter((value) => code.includes(value))
                .map((value) => `${relative(root, file)}: ${value}`);
        });
        assert.deepEqual(copies, []);
        const setup = readFileSync(join(root, 'force-app/test/jest-setup.js'), 'utf8');
        assert.match(setup, /require\('\.\/custom-labels'\)/);
        assert.match(setup, /@salesforce\/label\/c\.\$\{name\}/);
    });
});

describe('docs/panel.md', () => {
    test('lists every Custom Label with its English value', () => {
        const doc = readFileSync(join(root, 'docs/panel.md'), 'utf8');
        // Table rows `| \`Name\` | value |` (prettier pads the cells).
        const rows = new Map(
            [...doc.matchAll(/^\|\s*`(\w+)`\s*\|(.*)\|\s*$/gm)].map((row) => [
                row[1],
                row[2].trim().replace(/\\\|/g, '|')
            ])
        );
        const missing = [...readCustomLabels()]
            .filter(([name, value]) => rows.get(name) !== value.trim())
            .map(([name]) => name);
        assert.deepEqual(missing, [], 'add these rows to the label table of docs/panel.md');
    });
});

describe('the literal scanners find what they must', () => {
    test('template text and spoken attributes written in place', () => {
        assert.deepEqual(
            templateLiterals(
                '<template><!-- a comment --><p class="x">{labels.a}</p><h2>Handoff summary</h2>' +
                    '<lightning-button label="Retry" title={labels.t}></lightning-button>' +
                    '<span aria-label={labels.x}>{value}</span><p>{a} · {b}</p></template>'
            ),
            // Punctuation between values ("·") is no text to translate.
            ['text "Handoff summary"', 'label="Retry"']
        );
    });

    test('prose in strings, but not class lists, codes, keys or formats', () => {
        for (const prose of [
            'Trace key copied.',
            'Retry',
            'Web chat',
            'opens in a new tab',
            `Sentiment: x`
        ]) {
            assert.equal(looksLikeProse(prose), true, prose);
        }
        for (const code of [
            'turn turn_visitor',
            'slds-badge badge',
            'slds-badge badge sentiment sentiment_neutral',
            ' sentiment sentiment_angry slds-theme_error',
            'closed_resolved',
            'READY',
            'max-height: ',
            'c-opencx-transcript',
            '2-digit',
            'web_voice'
        ]) {
            assert.equal(looksLikeProse(code), false, code);
        }
    });

    test('a label written in a TypeScript source is reported with its line', () => {
        const found = sourceLiterals(
            'x.ts',
            "import A from '@salesforce/label/c.OpenCX_A';\nconst M = new Map([['web', 'Web chat']]);\n" +
                "const c = 'turn turn_ai';\nel.querySelector('li[data-x=\"Some Thing\"]');\n"
        );
        assert.deepEqual(found, ['line 2: "Web chat"']);
    });
});

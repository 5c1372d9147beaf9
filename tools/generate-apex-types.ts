// Writes types/opencx-apex.d.ts, the TypeScript side of the Apex the console panel calls, from the
// Apex classes themselves (@apexdevtools/apex-parser): one `@salesforce/apex/<Class>.<method>`
// module per @AuraEnabled method of the controllers, with an interface per Apex class its answer
// carries (every @AuraEnabled property). One source: a field added in Apex reaches the type.
//   tsx tools/generate-apex-types.ts           write the .d.ts
//   tsx tools/generate-apex-types.ts --check   write nothing; exit 1 when the committed one differs
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import prettier from 'prettier';
import {
    ApexErrorListener,
    ApexLexer,
    ApexParserFactory,
    type AnnotationContext,
    type ClassDeclarationContext,
    type EnumDeclarationContext,
    type MemberDeclarationContext,
    type MethodDeclarationContext,
    type ModifierContext,
    type ApexParserRuleContext,
    type ApexToken,
    type ApexTokenStream,
    type TypeRefContext
} from '@apexdevtools/apex-parser';

export const projectRoot = join(import.meta.dirname, '..');
export const classesDir = join(projectRoot, 'force-app/main/default/classes');
export const typesFile = join(projectRoot, 'types/opencx-apex.d.ts');
/** The controllers whose @AuraEnabled methods the components import. */
export const CONTROLLERS = ['OpenCxSessionController', 'OpenCxVerdictController'];

/** An Apex type as written: `List<Turn>` is { name: 'List', args: [{ name: 'Turn' }] }. */
export interface ApexType {
    name: string;
    args: ApexType[];
}
export interface ApexProperty {
    name: string;
    type: ApexType;
    doc: string | null;
}
/** An Apex class with @AuraEnabled properties (a DTO), or an enum (values set). */
export interface ApexClass {
    /** `OpenCxConversation` or `OpenCxConversation.Turn` */
    qualifiedName: string;
    doc: string | null;
    properties: ApexProperty[];
    enumValues: string[] | null;
    /** The folder of its .cls: where the types it names are looked up. */
    folder: string;
}
export interface ApexMethod {
    controller: string;
    name: string;
    cacheable: boolean;
    params: Array<{ name: string; type: ApexType }>;
    returns: ApexType | null;
}
interface ParsedFile {
    folder: string;
    classes: Map<string, ApexClass>;
    methods: ApexMethod[];
}

class ThrowingErrorListener extends ApexErrorListener {
    constructor(private readonly file: string) {
        super();
    }
    apexSyntaxError(line: number, column: number, message: string): void {
        throw new Error(`${this.file}:${line}:${column + 1}: ${message}`);
    }
}

function docBefore(context: ApexParserRuleContext, tokens: ApexTokenStream): string | null {
    const hidden = tokens.getHiddenTokensToLeft(
        context.start.tokenIndex,
        ApexLexer.COMMENT_CHANNEL
    );
    const doc = hidden?.filter((token: ApexToken) => token.type === ApexLexer.DOC_COMMENT).pop();
    if (!doc) return null;
    const lines = doc.text
        .replace(/^\/\*\*|\*\/$/g, '')
        .split('\n')
        .map((line: string) => line.replace(/^\s*\* ?/, '').trimEnd());
    while (lines.length && !lines[0]!.trim()) lines.shift();
    if (lines.length) lines[0] = lines[0]!.trimStart();
    while (lines.length && !lines[lines.length - 1]!.trim()) lines.pop();
    return lines.length ? lines.join('\n') : null;
}

function annotation(modifiers: ModifierContext[], name: string) {
    return modifiers
        .map((modifier) => modifier.annotation())
        .find((found) => found?.id().getText().toLowerCase() === name.toLowerCase());
}

function typeOf(ref: TypeRefContext): ApexType {
    const names = ref.typeName_list();
    const last = names[names.length - 1]!;
    const args = last.typeArguments()?.typeList().typeRef_list().map(typeOf) ?? [];
    const name = names.map((part) => part.id()?.getText() ?? part.getChild(0).getText()).join('.');
    const type = { name, args };
    // Apex arrays (String[]) are Lists.
    return ref.arraySubscripts()?.getText() ? { name: 'List', args: [type] } : type;
}

function readEnum(
    context: EnumDeclarationContext,
    qualifiedName: string,
    doc: string | null,
    parsed: ParsedFile
): void {
    const values =
        context
            .enumConstants()
            ?.id_list()
            .map((id) => id.getText()) ?? [];
    parsed.classes.set(qualifiedName, {
        qualifiedName,
        doc,
        properties: [],
        enumValues: values,
        folder: parsed.folder
    });
}

function readMethod(
    controller: string,
    method: MethodDeclarationContext,
    aura: AnnotationContext
): ApexMethod {
    const pairs = aura.elementValuePairs()?.elementValuePair_list() ?? [];
    const params = method.formalParameters().formalParameterList()?.formalParameter_list() ?? [];
    return {
        controller,
        name: method.id().getText(),
        cacheable: pairs.some(
            (pair) =>
                pair.id().getText().toLowerCase() === 'cacheable' &&
                pair.elementValue().getText().toLowerCase() === 'true'
        ),
        params: params.map((param) => ({
            name: param.id().getText(),
            type: typeOf(param.typeRef())
        })),
        returns: method.typeRef() ? typeOf(method.typeRef()) : null
    };
}

/** The @AuraEnabled properties (fields or get/set properties) one member declares. */
function readProperties(member: MemberDeclarationContext, doc: string | null): ApexProperty[] {
    const field = member.fieldDeclaration();
    const property = member.propertyDeclaration();
    if (!field && !property) return [];
    const type = typeOf((field ?? property)!.typeRef());
    const names = field
        ? field
              .variableDeclarators()
              .variableDeclarator_list()
              .map((v) => v.id().getText())
        : [property!.id().getText()];
    return names.map((name) => ({ name, type, doc }));
}

function readClass(
    context: ClassDeclarationContext,
    outer: string | null,
    tokens: ApexTokenStream,
    parsed: ParsedFile,
    doc: string | null
): void {
    const name = outer ? `${outer}.${context.id().getText()}` : context.id().getText();
    const info: ApexClass = {
        qualifiedName: name,
        doc,
        properties: [],
        enumValues: null,
        folder: parsed.folder
    };
    parsed.classes.set(name, info);
    for (const declaration of context.classBody().classBodyDeclaration_list()) {
        const member = declaration.memberDeclaration();
        if (!member) continue;
        const aura = annotation(declaration.modifier_list(), 'AuraEnabled');
        const memberDoc = docBefore(declaration, tokens);
        const inner = member.classDeclaration();
        const innerEnum = member.enumDeclaration();
        const method = member.methodDeclaration();
        if (inner) readClass(inner, name, tokens, parsed, memberDoc);
        else if (innerEnum)
            readEnum(innerEnum, `${name}.${innerEnum.id().getText()}`, memberDoc, parsed);
        else if (aura && method) parsed.methods.push(readMethod(name, method, aura));
        else if (aura) info.properties.push(...readProperties(member, memberDoc));
    }
}

/** The classes (with their inner classes and enums) and @AuraEnabled methods of one .cls file. */
export function parseApexClassFile(file: string, source = readFileSync(file, 'utf8')): ParsedFile {
    const { parser } = ApexParserFactory.createLexerAndParser(
        source,
        new ThrowingErrorListener(relative(projectRoot, file))
    );
    const unit = parser.compilationUnit();
    const tokens = parser.getTokenStream() as unknown as ApexTokenStream;
    const parsed: ParsedFile = { folder: dirname(file), classes: new Map(), methods: [] };
    const declaration = unit.typeDeclaration();
    const doc = docBefore(declaration, tokens);
    const topClass = declaration.classDeclaration();
    const topEnum = declaration.enumDeclaration();
    if (topClass) readClass(topClass, null, tokens, parsed, doc);
    else if (topEnum) readEnum(topEnum, topEnum.id().getText(), doc, parsed);
    return parsed;
}

/** An Apex type as the JSON the component receives carries it. */
export type JsonShape =
    | { kind: 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'date' | 'unknown' }
    | { kind: 'list'; of: JsonShape }
    | { kind: 'map'; of: JsonShape }
    | { kind: 'class'; apexClass: ApexClass }
    | { kind: 'enum'; apexClass: ApexClass };

const SCALARS: Record<string, JsonShape['kind']> = {
    string: 'string',
    id: 'string',
    time: 'string',
    integer: 'integer',
    long: 'integer',
    decimal: 'number',
    double: 'number',
    boolean: 'boolean',
    datetime: 'datetime',
    date: 'date',
    object: 'unknown'
};

const fileCache = new Map<string, ParsedFile>();
function parsedClassFile(outerName: string, dir: string): ParsedFile | null {
    const file = join(dir, `${outerName}.cls`);
    if (!fileCache.has(file)) {
        try {
            fileCache.set(file, parseApexClassFile(file));
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
            return null;
        }
    }
    return fileCache.get(file) ?? null;
}

/** `Turn` inside OpenCxConversation, `OpenCxBeyondHandoff.Routing`, or a top-level class. */
function resolveClass(name: string, from: string, dir: string): ApexClass {
    const outer = from.split('.')[0]!;
    const candidates = name.includes('.') ? [name] : [`${outer}.${name}`, name];
    for (const candidate of candidates) {
        const found = parsedClassFile(candidate.split('.')[0]!, dir)?.classes.get(candidate);
        if (found) return found;
    }
    throw new Error(
        `Apex type ${name} (used in ${from}) not found under ${relative(projectRoot, dir)}`
    );
}

/** What an Apex type written in class `from` becomes in JSON. */
export function shapeOf(type: ApexType, from: string, dir = classesDir): JsonShape {
    const lower = type.name.toLowerCase();
    const scalar = SCALARS[lower];
    if (scalar) return { kind: scalar } as JsonShape;
    if (lower === 'list' || lower === 'set')
        return { kind: 'list', of: shapeOf(type.args[0]!, from, dir) };
    if (lower === 'map') return { kind: 'map', of: shapeOf(type.args[1]!, from, dir) };
    const apexClass = resolveClass(type.name, from, dir);
    return { kind: apexClass.enumValues ? 'enum' : 'class', apexClass };
}

/** The Apex contract: the controllers' methods and every class their answers carry. */
export interface ApexContract {
    methods: Array<ApexMethod & { classes: ApexClass[] }>;
}

/** Every class (and enum) reachable from a type, in first-seen order. */
function reachableClasses(shape: JsonShape, dir: string, into: Map<string, ApexClass>): void {
    if (shape.kind === 'list' || shape.kind === 'map') reachableClasses(shape.of, dir, into);
    if (shape.kind !== 'class' && shape.kind !== 'enum') return;
    const { apexClass } = shape;
    if (into.has(apexClass.qualifiedName)) return;
    into.set(apexClass.qualifiedName, apexClass);
    for (const property of apexClass.properties)
        reachableClasses(shapeOf(property.type, apexClass.qualifiedName, dir), dir, into);
}

/** Reads the controllers and, transitively, every class their @AuraEnabled answers carry. */
export function readApexContract(dir = classesDir, controllers = CONTROLLERS): ApexContract {
    fileCache.clear();
    const methods = controllers.flatMap((name) => {
        const parsed = parsedClassFile(name, dir);
        if (!parsed) throw new Error(`No ${name}.cls under ${relative(projectRoot, dir)}`);
        return parsed.methods;
    });
    return {
        methods: methods.map((method) => {
            const classes = new Map<string, ApexClass>();
            if (method.returns)
                reachableClasses(shapeOf(method.returns, method.controller, dir), dir, classes);
            return { ...method, classes: [...classes.values()] };
        })
    };
}

/** The @AuraEnabled properties of one class, e.g. `OpenCxConversation` or `OpenCxBeyondHandoff.Routing`. */
export function readApexClass(qualifiedName: string, dir = classesDir): ApexClass {
    return resolveClass(qualifiedName, qualifiedName, dir);
}

// ---- TypeScript ----

const HEADER = `// GENERATED by \`npm run build:types\` (tools/generate-apex-types.ts) from the @AuraEnabled
// methods and properties of the Apex classes named below. Do not edit: change the Apex and rerun;
// \`npm run build:check\` fails while this file differs from what the generator writes.
// Salesforce provides these modules at runtime; jest mocks them (createApexTestWireAdapter).
// Apex sends null for a property it did not set (or leaves it out), so every property may be null.
`;

/** Interface name: the Apex class name without its outer class (`Turn`, `Routing`). */
function interfaceName(apexClass: ApexClass): string {
    return apexClass.qualifiedName.split('.').pop()!;
}

function tsType(shape: JsonShape): string {
    switch (shape.kind) {
        case 'string':
        case 'datetime':
        case 'date':
            return 'string';
        case 'integer':
        case 'number':
            return 'number';
        case 'boolean':
            return 'boolean';
        case 'unknown':
            return 'unknown';
        case 'list':
            return `${tsType(shape.of)}[]`;
        case 'map':
            return `Record<string, ${tsType(shape.of)}>`;
        case 'class':
        case 'enum':
            return interfaceName(shape.apexClass);
    }
}

function docLines(doc: string | null, indent: string, extra?: string): string[] {
    const lines = [...(doc ? doc.split('\n') : []), ...(extra ? [extra] : [])];
    if (!lines.length) return [];
    if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
    return [
        `${indent}/**`,
        ...lines.map((line) => `${indent} *${line ? ' ' + line : ''}`),
        `${indent} */`
    ];
}

const SHAPE_NOTES: Partial<Record<JsonShape['kind'], string>> = {
    datetime: 'Apex Datetime: ISO 8601 in UTC.',
    date: 'Apex Date: YYYY-MM-DD.'
};

function emitClass(apexClass: ApexClass, dir: string): string[] {
    const name = interfaceName(apexClass);
    const source = `Apex ${apexClass.qualifiedName}`;
    if (apexClass.enumValues) {
        const union = apexClass.enumValues.map((value) => `'${value}'`).join(' | ') || 'never';
        return [...docLines(source, '    '), `    export type ${name} = ${union};`];
    }
    const lines = [
        ...docLines(apexClass.doc ? `${source}: ${apexClass.doc}` : source, '    '),
        `    export interface ${name} {`
    ];
    for (const property of apexClass.properties) {
        const shape = shapeOf(property.type, apexClass.qualifiedName, dir);
        lines.push(...docLines(property.doc, '        ', SHAPE_NOTES[shape.kind]));
        lines.push(`        ${property.name}?: ${tsType(shape)} | null;`);
    }
    lines.push('    }');
    return lines;
}

function pascal(name: string): string {
    return name.charAt(0).toUpperCase() + name.slice(1);
}

function emitMethod(method: ApexContract['methods'][number], dir: string): string[] {
    const base = pascal(method.name);
    const returns = method.returns
        ? tsType(shapeOf(method.returns, method.controller, dir))
        : 'void';
    const lines = [
        `declare module '@salesforce/apex/${method.controller}.${method.name}' {`,
        ...(method.cacheable ? [`    import type { WireAdapterConstructor } from 'lwc';`, ''] : [])
    ];
    for (const apexClass of method.classes) lines.push(...emitClass(apexClass, dir), '');
    lines.push(
        '    /** The Apex parameters; one left out reaches Apex as null. */',
        `    export interface ${base}Params {`,
        ...method.params.map(
            (param) =>
                `        ${param.name}?: ${tsType(shapeOf(param.type, method.controller, dir))} | null;`
        ),
        '    }',
        ''
    );
    if (method.cacheable) {
        lines.push(
            `    /** What @wire(${method.name}) delivers: data or error, the other undefined. */`,
            `    export interface Wired${base} {`,
            `        data?: ${returns};`,
            '        error?: unknown;',
            '    }',
            '',
            `    type ${base} = WireAdapterConstructor<${base}Params, Wired${base}> &`,
            `        ((params: ${base}Params) => Promise<${returns}>);`
        );
    } else {
        lines.push(`    type ${base} = (params: ${base}Params) => Promise<${returns}>;`);
    }
    lines.push(`    const ${method.name}: ${base};`, `    export default ${method.name};`, '}');
    return lines;
}

/** The whole .d.ts for the given Apex folder, formatted as the project's Prettier formats it. */
export async function generateApexTypes(
    dir = classesDir,
    controllers = CONTROLLERS
): Promise<string> {
    const contract = readApexContract(dir, controllers);
    const sources = [
        ...new Set(
            contract.methods.flatMap((method) => [
                method.controller,
                ...method.classes.map((apexClass) => apexClass.qualifiedName.split('.')[0]!)
            ])
        )
    ].sort();
    const body = contract.methods.map((method) => emitMethod(method, dir).join('\n'));
    const text = `${HEADER}// Apex: ${sources.map((name) => `${name}.cls`).join(', ')}\n\n${body.join('\n\n')}\n`;
    const options = (await prettier.resolveConfig(typesFile)) ?? {};
    return prettier.format(text, { ...options, filepath: typesFile });
}

async function main(): Promise<void> {
    const check = process.argv.includes('--check');
    const generated = await generateApexTypes();
    let committed: string | null = null;
    try {
        committed = readFileSync(typesFile, 'utf8');
    } catch {
        committed = null;
    }
    const where = relative(projectRoot, typesFile);
    if (committed === generated) {
        console.log(`build:types: ${where} up to date`);
        return;
    }
    if (check) {
        console.error(
            `${where}: ${committed === null ? 'missing' : 'differs from the Apex classes'}; run \`npm run build:types\` and commit it`
        );
        process.exit(1);
    }
    // Written beside and renamed: a stopped run never leaves half a file.
    const partial = `${typesFile}.${process.pid}.tmp`;
    writeFileSync(partial, generated);
    renameSync(partial, typesFile);
    console.log(`build:types: wrote ${where}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
    main().catch((error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
    });
}

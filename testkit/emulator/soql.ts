// The SOQL subset the emulator answers: SELECT fields (dotted relationship fields such as
// LatestVersion.VersionNumber resolve through the <Name>Id field), FROM one type, WHERE conditions
// joined by AND (=, !=, IN, NOT IN, LIKE with string, number, boolean and null literals, and
// `<date field> = LAST_N_DAYS:n`), ORDER BY one field, LIMIT. Aggregate queries: COUNT(field) and
// grouped fields, each with an optional alias, GROUP BY one field, ORDER BY COUNT(field); rows come
// back as AggregateResult keyed by alias (expr0, ... for an unaliased COUNT), as the REST API
// answers them. Anything else is a MALFORMED_QUERY, so a query the real API would reject does
// not silently pass here.
import { RecordError, type RecordStore, type SObjectRecord } from './state.ts';

type Literal = string | number | boolean | null;

interface Condition {
    field: string;
    operator: '=' | '!=' | 'IN' | 'NOT IN' | 'LIKE' | 'LAST_N_DAYS';
    value: Literal | Literal[];
}

/** One item of an aggregate query's SELECT: COUNT(field) or a grouped field, and its key. */
export interface AggregateItem {
    kind: 'count' | 'group';
    field: string;
    /** The key of the value in each AggregateResult row: the alias, else expr<n> / the field. */
    key: string;
}

export interface ParsedQuery {
    fields: string[];
    type: string;
    where: Condition[];
    orderBy?: { field: string; descending: boolean };
    limit?: number;
    /** Aggregate queries only (COUNT or GROUP BY). */
    aggregate?: { items: AggregateItem[]; groupBy: string | null; orderByCount: boolean };
}

const TOKEN = /\s*('(?:[^'\\]|\\.)*'|[(),]|!=|=|LAST_N_DAYS:\d+|[A-Za-z_][\w.]*|-?\d+(?:\.\d+)?)/iy;

function tokenize(soql: string): string[] {
    const tokens: string[] = [];
    TOKEN.lastIndex = 0;
    let index = 0;
    while (index < soql.length) {
        if (/^\s*$/.test(soql.slice(index))) break;
        TOKEN.lastIndex = index;
        const match = TOKEN.exec(soql);
        if (!match) throw malformed(`unexpected text at: ${soql.slice(index, index + 20)}`);
        tokens.push(match[1]);
        index = TOKEN.lastIndex;
    }
    return tokens;
}

function malformed(message: string): RecordError {
    return new RecordError('MALFORMED_QUERY', message);
}

function parseLiteral(token: string | undefined): Literal {
    if (token === undefined) throw malformed('missing value');
    if (token.startsWith("'")) return token.slice(1, -1).replace(/\\(.)/g, '$1');
    if (/^(true|false)$/i.test(token)) return token.toLowerCase() === 'true';
    if (/^null$/i.test(token)) return null;
    if (/^-?\d/.test(token)) return Number(token);
    throw malformed(`unexpected token: ${token}`);
}

export function parseSoql(soql: string): ParsedQuery {
    const tokens = tokenize(soql);
    let position = 0;
    const peek = () => tokens[position]?.toUpperCase();
    const next = () => tokens[position++];
    const expect = (word: string) => {
        const token = next();
        if (token?.toUpperCase() !== word) throw malformed(`expected ${word}, found ${token}`);
    };

    expect('SELECT');
    const fields: string[] = [];
    const items: Array<{ kind: 'count' | 'group'; field: string; alias: string | null }> = [];
    do {
        let field = next();
        let kind: 'count' | 'group' = 'group';
        if (field?.toUpperCase() === 'COUNT' && peek() === '(') {
            next();
            field = next();
            expect(')');
            kind = 'count';
        }
        if (!field || !/^[A-Za-z_][\w.]*$/.test(field)) throw malformed(`bad field: ${field}`);
        // An alias: an identifier that is not the next keyword.
        const alias = peek() !== ',' && peek() !== 'FROM' ? (next() ?? null) : null;
        if (alias !== null && !/^[A-Za-z_]\w*$/.test(alias)) throw malformed(`bad alias: ${alias}`);
        items.push({ kind, field, alias });
        if (kind === 'group') fields.push(field);
    } while (peek() === ',' && next());
    expect('FROM');
    const type = next();
    if (!type) throw malformed('missing FROM type');

    const where: Condition[] = [];
    if (peek() === 'WHERE') {
        next();
        for (;;) {
            const field = next();
            if (!field) throw malformed('missing condition');
            let operator = next()?.toUpperCase();
            if (operator === 'NOT') {
                expect('IN');
                operator = 'NOT IN';
            }
            if (operator === '=' && /^LAST_N_DAYS:\d+$/i.test(tokens[position] ?? '')) {
                where.push({
                    field,
                    operator: 'LAST_N_DAYS',
                    value: Number(next()!.split(':')[1])
                });
            } else if (operator === 'IN' || operator === 'NOT IN') {
                expect('(');
                const values: Literal[] = [];
                do values.push(parseLiteral(next()));
                while (peek() === ',' && next());
                expect(')');
                where.push({ field, operator, value: values });
            } else if (operator === '=' || operator === '!=' || operator === 'LIKE') {
                where.push({ field, operator, value: parseLiteral(next()) });
            } else {
                throw malformed(`unsupported operator: ${operator}`);
            }
            if (peek() !== 'AND') break;
            next();
        }
    }
    let groupBy: string | null = null;
    if (peek() === 'GROUP') {
        next();
        expect('BY');
        groupBy = next() ?? null;
        if (!groupBy || !/^[A-Za-z_][\w.]*$/.test(groupBy))
            throw malformed(`bad GROUP BY ${groupBy}`);
    }
    let orderBy: ParsedQuery['orderBy'];
    let orderByCount = false;
    if (peek() === 'ORDER') {
        next();
        expect('BY');
        let field = next()!;
        if (field.toUpperCase() === 'COUNT' && peek() === '(') {
            next();
            field = next()!;
            expect(')');
            orderByCount = true;
        }
        const direction = peek();
        if (direction === 'ASC' || direction === 'DESC') next();
        orderBy = { field, descending: direction === 'DESC' };
    }
    let limit: number | undefined;
    if (peek() === 'LIMIT') {
        next();
        limit = Number(next());
    }
    if (position < tokens.length) throw malformed(`unexpected token: ${tokens[position]}`);
    const isAggregate = groupBy !== null || items.some((item) => item.kind === 'count');
    if (!isAggregate) {
        if (items.some((item) => item.alias !== null)) {
            throw malformed('Only aggregate expressions use field aliasing');
        }
        if (orderByCount) throw malformed('ORDER BY COUNT() needs an aggregate query');
        return { fields, type, where, orderBy, limit };
    }
    return {
        fields,
        type,
        where,
        orderBy,
        limit,
        aggregate: { items: aggregateItems(items, groupBy), groupBy, orderByCount }
    };
}

/** SOQL's rules for an aggregate SELECT: every plain field grouped, keys by alias or exprN. */
function aggregateItems(
    items: Array<{ kind: 'count' | 'group'; field: string; alias: string | null }>,
    groupBy: string | null
): AggregateItem[] {
    let expression = 0;
    return items.map((item) => {
        if (item.kind === 'group' && item.field.toLowerCase() !== groupBy?.toLowerCase()) {
            throw malformed(`Field must be grouped or aggregated: ${item.field}`);
        }
        const key =
            item.alias ??
            (item.kind === 'count' ? `expr${expression++}` : item.field.split('.').pop()!);
        return { kind: item.kind, field: item.field, key };
    });
}

/** `LAST_N_DAYS:n`: from 00:00 (UTC here) n days before today until now. */
function withinLastDays(value: unknown, days: number): boolean {
    if (typeof value !== 'string') return false;
    const at = Date.parse(value);
    if (Number.isNaN(at)) return false;
    const start = new Date();
    start.setUTCHours(0, 0, 0, 0);
    start.setUTCDate(start.getUTCDate() - days);
    return at >= start.getTime() && at <= Date.now();
}

/** Groups the matching rows and counts them, shaped as the REST API's AggregateResult rows. */
function aggregateRows(
    store: RecordStore,
    rows: SObjectRecord[],
    query: ParsedQuery
): Record<string, unknown>[] {
    const { items, groupBy, orderByCount } = query.aggregate!;
    const groups = new Map<unknown, { value: unknown; rows: SObjectRecord[] }>();
    for (const row of rows) {
        const value = groupBy ? (readPath(store, row, groupBy) ?? null) : null;
        const key = comparable(value);
        const group = groups.get(key) ?? { value, rows: [] };
        group.rows.push(row);
        groups.set(key, group);
    }
    if (!groupBy && groups.size === 0) groups.set(null, { value: null, rows: [] });
    let result = [...groups.values()].map(({ value, rows: members }) => {
        const out: Record<string, unknown> = { attributes: { type: 'AggregateResult' } };
        for (const item of items) {
            out[item.key] =
                item.kind === 'group'
                    ? value
                    : members.filter((row) => readPath(store, row, item.field) != null).length;
        }
        return { out, count: members.length, value };
    });
    if (query.orderBy) {
        const { field, descending } = query.orderBy;
        result.sort((a, b) => {
            const order = orderByCount
                ? a.count - b.count
                : String(a.value ?? '').localeCompare(String(b.value ?? ''), 'en', {
                      numeric: true
                  });
            return descending ? -order : order;
        });
        if (!orderByCount && field.toLowerCase() !== groupBy?.toLowerCase()) {
            throw malformed(`ORDER BY ${field}: not grouped`);
        }
    }
    if (query.limit !== undefined) result = result.slice(0, query.limit);
    return result.map(({ out }) => out);
}

/** The form values compare in: ids on their 15-character form, text case-insensitively (as SOQL). */
function comparable(value: unknown): unknown {
    if (typeof value !== 'string') return value;
    return /^[a-zA-Z0-9]{18}$/.test(value) ? value.slice(0, 15) : value.toLowerCase();
}

function sameValue(left: unknown, right: Literal): boolean {
    if (right === null) return left === null || left === undefined;
    return comparable(left) === comparable(right);
}

function likeMatches(value: unknown, pattern: Literal): boolean {
    if (typeof value !== 'string' || typeof pattern !== 'string') return false;
    const regex = new RegExp(
        `^${pattern
            .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
            .replace(/%/g, '.*')
            .replace(/_/g, '.')}$`,
        'i'
    );
    return regex.test(value);
}

/** Reads a possibly dotted field (Relationship.Field) of a record in `store`. */
function readPath(store: RecordStore, record: SObjectRecord, path: string): unknown {
    const [head, ...rest] = path.split('.');
    if (rest.length === 0) return record[head];
    const idField = head.endsWith('__r') ? `${head.slice(0, -3)}__c` : `${head}Id`;
    const targetId = record[idField];
    if (typeof targetId !== 'string') return undefined;
    const target = store.findById(targetId);
    return target ? readPath(store, target, rest.join('.')) : undefined;
}

function checkField(store: RecordStore, type: string, path: string): void {
    const schema = store.schema(type);
    const [head, ...rest] = path.split('.');
    if (rest.length > 0) {
        const idField = head.endsWith('__r') ? `${head.slice(0, -3)}__c` : `${head}Id`;
        checkField(store, type, idField);
        // A relationship named as its type (PermissionSet.PermissionsCustomizeApplication): its
        // field must exist there too, as the org checks; others (Assignee, polymorphic) are not known.
        if (store.hasType(head)) checkField(store, head, rest.join('.'));
        return;
    }
    if (head === 'Id' || !schema?.fields) return;
    if (!schema.fields.includes(head)) {
        throw new RecordError('INVALID_FIELD', `No such column '${head}' on entity '${type}'.`);
    }
}

/** Shapes a record the way the REST query resource does (attributes, nested relationships). */
function shape(store: RecordStore, type: string, record: SObjectRecord, fields: string[]) {
    const row: Record<string, unknown> = {
        attributes: { type, url: `/services/data/v66.0/sobjects/${type}/${record.Id}` }
    };
    for (const field of fields) {
        const parts = field.split('.');
        if (parts.length === 1) {
            row[field] = record[field] ?? null;
            continue;
        }
        const value = readPath(store, record, field);
        let cursor = row;
        for (const part of parts.slice(0, -1)) {
            if (!cursor[part] || typeof cursor[part] !== 'object') cursor[part] = {};
            cursor = cursor[part] as Record<string, unknown>;
        }
        cursor[parts.at(-1)!] = value ?? null;
    }
    return row;
}

/** Runs a query against a store; returns the shaped rows. */
export function runSoql(store: RecordStore, soql: string): Record<string, unknown>[] {
    const query = parseSoql(soql);
    if (!store.hasType(query.type)) {
        throw new RecordError(
            'INVALID_TYPE',
            `sObject type '${query.type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`
        );
    }
    const aggregateFields = query.aggregate?.items.map((item) => item.field) ?? [];
    for (const field of [
        ...query.fields,
        ...aggregateFields,
        ...query.where.map((condition) => condition.field)
    ]) {
        checkField(store, query.type, field);
    }
    // IN lists as sets of comparable values: a 200-value IN over thousands of rows stays cheap.
    const sets = new Map(
        query.where
            .filter((condition) => Array.isArray(condition.value))
            .map((condition) => [
                condition,
                new Set((condition.value as Literal[]).map(comparable))
            ])
    );
    let rows = store.all(query.type).filter((record) =>
        query.where.every((condition) => {
            const value = readPath(store, record, condition.field);
            switch (condition.operator) {
                case '=':
                    return sameValue(value, condition.value as Literal);
                case '!=':
                    return !sameValue(value, condition.value as Literal);
                case 'LIKE':
                    return likeMatches(value, condition.value as Literal);
                case 'IN':
                    return sets.get(condition)!.has(comparable(value));
                case 'NOT IN':
                    return !sets.get(condition)!.has(comparable(value));
                case 'LAST_N_DAYS':
                    return withinLastDays(value, condition.value as number);
            }
        })
    );
    if (query.aggregate) return aggregateRows(store, rows, query);
    if (query.orderBy) {
        const { field, descending } = query.orderBy;
        rows = [...rows].sort((a, b) => {
            const left = String(readPath(store, a, field) ?? '');
            const right = String(readPath(store, b, field) ?? '');
            const order = left.localeCompare(right, 'en', { numeric: true });
            return descending ? -order : order;
        });
    }
    if (query.limit !== undefined) rows = rows.slice(0, query.limit);
    return rows.map((record) => shape(store, query.type, record, query.fields));
}

// Few-call reads and writes over jsforce: queries packed into Composite requests, records written
// with sObject Collections (200 records per collection) packed 5 collections per Composite call
// (Salesforce allows at most 5 collections or queries among a Composite's 25 subrequests), SOQL
// quoting, and IN-lists split so no query URI passes Salesforce's 16,384-byte limit (HTTP 431).
// Every answer is checked for its shape before use (scripts/lib/answer.ts).
import type { Connection } from 'jsforce';
import { expectAnswer, isObject } from './answer.ts';

export const COLLECTION_SIZE = 200;
export const COLLECTIONS_PER_COMPOSITE = 5;

export type SObjectRow = Record<string, unknown> & { Id: string };

interface QueryResponse {
    done: boolean;
    records: SObjectRow[];
    nextRecordsUrl?: string;
}

interface CompositeResponse {
    compositeResponse: { body: unknown; httpStatusCode: number; referenceId: string }[];
}

export interface SaveResult {
    id: string | null;
    success: boolean;
    errors: { statusCode: string; message: string; fields?: string[] }[];
}

/** An API answer that was not a success, with the platform's error code kept. */
export class ApiError extends Error {
    constructor(
        readonly errorCode: string,
        message: string
    ) {
        super(message);
        this.name = errorCode;
    }
}

/** Quotes a value for a SOQL string literal. */
export function soqlQuote(value: string): string {
    return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function soqlList(values: string[]): string {
    return `(${values.map(soqlQuote).join(', ')})`;
}

/** Room for a query's URI: 16,384 bytes less the path (/services/data/vNN.0/query?q=) and slack. */
export const QUERY_URI_BUDGET = 16_384 - 512;

/**
 * `SELECT … WHERE field IN (…)` queries over `values`: at most `maxPerQuery` values each, and each
 * query's URL-encoded text within QUERY_URI_BUDGET (long usernames reach it before 200 do).
 */
export function inQueries(
    select: string,
    field: string,
    values: string[],
    maxPerQuery = 200,
    budget = QUERY_URI_BUDGET
): string[] {
    const head = encodeURIComponent(`${select} WHERE ${field} IN ()`).length;
    const separator = encodeURIComponent(', ').length;
    const queries: string[] = [];
    let part: string[] = [];
    let length = head;
    for (const value of values) {
        const quoted = soqlQuote(value);
        const cost = encodeURIComponent(quoted).length + (part.length ? separator : 0);
        if (part.length > 0 && (part.length >= maxPerQuery || length + cost > budget)) {
            queries.push(`${select} WHERE ${field} IN (${part.map(soqlQuote).join(', ')})`);
            part = [];
            length = head;
        }
        part.push(value);
        length += encodeURIComponent(quoted).length + (part.length > 1 ? separator : 0);
    }
    if (part.length)
        queries.push(`${select} WHERE ${field} IN (${part.map(soqlQuote).join(', ')})`);
    return queries;
}

/**
 * As inQueries, with a fixed `condition` before the IN-list:
 * `SELECT … WHERE <condition> AND field IN (…)`, each query still within the URI budget.
 */
export function inQueriesWhere(
    select: string,
    condition: string,
    field: string,
    values: string[],
    maxPerQuery = 200,
    budget = QUERY_URI_BUDGET
): string[] {
    const prefix = `${condition} AND ${field}`;
    return inQueries(
        select,
        field,
        values,
        maxPerQuery,
        budget - encodeURIComponent(`${condition} AND `).length
    ).map((soql) => soql.replace(` WHERE ${field} IN (`, ` WHERE ${prefix} IN (`));
}

const isQueryResponse = (body: unknown): boolean =>
    isObject(body) && Array.isArray(body.records) && typeof body.done === 'boolean';

const isCompositeResponse = (body: unknown): boolean =>
    isObject(body) &&
    Array.isArray(body.compositeResponse) &&
    body.compositeResponse.every(
        (item) => isObject(item) && typeof item.httpStatusCode === 'number'
    );

const isSaveResults = (count: number) => (body: unknown) =>
    Array.isArray(body) &&
    body.length === count &&
    body.every((item) => isObject(item) && typeof item.success === 'boolean');

export function chunk<T>(items: T[], size: number): T[][] {
    const out: T[][] = [];
    for (let index = 0; index < items.length; index += size) {
        out.push(items.slice(index, index + size));
    }
    return out;
}

function subrequestError(body: unknown, status: number): ApiError {
    const first = Array.isArray(body)
        ? (body[0] as { errorCode?: string; message?: string })
        : undefined;
    return new ApiError(
        first?.errorCode ?? `HTTP_${status}`,
        first?.message ?? JSON.stringify(body)
    );
}

async function composite(
    conn: Connection,
    subrequests: { method: string; url: string; body?: unknown }[]
) {
    const response = expectAnswer<CompositeResponse>(
        await conn.request({
            method: 'POST',
            url: '/composite',
            body: JSON.stringify({
                allOrNone: false,
                compositeRequest: subrequests.map((sub, index) => ({
                    ...sub,
                    referenceId: `r${index}`
                }))
            }),
            headers: { 'content-type': 'application/json' }
        }),
        isCompositeResponse,
        'a Composite request'
    );
    if (response.compositeResponse.length !== subrequests.length) {
        expectAnswer(response, () => false, 'a Composite request (wrong number of answers)');
    }
    return response.compositeResponse;
}

/** Follows nextRecordsUrl until every record is read. */
async function drain(conn: Connection, answer: unknown, what: string): Promise<SObjectRow[]> {
    let page = expectAnswer<QueryResponse>(answer, isQueryResponse, what);
    const records = [...page.records];
    while (!page.done && page.nextRecordsUrl) {
        page = expectAnswer<QueryResponse>(
            await conn.request(page.nextRecordsUrl),
            isQueryResponse,
            what
        );
        for (const record of page.records) records.push(record);
    }
    return records;
}

/**
 * Runs several data API queries in as few calls as possible (5 per Composite call; one query runs
 * on its own). Results come back in order; a query that fails throws ApiError with its error code.
 */
export async function queryMany(conn: Connection, soqls: string[]): Promise<SObjectRow[][]> {
    return (await queryManySettled(conn, soqls)).map((result) => {
        if (result instanceof ApiError) throw result;
        return result;
    });
}

/** As queryMany, but a failed query gives its ApiError in place instead of throwing. */
export async function queryManySettled(
    conn: Connection,
    soqls: string[]
): Promise<(SObjectRow[] | ApiError)[]> {
    const base = `/services/data/v${conn.version}`;
    const results: (SObjectRow[] | ApiError)[] = [];
    for (const group of chunk(soqls, COLLECTIONS_PER_COMPOSITE)) {
        if (group.length === 1) {
            try {
                results.push(await queryAll(conn, group[0]));
            } catch (error) {
                const code = (error as { errorCode?: string }).errorCode;
                if (!code || code === 'INVALID_SESSION_ID') throw error;
                results.push(new ApiError(code, (error as Error).message));
            }
            continue;
        }
        const responses = await composite(
            conn,
            group.map((soql) => ({
                method: 'GET',
                url: `${base}/query?q=${encodeURIComponent(soql)}`
            }))
        );
        for (const response of responses) {
            results.push(
                response.httpStatusCode >= 300
                    ? subrequestError(response.body, response.httpStatusCode)
                    : await drain(conn, response.body, 'a query')
            );
        }
    }
    return results;
}

/** One data API query, every page. */
export async function queryAll(conn: Connection, soql: string): Promise<SObjectRow[]> {
    return drain(conn, await conn.request(`/query?q=${encodeURIComponent(soql)}`), 'a query');
}

/** One Tooling API query, every page. */
export async function toolingQueryAll(conn: Connection, soql: string): Promise<SObjectRow[]> {
    return drain(
        conn,
        await conn.request(`/tooling/query?q=${encodeURIComponent(soql)}`),
        'a Tooling API query'
    );
}

export interface RecordWrite {
    type: string;
    fields: Record<string, unknown>;
}

export interface WriteOutcome {
    /** Per input record, in input order. */
    results: SaveResult[];
    /** API calls the writes took. */
    calls: number;
}

/**
 * Creates (POST) or updates (PATCH, fields include Id) records: grouped by type (setup objects
 * cannot share a collection), 200 per collection, 5 collections per Composite call. allOrNone is
 * false, so one bad record does not stop the others; the caller reads `results`.
 */
export async function saveRecords(
    conn: Connection,
    records: RecordWrite[],
    method: 'POST' | 'PATCH' = 'POST'
): Promise<WriteOutcome> {
    const results: SaveResult[] = new Array(records.length);
    const collections: { indexes: number[]; body: unknown }[] = [];
    const byType = new Map<string, number[]>();
    records.forEach((record, index) => {
        // push, not a copy per record: grouping 50,000 records stays linear.
        const indexes = byType.get(record.type);
        if (indexes) indexes.push(index);
        else byType.set(record.type, [index]);
    });
    for (const [type, indexes] of byType) {
        for (const part of chunk(indexes, COLLECTION_SIZE)) {
            collections.push({
                indexes: part,
                body: {
                    allOrNone: false,
                    records: part.map((index) => ({
                        attributes: { type },
                        ...records[index].fields
                    }))
                }
            });
        }
    }
    let calls = 0;
    const url = `/services/data/v${conn.version}/composite/sobjects`;
    for (const group of chunk(collections, COLLECTIONS_PER_COMPOSITE)) {
        calls += 1;
        const bodies: unknown[] =
            group.length === 1
                ? [
                      await conn.request({
                          method,
                          url: '/composite/sobjects',
                          body: JSON.stringify(group[0].body),
                          headers: { 'content-type': 'application/json' }
                      })
                  ]
                : (
                      await composite(
                          conn,
                          group.map((collection) => ({ method, url, body: collection.body }))
                      )
                  ).map((response) => {
                      if (response.httpStatusCode >= 300) {
                          throw subrequestError(response.body, response.httpStatusCode);
                      }
                      return response.body;
                  });
        group.forEach((collection, position) => {
            const saved = expectAnswer<SaveResult[]>(
                bodies[position],
                isSaveResults(collection.indexes.length),
                'an sObject Collections write'
            );
            collection.indexes.forEach((index, offset) => (results[index] = saved[offset]));
        });
    }
    return { results, calls };
}

// REST API (data) and Tooling API routes: versions, query (+ queryMore pages of 2000), single-record
// create/update/get, sObject Collections create/update (200 records, one type when a setup object is
// involved, at most 10 type chunks), and Composite (25 subrequests, at most 5 of them collections or
// queries), which dispatches its subrequests through the same routes.
import { restError, type Emulator, type EmulatorModule, type EmulatorReply } from '../server.ts';
import { runSoql } from '../soql.ts';
import { RecordError, type RecordStore, type SObjectRecord } from '../state.ts';

export const QUERY_PAGE_SIZE = 2000;
export const COLLECTION_LIMIT = 200;
export const COMPOSITE_LIMIT = 25;
export const COMPOSITE_COLLECTION_OR_QUERY_LIMIT = 5;

interface SaveResult {
    id: string | null;
    success: boolean;
    errors: { statusCode: string; message: string; fields: string[] }[];
    created?: boolean;
}

function saveError(error: unknown): SaveResult {
    const recordError =
        error instanceof RecordError ? error : new RecordError('UNKNOWN_EXCEPTION', String(error));
    return {
        id: null,
        success: false,
        errors: [
            {
                statusCode: recordError.statusCode,
                message: recordError.message,
                fields: recordError.fields
            }
        ]
    };
}

function queryPage(
    emulator: Emulator,
    version: string,
    rows: Record<string, unknown>[],
    offset: number,
    locatorBase: string
): EmulatorReply {
    const page = rows.slice(offset, offset + QUERY_PAGE_SIZE);
    const done = offset + QUERY_PAGE_SIZE >= rows.length;
    const locators = emulator.state.extension(
        'queryLocators',
        () => new Map<string, Record<string, unknown>[]>()
    );
    if (!done) locators.set(locatorBase, rows);
    return {
        status: 200,
        body: {
            totalSize: rows.length,
            done,
            records: page,
            ...(done
                ? {}
                : {
                      nextRecordsUrl: `/services/data/${version}/query/${locatorBase}-${offset + QUERY_PAGE_SIZE}`
                  })
        }
    };
}

let locatorCounter = 0;

function registerQuery(emulator: Emulator, prefix: string, store: () => RecordStore): void {
    emulator.route('GET', `/services/data/:version${prefix}/query`, (req) => {
        const soql = req.query.get('q');
        if (!soql) return restError(400, 'MALFORMED_QUERY', 'missing q');
        const rows = runSoql(store(), soql);
        locatorCounter += 1;
        return queryPage(
            emulator,
            req.params.version,
            rows,
            0,
            `01g5g${String(locatorCounter).padStart(10, '0')}`
        );
    });
    emulator.route('GET', `/services/data/:version${prefix}/query/:locator`, (req) => {
        const [base, offset] = req.params.locator.split('-');
        const rows = emulator.state
            .extension('queryLocators', () => new Map<string, Record<string, unknown>[]>())
            .get(base);
        if (!rows) return restError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
        return queryPage(emulator, req.params.version, rows, Number(offset), base);
    });
}

function registerSObjects(emulator: Emulator, prefix: string, store: () => RecordStore): void {
    emulator.route(
        'POST',
        `/services/data/:version${prefix}/sobjects/:type`,
        (req) => {
            const record = store().insert(req.params.type, stripAttributes(req.body));
            return { status: 201, body: { id: record.Id, success: true, errors: [] } };
        },
        { isWrite: true }
    );
    emulator.route('GET', `/services/data/:version${prefix}/sobjects/:type/:id`, (req) => {
        const record = store().get(req.params.type, req.params.id);
        if (!record) return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
        return { status: 200, body: { attributes: { type: req.params.type }, ...record } };
    });
    emulator.route(
        'PATCH',
        `/services/data/:version${prefix}/sobjects/:type/:id`,
        (req) => {
            store().update(req.params.type, req.params.id, stripAttributes(req.body));
            return { status: 204 };
        },
        { isWrite: true }
    );
}

function stripAttributes(body: unknown): Record<string, unknown> {
    if (!body || typeof body !== 'object')
        throw new RecordError('JSON_PARSER_ERROR', 'body must be a JSON object');
    const { attributes: _attributes, ...fields } = body as Record<string, unknown>;
    return fields;
}

/** Validates an sObject Collections request the way the platform does before touching records. */
function checkCollection(
    store: RecordStore,
    records: Record<string, unknown>[]
): EmulatorReply | undefined {
    if (records.length > COLLECTION_LIMIT) {
        return restError(
            400,
            'EXCEEDED_ID_LIMIT',
            `record limit reached. cannot submit more than ${COLLECTION_LIMIT} records into this call`
        );
    }
    const types = records.map(
        (record) => (record.attributes as { type?: string } | undefined)?.type
    );
    if (types.some((type) => !type)) {
        return restError(400, 'INVALID_TYPE', 'Each record must have attributes.type');
    }
    let chunks = 0;
    types.forEach((type, index) => {
        if (index === 0 || types[index - 1] !== type) chunks += 1;
    });
    if (chunks > 10) {
        return restError(
            400,
            'INVALID_BATCH_REQUEST',
            'Cannot have more than 10 chunks in a single operation.'
        );
    }
    const distinct = new Set(types);
    if (distinct.size > 1 && [...distinct].some((type) => store.schema(type!)?.setup)) {
        return restError(
            400,
            'INVALID_BATCH_REQUEST',
            "You can't create records for multiple object types in one call when one of the types is related to a feature in the Salesforce Setup area."
        );
    }
    return undefined;
}

function saveCollection(
    store: RecordStore,
    records: Record<string, unknown>[],
    allOrNone: boolean,
    mode: 'create' | 'update'
): SaveResult[] {
    const results: SaveResult[] = [];
    const undo: (() => void)[] = [];
    for (const raw of records) {
        const type = (raw.attributes as { type: string }).type;
        const fields = stripAttributes(raw);
        try {
            if (mode === 'create') {
                const created = store.insert(type, fields);
                undo.push(() => store.delete(type, created.Id));
                results.push({ id: created.Id, success: true, errors: [] });
            } else {
                const id = String(fields.Id ?? fields.id ?? '');
                const before = store.get(type, id);
                store.update(type, id, fields);
                if (before) undo.push(() => store.update(type, id, restoreFields(before, fields)));
                results.push({ id, success: true, errors: [] });
            }
        } catch (error) {
            results.push(saveError(error));
        }
    }
    if (allOrNone && results.some((result) => !result.success)) {
        for (const step of undo.reverse()) step();
        return results.map((result) =>
            result.success
                ? {
                      id: null,
                      success: false,
                      errors: [
                          {
                              statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                              message:
                                  'Record rolled back because not all records were valid and the request was using AllOrNone header',
                              fields: []
                          }
                      ]
                  }
                : result
        );
    }
    return results;
}

function restoreFields(
    before: SObjectRecord,
    changed: Record<string, unknown>
): Record<string, unknown> {
    const restored: Record<string, unknown> = {};
    for (const name of Object.keys(changed))
        if (name !== 'Id') restored[name] = before[name] ?? null;
    return restored;
}

function registerCollections(emulator: Emulator, prefix: string, store: () => RecordStore): void {
    for (const [method, mode] of [
        ['POST', 'create'],
        ['PATCH', 'update']
    ] as const) {
        emulator.route(
            method,
            `/services/data/:version${prefix}/composite/sobjects`,
            (req) => {
                const body = req.body as {
                    allOrNone?: boolean;
                    records?: Record<string, unknown>[];
                };
                const records = body?.records ?? [];
                const invalid = checkCollection(store(), records);
                if (invalid) return invalid;
                return {
                    status: 200,
                    body: saveCollection(store(), records, Boolean(body.allOrNone), mode)
                };
            },
            { isWrite: true }
        );
    }
}

function registerComposite(emulator: Emulator): void {
    emulator.route(
        'POST',
        '/services/data/:version/composite',
        async (req) => {
            const body = req.body as {
                allOrNone?: boolean;
                compositeRequest?: {
                    method: string;
                    url: string;
                    referenceId: string;
                    body?: unknown;
                }[];
            };
            const subrequests = body?.compositeRequest ?? [];
            if (subrequests.length === 0 || subrequests.length > COMPOSITE_LIMIT) {
                return restError(
                    400,
                    'INVALID_BATCH_REQUEST',
                    `A composite request must have 1 to ${COMPOSITE_LIMIT} subrequests`
                );
            }
            const heavy = subrequests.filter((sub) =>
                /\/(composite\/sobjects|query|queryAll)(\/|\?|$)/.test(sub.url)
            );
            if (heavy.length > COMPOSITE_COLLECTION_OR_QUERY_LIMIT) {
                return restError(
                    400,
                    'INVALID_BATCH_REQUEST',
                    `A composite request can have at most ${COMPOSITE_COLLECTION_OR_QUERY_LIMIT} sObject Collections or query subrequests`
                );
            }
            const compositeResponse = [];
            for (const sub of subrequests) {
                const url = new URL(sub.url, 'http://127.0.0.1');
                const reply = await emulator.dispatch({
                    method: sub.method.toUpperCase(),
                    path: url.pathname,
                    query: url.searchParams,
                    params: {},
                    headers: { 'content-type': 'application/json' },
                    rawBody: sub.body === undefined ? '' : JSON.stringify(sub.body),
                    uriLength: Buffer.byteLength(sub.url),
                    body: undefined
                });
                compositeResponse.push({
                    body: reply.body ?? null,
                    httpHeaders: {},
                    httpStatusCode: reply.status,
                    referenceId: sub.referenceId
                });
            }
            return { status: 200, body: { compositeResponse } };
        },
        {
            isWrite: (req) =>
                (
                    (req.body as { compositeRequest?: { method: string }[] })?.compositeRequest ??
                    []
                ).some((sub) => sub.method.toUpperCase() !== 'GET')
        }
    );
}

/** Data API + Tooling API routes over `state.data` and `state.tooling`. */
export const restRoutes: EmulatorModule = (emulator) => {
    emulator.route(
        'GET',
        '/services/data',
        () => ({
            status: 200,
            body: emulator.state.apiVersions.map((version) => ({
                label: `API ${version}`,
                url: `/services/data/v${version}`,
                version
            }))
        }),
        { auth: false }
    );
    // OpenID userinfo of the session's user (the org's first active user): @salesforce/core reads
    // it when it stores a login made from an access token.
    emulator.route('GET', '/services/oauth2/userinfo', () => {
        const user = emulator.state.data.all('User').find((row) => row.IsActive === true);
        return {
            status: 200,
            body: {
                sub: `${emulator.state.instanceUrl}/id/${emulator.state.orgId}/${user?.Id ?? ''}`,
                user_id: user?.Id,
                organization_id: emulator.state.orgId,
                preferred_username: user?.Username,
                email: user?.Username
            }
        };
    });
    // The version's resource list; @salesforce/core's refreshAuth() GETs it to check the session.
    emulator.route('GET', '/services/data/:version', (req) => ({
        status: 200,
        body: Object.fromEntries(
            ['sobjects', 'query', 'composite', 'tooling', 'connect'].map((name) => [
                name,
                `/services/data/${req.params.version}/${name}`
            ])
        )
    }));
    registerQuery(emulator, '', () => emulator.state.data);
    registerQuery(emulator, '/tooling', () => emulator.state.tooling);
    registerCollections(emulator, '', () => emulator.state.data);
    registerComposite(emulator);
    registerSObjects(emulator, '', () => emulator.state.data);
    registerSObjects(emulator, '/tooling', () => emulator.state.tooling);
};

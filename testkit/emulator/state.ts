// In-memory org state shared by every route module of the emulator (see server.ts for how to add
// routes). Records live in two stores, one per API surface (data API and Tooling API); Metadata API
// components live in `metadata` by type and full name. Modules that need state of their own (for
// example the Messaging for In-App and Web conversations) keep it in `extensions`.

export interface SObjectRecord {
    Id: string;
    [field: string]: unknown;
}

/** What a store knows about one sObject type: its fields and the rules an insert must keep. */
export interface SObjectSchema {
    /** Three-character id prefix (005 for User, 00G for Group, ...). */
    keyPrefix: string;
    /** Fields a query or write may name (Id is implied). Undefined: any field is accepted. */
    fields?: string[];
    /** Fields an insert must set. */
    required?: string[];
    /** Field tuples that must be unique across records (DUPLICATE_VALUE otherwise). */
    unique?: string[][];
    /** Reference fields: the insert fails when the id does not exist in the store. */
    references?: Record<string, true>;
    /** Fields a write may not change (created by the platform). */
    readOnly?: string[];
    /** Setup objects cannot share an sObject Collections call with other types. */
    setup?: boolean;
}

/** An error the platform would report for one record (REST error shape). */
export class RecordError extends Error {
    constructor(
        readonly statusCode: string,
        message: string,
        readonly fields: string[] = []
    ) {
        super(message);
    }
}

/** Records of one API surface. Ids are 18 characters: key prefix, org pod '5g', counter, 'AAA'. */
export class RecordStore {
    private readonly schemas = new Map<string, SObjectSchema>();
    private readonly tables = new Map<string, Map<string, SObjectRecord>>();
    private readonly typeByPrefix = new Map<string, string>();
    private counter = 0;
    private lastStamp = 0;
    /**
     * Inserts or updates refused with DUPLICATE_VALUE. The store still refuses them as an org does;
     * tests read this to prove a script never attempted one (its own idempotence, not the org's).
     */
    readonly duplicateAttempts: { type: string; fields: string[] }[] = [];
    private readonly uniqueIndexes = new Map<string, Map<string, string>>();

    define(type: string, schema: SObjectSchema): void {
        this.schemas.set(type, schema);
        this.typeByPrefix.set(schema.keyPrefix, type);
        if (!this.tables.has(type)) this.tables.set(type, new Map());
    }

    /** Removes a type and its records, as in an org without the feature (queries: INVALID_TYPE). */
    undefine(type: string): void {
        const schema = this.schemas.get(type);
        if (schema) this.typeByPrefix.delete(schema.keyPrefix);
        this.schemas.delete(type);
        this.tables.delete(type);
        for (const name of [...this.uniqueIndexes.keys()]) {
            if (name.startsWith(`${type}|`)) this.uniqueIndexes.delete(name);
        }
    }

    schema(type: string): SObjectSchema | undefined {
        return this.schemas.get(type);
    }

    hasType(type: string): boolean {
        return this.schemas.has(type);
    }

    /** The type of a record id, from its key prefix. */
    typeOfId(id: string): string | undefined {
        return this.typeByPrefix.get(id.slice(0, 3));
    }

    newId(type: string): string {
        const schema = this.requireType(type);
        this.counter += 1;
        return `${schema.keyPrefix}5g${String(this.counter).padStart(10, '0')}AAA`;
    }

    all(type: string): SObjectRecord[] {
        return [...(this.tables.get(type)?.values() ?? [])];
    }

    get(type: string, id: string): SObjectRecord | undefined {
        return this.tables.get(type)?.get(normalizeId(id));
    }

    findById(id: string): SObjectRecord | undefined {
        const type = this.typeOfId(id);
        return type ? this.get(type, id) : undefined;
    }

    /** Inserts after checking fields, required fields, references and unique keys. */
    insert(type: string, fields: Record<string, unknown>): SObjectRecord {
        const schema = this.requireType(type);
        this.checkFields(type, schema, fields);
        for (const name of schema.required ?? []) {
            if (fields[name] === undefined || fields[name] === null || fields[name] === '') {
                throw new RecordError(
                    'REQUIRED_FIELD_MISSING',
                    `Required fields are missing: [${name}]`,
                    [name]
                );
            }
        }
        this.checkReferences(schema, fields);
        const record: SObjectRecord = { ...fields, Id: this.newId(type) };
        if (schema.fields?.includes('LastModifiedDate') && !record.LastModifiedDate) {
            record.LastModifiedDate = this.stamp();
        }
        this.checkUnique(type, schema, record);
        this.tables.get(type)!.set(record.Id, record);
        this.reindex(type, schema, undefined, record);
        return record;
    }

    update(type: string, id: string, fields: Record<string, unknown>): SObjectRecord {
        const schema = this.requireType(type);
        const record = this.get(type, id);
        if (!record) {
            throw new RecordError(
                'ENTITY_IS_DELETED',
                `entity is deleted or does not exist: ${id}`
            );
        }
        const { Id: _ignored, ...changes } = fields;
        this.checkFields(type, schema, changes);
        for (const name of Object.keys(changes)) {
            if (schema.readOnly?.includes(name)) {
                throw new RecordError(
                    'INVALID_FIELD_FOR_INSERT_UPDATE',
                    `Unable to create/update fields: ${name}`,
                    [name]
                );
            }
        }
        this.checkReferences(schema, changes);
        const updated = { ...record, ...changes };
        if (schema.fields?.includes('LastModifiedDate')) updated.LastModifiedDate = this.stamp();
        this.checkUnique(type, schema, updated);
        this.tables.get(type)!.set(record.Id, updated);
        this.reindex(type, schema, record, updated);
        return updated;
    }

    delete(type: string, id: string): void {
        if (!this.tables.get(type)?.delete(normalizeId(id))) {
            throw new RecordError(
                'ENTITY_IS_DELETED',
                `entity is deleted or does not exist: ${id}`
            );
        }
    }

    /** A LastModifiedDate that strictly increases, even for two writes in one millisecond. */
    private stamp(): string {
        this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
        return new Date(this.lastStamp).toISOString().replace('Z', '+0000');
    }

    private requireType(type: string): SObjectSchema {
        const schema = this.schemas.get(type);
        if (!schema) {
            throw new RecordError(
                'NOT_FOUND',
                `The requested resource does not exist: sObject type '${type}' is not supported.`
            );
        }
        return schema;
    }

    private checkFields(
        type: string,
        schema: SObjectSchema,
        fields: Record<string, unknown>
    ): void {
        if (!schema.fields) return;
        for (const name of Object.keys(fields)) {
            if (name === 'attributes' || name === 'Id') continue;
            if (!schema.fields.includes(name)) {
                throw new RecordError(
                    'INVALID_FIELD',
                    `No such column '${name}' on sobject of type ${type}`,
                    [name]
                );
            }
        }
    }

    private checkReferences(schema: SObjectSchema, fields: Record<string, unknown>): void {
        for (const name of Object.keys(schema.references ?? {})) {
            const value = fields[name];
            if (value === undefined || value === null) continue;
            if (typeof value !== 'string' || !this.findById(value)) {
                throw new RecordError(
                    'INVALID_CROSS_REFERENCE_KEY',
                    `invalid cross reference id: ${String(value)}`,
                    [name]
                );
            }
        }
    }

    private uniqueKey(keyFields: string[], record: SObjectRecord): string {
        return JSON.stringify(keyFields.map((name) => String(record[name] ?? '').slice(0, 15)));
    }

    /** Unique-key index per type and key: key value → record id. */
    private uniqueIndex(type: string, keyFields: string[]): Map<string, string> {
        const name = `${type}|${keyFields.join(',')}`;
        let index = this.uniqueIndexes.get(name);
        if (!index) {
            index = new Map();
            for (const record of this.all(type))
                index.set(this.uniqueKey(keyFields, record), record.Id);
            this.uniqueIndexes.set(name, index);
        }
        return index;
    }

    private checkUnique(type: string, schema: SObjectSchema, record: SObjectRecord): void {
        for (const keyFields of schema.unique ?? []) {
            const clash = this.uniqueIndex(type, keyFields).get(this.uniqueKey(keyFields, record));
            if (clash && clash !== record.Id && this.get(type, clash)) {
                this.duplicateAttempts.push({ type, fields: keyFields });
                throw new RecordError(
                    'DUPLICATE_VALUE',
                    `duplicate value found: ${keyFields.join(', ')} duplicates value on record with id: ${clash}`,
                    keyFields
                );
            }
        }
    }

    private reindex(
        type: string,
        schema: SObjectSchema,
        before: SObjectRecord | undefined,
        after: SObjectRecord | undefined
    ): void {
        for (const keyFields of schema.unique ?? []) {
            const index = this.uniqueIndex(type, keyFields);
            if (before) index.delete(this.uniqueKey(keyFields, before));
            if (after) index.set(this.uniqueKey(keyFields, after), after.Id);
        }
    }
}

/** 15- and 18-character ids name the same record. */
function normalizeId(id: string): string {
    return id.length === 15 ? `${id}AAA` : id;
}

/** A Metadata API component as the SOAP API carries it: full name plus its fields. */
export interface MetadataComponent {
    fullName: string;
    [field: string]: unknown;
}

/** An External Credential principal's stored credentials (Connect named-credentials API). */
export interface StoredCredential {
    externalCredential: string;
    principalName: string;
    principalType: string;
    authenticationProtocol: string;
    /** Parameter name → value. Secrets stay here; the API never returns encrypted values. */
    credentials: Record<string, { value: string; encrypted: boolean }>;
}

export class OrgState {
    orgId = '00D5g00000OpenCXAAA';
    /** Set by the server when it listens (http://127.0.0.1:<port>). */
    instanceUrl = '';
    accessToken = 'emulator-session-token';
    sessionExpired = false;
    /** Versions GET /services/data lists, oldest first. */
    apiVersions = ['62.0', '63.0', '64.0', '65.0', '66.0', '67.0', '68.0'];
    readonly data = new RecordStore();
    readonly tooling = new RecordStore();
    /** Metadata API components: type → full name → component. */
    readonly metadata = new Map<string, Map<string, MetadataComponent>>();
    /** External Credential principals: `${externalCredential}/${principalName}` → credential. */
    readonly credentials = new Map<string, StoredCredential>();
    /** Embedded Service deployments published through Connect: deployment id → publish count. */
    readonly publishedDeployments = new Map<string, number>();
    /** State owned by other route modules, by module name. */
    readonly extensions = new Map<string, unknown>();

    /** Every write either store refused with DUPLICATE_VALUE (see RecordStore.duplicateAttempts). */
    duplicateAttempts(): { type: string; fields: string[] }[] {
        return [...this.data.duplicateAttempts, ...this.tooling.duplicateAttempts];
    }

    /** The extension state of a module, created on first use. */
    extension<T>(name: string, create: () => T): T {
        if (!this.extensions.has(name)) this.extensions.set(name, create());
        return this.extensions.get(name) as T;
    }

    metadataOfType(type: string): Map<string, MetadataComponent> {
        let components = this.metadata.get(type);
        if (!components) {
            components = new Map();
            this.metadata.set(type, components);
        }
        return components;
    }

    /** Current time as the API formats it (2026-11-25T17:00:00.000+0000). */
    now(): string {
        return new Date().toISOString().replace('Z', '+0000');
    }
}

// What the emulated org checks and saves for each component of a deploy (see metadata-deploy.ts).
// A reference resolves against the org (earlier deploys, seeded records) and the same request.
import { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { createXmlParser } from '../../../scripts/lib/xml.ts';
import type { OrgState, SObjectRecord } from '../state.ts';
import type { DeployBehaviour } from './metadata-deploy.ts';
import { deployState } from './metadata-deploy.ts';
import { PARTITION_TYPE, partitionCapacityProblem } from './platform-cache.ts';

export interface DeployComponent {
    type: string;
    fullName: string;
    /** Every file of the request by its path in the zip (shared by all components). */
    files: Map<string, string>;
}

export interface ComponentMessage {
    changed: boolean;
    componentType: string;
    created: boolean;
    createdDate: string;
    deleted: boolean;
    fileName: string;
    fullName: string;
    success: boolean;
    problem?: string;
    problemType?: string;
}

export interface Judgement {
    failures: ComponentMessage[];
    successes: ComponentMessage[];
    /** What the org holds after commit: `Type:fullName` → metadata-format path and XML. */
    files: Map<string, { path: string; xml: string }>;
    commit: () => void;
}

const registry = new RegistryAccess();
const parser = createXmlParser({
    arrays: [
        'customParameters',
        'messagingAuthorizations',
        'variables',
        'recordUpdates',
        'recordLookups',
        'recordCreates',
        'inputAssignments',
        'filters',
        'queriedFields',
        'fieldPermissions',
        'classAccesses',
        'fields',
        'publicKeyCertificateSetKeys',
        'platformCachePartitionTypes'
    ]
});

type Node = Record<string, unknown>;

/** Metadata types the commit order puts first: what other components point at. */
const COMMIT_ORDER = [
    'CustomObject',
    'CustomField',
    'QueueRoutingConfig',
    'Queue',
    'PublicKeyCertificateSet',
    'Flow',
    'MessagingChannel',
    'EmbeddedServiceConfig'
];

/** Types whose main file is not a metadata XML document (or is the parent object's). */
const NOT_XML = ['CustomField', 'CustomLabel', 'ApexClass', 'ApexTrigger', 'ListView'];

export function componentPath(type: string, fullName: string): string {
    // Child types live in their parent's file.
    if (type === 'CustomField' || type === 'ListView')
        return `objects/${fullName.split('.')[0]}.object`;
    if (type === 'CustomLabel') return 'labels/CustomLabels.labels';
    if (type === 'ApexClass') return `classes/${fullName}.cls`;
    if (type === 'LightningComponentBundle') return `lwc/${fullName}/${fullName}.js-meta.xml`;
    const described = registry.getTypeByName(type);
    return `${described.directoryName}/${fullName}.${described.suffix ?? ''}`;
}

function rootOf(xml: string): Node {
    const parsed = parser.parse(xml) as Node;
    const root = Object.keys(parsed).find((key) => key !== '?xml');
    return (root ? parsed[root] : {}) as Node;
}

function list<T>(value: T | T[] | undefined): T[] {
    if (value === undefined || value === '') return [];
    return Array.isArray(value) ? value : [value];
}

/** Whether a PermissionSet file's <userPermissions> enable `permission` (as the org then stores it). */
export function grantsUserPermission(root: Record<string, unknown>, permission: string): boolean {
    return list(root.userPermissions as unknown).some((entry) => {
        const item = entry as Record<string, unknown>;
        return String(item?.name) === permission && String(item?.enabled) === 'true';
    });
}

/** Looks up names in the org and in the request. */
class References {
    readonly staged = new Set<string>();
    constructor(
        readonly state: OrgState,
        components: DeployComponent[]
    ) {
        for (const item of components) this.staged.add(`${item.type}:${item.fullName}`);
        for (const item of components.filter((entry) => entry.type === 'CustomObject')) {
            const xml = item.files.get(componentPath('CustomObject', item.fullName));
            for (const field of list(rootOf(xml ?? '').fields as Node[])) {
                this.staged.add(`CustomField:${item.fullName}.${String(field.fullName)}`);
            }
        }
    }

    private inRecords(store: 'data' | 'tooling', type: string, name: string): boolean {
        if (!this.state[store].schema(type)) return false;
        return this.state[store]
            .all(type)
            .some((record: SObjectRecord) => record.DeveloperName === name);
    }

    has(type: string, name: string): boolean {
        const key = `${type}:${name}`;
        if (this.staged.has(key) || deployState(this.state).files.has(key)) return true;
        if (type === 'Flow') return this.inRecords('tooling', 'FlowDefinition', name);
        if (type === 'Queue') return this.inRecords('data', 'Group', name);
        if (type === 'QueueRoutingConfig')
            return this.inRecords('data', 'QueueRoutingConfig', name);
        if (type === 'MessagingChannel') return this.inRecords('data', 'MessagingChannel', name);
        if (type === 'PublicKeyCertificateSet') return this.state.metadataOfType(type).has(name);
        if (type === 'CustomField') return !/__c$/.test(name);
        return false;
    }
}

function flowProblems(root: Node, refs: References): string[] {
    const problems: string[] = [];
    // What an org answers for an Apex action whose class is neither in the org nor in the request.
    for (const action of list(root.actionCalls as Node | Node[])) {
        const name = String(action.actionName ?? '');
        if (action.actionType === 'apex' && !refs.has('ApexClass', name)) {
            problems.push(
                `${String(action.name)} (Action) - We can't find an action with the name and action type that you specified.`
            );
        }
    }
    for (const kind of ['recordUpdates', 'recordLookups', 'recordCreates']) {
        for (const element of list(root[kind] as Node[])) {
            // An update of $Record (record-triggered flow) has no <object>: it is the start's.
            const triggering = String(element.inputReference ?? '').startsWith('$Record')
                ? (root.start as Node | undefined)?.object
                : undefined;
            const object = String(element.object ?? triggering ?? '');
            if (/__(c|mdt)$/.test(object) && !refs.has('CustomObject', object)) {
                problems.push(`${String(element.name)}: the object ${object} does not exist`);
                continue;
            }
            const fields = [
                ...list(element.inputAssignments as Node[]).map((item) => item.field),
                ...list(element.filters as Node[]).map((item) => item.field),
                ...list(element.queriedFields as unknown[])
            ].map(String);
            for (const field of fields.filter((name) => name.endsWith('__c'))) {
                if (!refs.has('CustomField', `${object}.${field}`)) {
                    problems.push(
                        `${String(element.name)}: The field "${field}" for the object "${object}" doesn't exist.`
                    );
                }
            }
        }
    }
    return problems;
}

function channelProblems(root: Node, refs: References, components: DeployComponent[]): string[] {
    const problems: string[] = [];
    const flow = String(root.sessionHandlerFlow ?? '');
    if (flow && !refs.has('Flow', flow)) {
        problems.push(`sessionHandlerFlow: no flow named ${flow} exists in the org`);
    }
    const queue = String(root.sessionHandlerQueue ?? '');
    if (!queue || !refs.has('Queue', queue)) {
        problems.push(`sessionHandlerQueue: no queue named ${queue || '(none)'} exists`);
    }
    const config = (list(root.embeddedConfig as Node[])[0] ?? {}) as Node;
    const authMode = String(config.authMode ?? '');
    if (
        root.messagingChannelType === 'EmbeddedMessaging' &&
        !['Auth', 'UnAuth'].includes(authMode)
    ) {
        problems.push(
            `embeddedConfig.authMode: bad value for restricted picklist field: ${authMode}`
        );
    }
    for (const authorization of list(config.messagingAuthorizations as Node[])) {
        const setName = String(authorization.publicKeyCertificateSetName ?? '');
        if (!refs.has('PublicKeyCertificateSet', setName)) {
            problems.push(`messagingAuthorizations: no PublicKeyCertificateSet named ${setName}`);
            continue;
        }
        const stagedSet = components.find(
            (item) => item.type === 'PublicKeyCertificateSet' && item.fullName === setName
        );
        const stagedKeys = stagedSet
            ? list(rootOf(item(stagedSet)).publicKeyCertificateSetKeys as unknown[])
            : undefined;
        if (String(authorization.enabled) === 'true' && stagedKeys && stagedKeys.length === 0) {
            problems.push(
                `messagingAuthorizations: the enabled authorization names ${setName}, deployed in this request without a key`
            );
        }
    }
    return problems;
}

function item(component: DeployComponent): string {
    return component.files.get(componentPath(component.type, component.fullName)) ?? '';
}

function permissionSetProblems(root: Node, refs: References): string[] {
    const problems: string[] = [];
    for (const access of list(root.classAccesses as Node[])) {
        const name = String(access.apexClass);
        if (!refs.has('ApexClass', name))
            problems.push(`In field: apexClass - no ApexClass named ${name} found`);
    }
    for (const permission of list(root.fieldPermissions as Node[])) {
        const name = String(permission.field);
        if (!refs.has('CustomField', name))
            problems.push(`In field: field - no CustomField named ${name} found`);
    }
    return problems;
}

/** The problem the org reports for a component ('' when it deploys). */
function problemOf(
    component: DeployComponent,
    refs: References,
    components: DeployComponent[],
    behaviour: DeployBehaviour
): string {
    const injected = behaviour.failComponents.get(`${component.type}:${component.fullName}`);
    if (injected) return injected;
    const xml = item(component);
    if (!xml) return 'the file for this component is missing from the zip';
    const root = NOT_XML.includes(component.type) ? {} : rootOf(xml);
    const problems: string[] = [];
    if (component.type === 'Flow') problems.push(...flowProblems(root, refs));
    if (component.type === 'MessagingChannel')
        problems.push(...channelProblems(root, refs, components));
    if (component.type === 'EmbeddedServiceConfig') {
        // embeddedServiceMessagingChannel/messagingChannel names the channel.
        const channel = /<messagingChannel>([^<]+)<\/messagingChannel>/.exec(xml)?.[1] ?? '';
        if (!refs.has('MessagingChannel', channel)) {
            problems.push(`messagingChannel: no messaging channel named ${channel || '(none)'}`);
        }
    }
    if (
        component.type === 'Queue' &&
        root.queueRoutingConfig &&
        !refs.has('QueueRoutingConfig', String(root.queueRoutingConfig))
    ) {
        problems.push(
            `queueRoutingConfig: no QueueRoutingConfig named ${String(root.queueRoutingConfig)}`
        );
    }
    if (component.type === 'PermissionSet') problems.push(...permissionSetProblems(root, refs));
    // An org without free Platform Cache refuses a partition that allocates more than it has.
    if (component.type === PARTITION_TYPE) {
        const capacity = partitionCapacityProblem(refs.state, component.fullName, root);
        if (capacity) problems.push(capacity);
    }
    if (component.type === 'FlexiPage') {
        for (const name of xml.match(/<componentName>([A-Za-z]\w*)<\/componentName>/g) ?? []) {
            const bundle = name.replace(/<\/?componentName>/g, '');
            if (!refs.has('LightningComponentBundle', bundle))
                problems.push(`Component [c:${bundle}] not found`);
        }
    }
    return problems.join('; ');
}

export function judgeComponents(
    state: OrgState,
    components: DeployComponent[],
    behaviour: DeployBehaviour
): Judgement {
    const refs = new References(state, components);
    const now = state.now();
    const failures: ComponentMessage[] = [];
    const successes: ComponentMessage[] = [];
    const ordered = [...components].sort((a, b) => rank(a.type) - rank(b.type));
    for (const component of ordered) {
        const problem = problemOf(component, refs, components, behaviour);
        const key = `${component.type}:${component.fullName}`;
        const exists = deployState(state).files.has(key);
        const message: ComponentMessage = {
            changed: !problem,
            componentType: component.type,
            created: !problem && !exists,
            createdDate: now,
            deleted: false,
            fileName: componentPath(component.type, component.fullName),
            fullName: component.fullName,
            success: !problem
        };
        if (problem) failures.push({ ...message, problem, problemType: 'Error' });
        else successes.push(message);
    }
    const files = new Map<string, { path: string; xml: string }>();
    return {
        failures,
        successes,
        files,
        commit: () => {
            for (const component of ordered) commitComponent(state, component, behaviour, files);
        }
    };
}

function rank(type: string): number {
    const position = COMMIT_ORDER.indexOf(type);
    return position < 0 ? COMMIT_ORDER.length : position;
}

function ensureType(
    state: OrgState,
    store: 'data' | 'tooling',
    type: string,
    keyPrefix: string
): void {
    if (!state[store].schema(type)) state[store].define(type, { keyPrefix });
}

function findByName(state: OrgState, store: 'data' | 'tooling', type: string, name: string) {
    return state[store].all(type).find((record) => record.DeveloperName === name);
}

/** Saves a flow as a new version; it is active only when flows deploy as active. */
function commitFlow(state: OrgState, component: DeployComponent, behaviour: DeployBehaviour): void {
    ensureType(state, 'tooling', 'FlowDefinition', '300');
    ensureType(state, 'tooling', 'Flow', '301');
    const root = rootOf(item(component));
    const definition =
        findByName(state, 'tooling', 'FlowDefinition', component.fullName) ??
        state.tooling.insert('FlowDefinition', {
            DeveloperName: component.fullName,
            MasterLabel: String(root.label ?? component.fullName),
            ActiveVersionId: null,
            LatestVersionId: null
        });
    const versions = state.tooling
        .all('Flow')
        .filter((flow) => flow.DefinitionId === definition.Id);
    const active = behaviour.flowsDeployActive && root.status === 'Active';
    const version = state.tooling.insert('Flow', {
        DefinitionId: definition.Id,
        VersionNumber: versions.length + 1,
        Status: active ? 'Active' : 'Draft',
        MasterLabel: String(root.label ?? component.fullName),
        ProcessType: String(root.processType ?? '')
    });
    if (active) {
        for (const flow of versions.filter((entry) => entry.Status === 'Active')) {
            state.tooling.update('Flow', flow.Id, { Status: 'Obsolete' });
        }
    }
    state.tooling.update('FlowDefinition', definition.Id, {
        LatestVersionId: version.Id,
        ...(active ? { ActiveVersionId: version.Id } : {})
    });
}

/** The input variables of a flow's saved XML, when its definition has an active version. */
function activeFlowInputs(state: OrgState, flowName: string): Set<string> | undefined {
    if (!state.tooling.schema('FlowDefinition')) return undefined;
    const definition = findByName(state, 'tooling', 'FlowDefinition', flowName);
    if (!definition?.ActiveVersionId) return undefined;
    const xml = deployState(state).files.get(`Flow:${flowName}`)?.xml ?? '';
    const inputs = list(rootOf(xml).variables as Node[])
        .filter((variable) => String(variable.isInput) === 'true')
        .map((variable) => String(variable.name));
    return new Set(inputs);
}

/**
 * The channel as the org saves it: a mapping binds only to an input variable of the flow's active
 * version; otherwise the org keeps the mapping element but empty (what retrieve returns then).
 */
function savedChannelXml(state: OrgState, xml: string): string {
    const flow = /<sessionHandlerFlow>([^<]+)<\/sessionHandlerFlow>/.exec(xml)?.[1] ?? '';
    const inputs = activeFlowInputs(state, flow);
    return xml.replace(
        /<actionParameterMappings>\s*<actionParameterName>([^<]*)<\/actionParameterName>\s*<\/actionParameterMappings>/g,
        (whole, name: string) => (inputs?.has(name) ? whole : '<actionParameterMappings/>')
    );
}

/** Inserts the record named `name`, or updates it with `changes` when it exists. */
function upsertByName(
    state: OrgState,
    where: { store: 'data' | 'tooling'; type: string; keyPrefix: string },
    name: string,
    created: Record<string, unknown>,
    changes: Record<string, unknown> = {}
): void {
    ensureType(state, where.store, where.type, where.keyPrefix);
    const existing = findByName(state, where.store, where.type, name);
    if (existing) {
        if (Object.keys(changes).length)
            state[where.store].update(where.type, existing.Id, changes);
        return;
    }
    state[where.store].insert(where.type, { DeveloperName: name, ...created, ...changes });
}

type RecordWriter = (state: OrgState, name: string, root: Node) => void;

/** The records other routes read (provisioning's preflight, MIAW routing) for a saved component. */
const RECORD_WRITERS: Record<string, RecordWriter> = {
    QueueRoutingConfig: (state, name, root) =>
        upsertByName(state, { store: 'data', type: 'QueueRoutingConfig', keyPrefix: '0K9' }, name, {
            MasterLabel: String(root.label ?? name)
        }),
    Queue: (state, name, root) => {
        const config = findByName(
            state,
            'data',
            'QueueRoutingConfig',
            String(root.queueRoutingConfig ?? '')
        );
        upsertByName(state, { store: 'data', type: 'Group', keyPrefix: '00G' }, name, {
            Name: String(root.name ?? name),
            Type: 'Queue',
            QueueRoutingConfigId: config?.Id ?? null
        });
    },
    PermissionSet: (state, name, root) => {
        // PermissionSet is the one type here named by Name, not DeveloperName.
        ensureType(state, 'data', 'PermissionSet', '0PS');
        if (state.data.all('PermissionSet').some((record) => record.Name === name)) return;
        state.data.insert('PermissionSet', {
            Name: name,
            Label: String(root.label ?? name),
            IsOwnedByProfile: false,
            PermissionsCustomizeApplication: grantsUserPermission(root, 'CustomizeApplication')
        });
    },
    PresenceUserConfig: (state, name, root) =>
        upsertByName(state, { store: 'data', type: 'PresenceUserConfig', keyPrefix: '0Nd' }, name, {
            MasterLabel: String(root.label ?? name),
            Capacity: Number(root.capacity ?? 0)
        }),
    ServicePresenceStatus: (state, name, root) =>
        upsertByName(
            state,
            { store: 'data', type: 'ServicePresenceStatus', keyPrefix: '0N5' },
            name,
            {
                MasterLabel: String(root.label ?? name)
            }
        ),
    MessagingChannel: (state, name, root) => {
        const flow = findByName(
            state,
            'tooling',
            'FlowDefinition',
            String(root.sessionHandlerFlow ?? '')
        );
        upsertByName(
            state,
            { store: 'data', type: 'MessagingChannel', keyPrefix: '0Mj' },
            name,
            {
                MasterLabel: String(root.masterLabel ?? ''),
                MessageType: String(root.messagingChannelType ?? ''),
                IsActive: false
            },
            {
                SessionHandlerType: String(root.sessionHandlerType ?? ''),
                SessionHandlerId: flow?.Id ?? null,
                LastModifiedDate: state.now()
            }
        );
    },
    EmbeddedServiceConfig: (state, name, root) =>
        upsertByName(
            state,
            { store: 'tooling', type: 'EmbeddedServiceConfig', keyPrefix: '0Hs' },
            name,
            { MasterLabel: String(root.masterLabel ?? name), IsEnabled: true },
            {
                DeploymentType: String(root.deploymentType ?? ''),
                DeploymentFeature: String(root.deploymentFeature ?? ''),
                LastModifiedDate: state.now()
            }
        ),
    PublicKeyCertificateSet: (state, name, root) =>
        // A deploy replaces the set: keys the file does not list (provisioned ones) are gone.
        state.metadataOfType('PublicKeyCertificateSet').set(name, {
            fullName: name,
            masterLabel: String(root.masterLabel ?? ''),
            type: String(root.type ?? ''),
            ...(root.jwtIssuer ? { jwtIssuer: String(root.jwtIssuer) } : {}),
            publicKeyCertificateSetKeys: list(root.publicKeyCertificateSetKeys as unknown[])
        })
};

/** The custom fields of a saved object and their types (from its metadata-format file). */
function savedObjectFields(state: OrgState, objectName: string): Map<string, string> {
    const xml = deployState(state).files.get(`CustomObject:${objectName}`)?.xml ?? '';
    const fields = list(rootOf(xml).fields as Node[]);
    return new Map(fields.map((field) => [String(field.fullName), String(field.type ?? 'Text')]));
}

const CUSTOM_METADATA_KEY_PREFIXES = ['m00', 'm01', 'm02', 'm03', 'm04', 'm05'];

/** A saved custom metadata type is queryable through the data API (its records as rows). */
function defineCustomMetadataType(state: OrgState, name: string): void {
    const fields = [
        'DeveloperName',
        'MasterLabel',
        'Label',
        'QualifiedApiName',
        ...savedObjectFields(state, name).keys()
    ];
    const schema = state.data.schema(name);
    if (schema) {
        const added = fields.filter((field) => !schema.fields?.includes(field));
        if (schema.fields && added.length)
            state.data.define(name, { ...schema, fields: [...schema.fields, ...added] });
        return;
    }
    const used = (prefix: string) => state.data.typeOfId(prefix) !== undefined;
    const keyPrefix = CUSTOM_METADATA_KEY_PREFIXES.find((prefix) => !used(prefix)) ?? 'm09';
    state.data.define(name, { keyPrefix, fields });
}

const CUSTOM_METADATA_VALUE =
    /<values>\s*<field>([^<]+)<\/field>\s*<value(?:\s+xsi:type="xsd:(\w+)")?(?:\s+xsi:nil="true")?\s*(?:\/>|>([\s\S]*?)<\/value>)\s*<\/values>/g;

function unescapeXml(value: string): string {
    return value
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&amp;/g, '&');
}

/** A custom metadata record (`Type.Record`) as its type's row; fields it omits keep defaults. */
function commitCustomMetadataRecord(state: OrgState, fullName: string, xml: string): void {
    const [typeName, developerName] = fullName.split('.');
    const type = `${typeName}__mdt`;
    defineCustomMetadataType(state, type);
    const label = /<label>([^<]*)<\/label>/.exec(xml)?.[1] ?? developerName;
    const row: Record<string, unknown> = {
        MasterLabel: unescapeXml(label),
        Label: unescapeXml(label),
        QualifiedApiName: developerName
    };
    for (const [field, fieldType] of savedObjectFields(state, type)) {
        row[field] = fieldType === 'Checkbox' ? false : null;
    }
    for (const match of xml.matchAll(CUSTOM_METADATA_VALUE)) {
        const [, field, xsdType, raw] = match;
        if (raw === undefined) row[field] = null;
        else if (xsdType === 'boolean') row[field] = raw.trim() === 'true';
        else if (xsdType === 'double' || xsdType === 'int') row[field] = Number(raw);
        else row[field] = unescapeXml(raw);
    }
    upsertByName(state, { store: 'data', type, keyPrefix: 'm00' }, developerName, {}, row);
}

/** The principals of a saved External Credential; a redeploy keeps their stored credentials. */
function commitExternalCredential(state: OrgState, name: string, root: Node): void {
    for (const parameter of list(root.externalCredentialParameters as Node | Node[])) {
        const type = String(parameter.parameterType ?? '');
        if (type !== 'NamedPrincipal' && type !== 'PerUserPrincipal') continue;
        const principal = String(parameter.parameterName ?? '');
        const key = `${name}/${principal}`;
        if (state.credentials.has(key)) continue;
        state.credentials.set(key, {
            externalCredential: name,
            principalName: principal,
            principalType: type,
            authenticationProtocol: String(root.authenticationProtocol ?? 'Custom'),
            credentials: {}
        });
    }
}

/** Types whose writer already keeps the state.metadata entry (normalized). */
const RECORD_WRITERS_OWN_STORE = ['PublicKeyCertificateSet', 'LightningComponentBundle'];

function commitRecords(state: OrgState, component: DeployComponent, xml: string): void {
    RECORD_WRITERS[component.type]?.(state, component.fullName, rootOf(xml));
    // What a deploy of the project leaves for provisioning and routing: the custom metadata types
    // and their records (queried through the data API), the External Credential's principals.
    if (component.type === 'CustomObject' && component.fullName.endsWith('__mdt'))
        defineCustomMetadataType(state, component.fullName);
    if (component.type === 'CustomMetadata')
        commitCustomMetadataRecord(state, component.fullName, xml);
    if (component.type === 'ExternalCredential')
        commitExternalCredential(state, component.fullName, rootOf(xml));
}

function commitComponent(
    state: OrgState,
    component: DeployComponent,
    behaviour: DeployBehaviour,
    files: Map<string, { path: string; xml: string }>
): void {
    const path = componentPath(component.type, component.fullName);
    let xml = item(component);
    if (component.type === 'Flow') commitFlow(state, component, behaviour);
    if (component.type === 'MessagingChannel') xml = savedChannelXml(state, xml);
    commitRecords(state, component, xml);
    // readMetadata (metadata.ts) answers from state.metadata: saved components read back there too.
    if (!NOT_XML.includes(component.type) && !RECORD_WRITERS_OWN_STORE.includes(component.type)) {
        state.metadataOfType(component.type).set(component.fullName, {
            ...rootOf(xml),
            fullName: component.fullName
        });
    }
    const key = `${component.type}:${component.fullName}`;
    files.set(key, { path, xml });
    // Later components of the same request resolve against what is already saved (flow XML).
    deployState(state).files.set(key, { path, xml });
}

export interface TestRun {
    total: number;
    failures: { name: string; methodName: string; message: string }[];
    runTestResult: Record<string, unknown>;
}

/** Runs the request's Apex tests: every @IsTest method of every test class in it. */
export function collectTests(components: DeployComponent[], behaviour: DeployBehaviour): TestRun {
    const methods: { name: string; methodName: string }[] = [];
    for (const component of components.filter((entry) => entry.type === 'ApexClass')) {
        const body = item(component);
        if (!/@IsTest/i.test(body.slice(0, body.search(/\bclass\b/i) + 1))) continue;
        const pattern =
            /@IsTest(?:\([^)]*\))?\s+(?:(?:private|public|global)\s+)?static\s+void\s+(\w+)/gi;
        for (const match of body.matchAll(pattern))
            methods.push({ name: component.fullName, methodName: match[1] });
    }
    const failures = methods
        .filter((method) => behaviour.failTests.has(`${method.name}.${method.methodName}`))
        .map((method) => ({
            ...method,
            message: behaviour.failTests.get(`${method.name}.${method.methodName}`)!
        }));
    const successes = methods.filter(
        (method) => !behaviour.failTests.has(`${method.name}.${method.methodName}`)
    );
    return {
        total: methods.length,
        failures,
        runTestResult: {
            numFailures: failures.length,
            numTestsRun: methods.length,
            totalTime: methods.length * 40,
            successes: successes.map((method) => ({ ...method, id: '01p000000000001', time: 40 })),
            failures: failures.map((failure) => ({
                ...failure,
                id: '01p000000000001',
                type: 'Class',
                stackTrace: `Class.${failure.name}.${failure.methodName}: line 1, column 1`,
                time: 40
            })),
            codeCoverage: [],
            codeCoverageWarnings: []
        }
    };
}

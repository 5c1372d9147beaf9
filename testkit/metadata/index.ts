// Loads and parses the source-format metadata under force-app/main/default for the Node-side tests
// (metadata cross-checks, the flow evaluator, provisioning and handoff rehearsals).
//
// XML is parsed with fast-xml-parser into plain objects: every element value stays a string (no
// number or boolean coercion), attributes are kept under '@_name' (so `<value xsi:nil="true"/>`
// reads as { '@_xsi:nil': 'true' }), and an element that may repeat is read through list() /
// children(), because the parser only makes an array when the element actually repeats.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { createXmlParser, XMLValidator } from '../../scripts/lib/xml.ts';

export type XmlValue = string | XmlNode | XmlValue[];
export interface XmlNode {
    [key: string]: XmlValue;
}

/** Absolute path of the project root and of force-app/main/default. */
export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const METADATA_ROOT = join(PROJECT_ROOT, 'force-app', 'main', 'default');

const parser = createXmlParser({ attributes: true });

/** A parsed metadata file: the root element's name (e.g. 'Flow') and its content. */
export interface MetadataDocument {
    path: string;
    rootElement: string;
    root: XmlNode;
}

/** Every file under `dir` (default: force-app/main/default) whose name ends in .xml, sorted. */
export function listMetadataFiles(dir: string = METADATA_ROOT): string[] {
    if (!existsSync(dir)) return [];
    const out: string[] = [];
    for (const entry of readdirSync(dir).sort()) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) {
            if (entry !== '__tests__' && entry !== 'node_modules') {
                out.push(...listMetadataFiles(path));
            }
        } else if (entry.endsWith('.xml')) {
            out.push(path);
        }
    }
    return out;
}

/** Null when the XML is well-formed, otherwise "line N: message". */
export function xmlSyntaxError(xml: string): string | null {
    const result = XMLValidator.validate(xml);
    return result === true ? null : `line ${result.err.line}: ${result.err.msg}`;
}

/** Parses one metadata file; throws with the file's path when it is not well-formed. */
export function parseMetadataFile(path: string): MetadataDocument {
    const xml = readFileSync(path, 'utf8');
    const error = xmlSyntaxError(xml);
    if (error) throw new Error(`${relative(PROJECT_ROOT, path)} is not well-formed XML (${error})`);
    const parsed = parser.parse(xml) as XmlNode;
    const rootElement = Object.keys(parsed).find((key) => key !== '?xml');
    if (!rootElement) throw new Error(`${relative(PROJECT_ROOT, path)} has no root element`);
    const root = parsed[rootElement];
    return {
        path,
        rootElement,
        root: typeof root === 'object' && !Array.isArray(root) ? root : {}
    };
}

/** A value that may be one element or several, as an array (absent → []). */
export function list(value: XmlValue | undefined): XmlValue[] {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
}

/** The child elements named `key` that have content of their own (objects). */
export function children(node: XmlNode | undefined, key: string): XmlNode[] {
    if (!node) return [];
    return list(node[key]).filter(
        (item): item is XmlNode => typeof item === 'object' && !Array.isArray(item)
    );
}

/** The text of child element `key`; undefined when absent or not a plain text element. */
export function text(node: XmlNode | undefined, key: string): string | undefined {
    const value = node?.[key];
    if (typeof value === 'string') return value;
    // <label></label> with attributes only, or an empty element parsed as an object.
    if (value && typeof value === 'object' && !Array.isArray(value)) {
        const inner = value['#text'];
        return typeof inner === 'string' ? inner : undefined;
    }
    return undefined;
}

/** The metadata names found in a type folder: file names with the given suffix stripped. */
export function listComponentNames(folder: string, suffix: string): string[] {
    const dir = join(METADATA_ROOT, folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
        .filter((entry) => entry.endsWith(suffix))
        .map((entry) => entry.slice(0, -suffix.length))
        .sort();
}

/** Reads `<folder>/<name><suffix>`; undefined when the file does not exist. */
export function readComponent(
    folder: string,
    name: string,
    suffix: string
): MetadataDocument | undefined {
    const path = join(METADATA_ROOT, folder, `${name}${suffix}`);
    return existsSync(path) ? parseMetadataFile(path) : undefined;
}

// ---- Flows -------------------------------------------------------------------------------------

export function listFlowNames(): string[] {
    return listComponentNames('flows', '.flow-meta.xml');
}

/** The <Flow> element of flows/<name>.flow-meta.xml, or undefined when there is no such flow. */
export function readFlow(name: string): XmlNode | undefined {
    return readComponent('flows', name, '.flow-meta.xml')?.root;
}

// ---- Messaging channel --------------------------------------------------------------------------

export interface ChannelParameter {
    name: string;
    externalParameterName: string | undefined;
    masterLabel: string | undefined;
    maxLength: number | undefined;
    parameterDataType: string | undefined;
    /** The flow input variables the parameter is passed to (actionParameterMappings). */
    actionParameterNames: string[];
}

export function readMessagingChannel(name: string): XmlNode | undefined {
    return readComponent('messagingChannels', name, '.messagingChannel-meta.xml')?.root;
}

/** The customParameters of a messaging channel (the routing attributes it accepts). */
export function listChannelParameters(channelName = 'OpenCX_Messaging'): ChannelParameter[] {
    const channel = readMessagingChannel(channelName);
    if (!channel) throw new Error(`messagingChannels/${channelName} does not exist`);
    return children(channel, 'customParameters').map((parameter) => {
        const maxLength = text(parameter, 'maxLength');
        return {
            name: text(parameter, 'name') ?? '',
            externalParameterName: text(parameter, 'externalParameterName'),
            masterLabel: text(parameter, 'masterLabel'),
            maxLength: maxLength === undefined ? undefined : Number(maxLength),
            parameterDataType: text(parameter, 'parameterDataType'),
            actionParameterNames: children(parameter, 'actionParameterMappings')
                .map((mapping) => text(mapping, 'actionParameterName'))
                .filter((value): value is string => value !== undefined)
        };
    });
}

// ---- Objects, fields, custom metadata ------------------------------------------------------------

/** API names of the fields in objects/<objectName>/fields (e.g. 'OpenCX_Session_Id__c'). */
export function listCustomFields(objectName: string): string[] {
    return listComponentNames(join('objects', objectName, 'fields'), '.field-meta.xml');
}

export function readCustomField(objectName: string, fieldName: string): XmlNode | undefined {
    return readComponent(join('objects', objectName, 'fields'), fieldName, '.field-meta.xml')?.root;
}

/** Object folders in objects/ (custom objects, custom metadata types, extended standard objects). */
export function listObjectNames(): string[] {
    const dir = join(METADATA_ROOT, 'objects');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
        .filter((entry) => statSync(join(dir, entry)).isDirectory())
        .sort();
}

export interface CustomMetadataRecord {
    /** Record developer name (the part after the type's name in the file name). */
    developerName: string;
    label: string | undefined;
    protected: boolean;
    /** Field values by field API name; null for an explicit xsi:nil value. */
    values: Record<string, string | null>;
}

/** The records of a custom metadata type, e.g. readCustomMetadataRecords('OpenCX_Routing_Rule'). */
export function readCustomMetadataRecords(typeName: string): CustomMetadataRecord[] {
    const type = typeName.replace(/__mdt$/, '');
    const prefix = `${type}.`;
    return listComponentNames('customMetadata', '.md-meta.xml')
        .filter((name) => name.startsWith(prefix))
        .map((name) => {
            const record = readComponent('customMetadata', name, '.md-meta.xml')!.root;
            const values: Record<string, string | null> = {};
            for (const entry of children(record, 'values')) {
                const field = text(entry, 'field');
                if (!field) continue;
                const value = entry['value'];
                values[field] = typeof value === 'string' ? value : (text(entry, 'value') ?? null);
            }
            return {
                developerName: name.slice(prefix.length),
                label: text(record, 'label'),
                protected: text(record, 'protected') === 'true',
                values
            };
        });
}

// ---- Queues, permission sets, deployment --------------------------------------------------------

export function listQueueNames(): string[] {
    return listComponentNames('queues', '.queue-meta.xml');
}

export function readQueue(name: string): XmlNode | undefined {
    return readComponent('queues', name, '.queue-meta.xml')?.root;
}

export function listPermissionSetNames(): string[] {
    return listComponentNames('permissionsets', '.permissionset-meta.xml');
}

export function readPermissionSet(name: string): XmlNode | undefined {
    return readComponent('permissionsets', name, '.permissionset-meta.xml')?.root;
}

export function readEmbeddedServiceConfig(name: string): XmlNode | undefined {
    return readComponent('EmbeddedServiceConfig', name, '.EmbeddedServiceConfig-meta.xml')?.root;
}

/** Path relative to the project root, for assertion messages. */
export function projectPath(path: string): string {
    return relative(PROJECT_ROOT, path);
}

/** The file name without its metadata suffix, e.g. 'OpenCX_Fallback' for a queue file. */
export function componentName(path: string): string {
    return basename(path).replace(/\.[^.]+-meta\.xml$/, '');
}

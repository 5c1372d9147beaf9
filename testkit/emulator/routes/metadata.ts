// Metadata API (SOAP, /services/Soap/m/<version>): readMetadata and upsertMetadata over
// `state.metadata`, with the platform's CRUD-call rules (at most 10 components, all of one type) and
// the checks PublicKeyCertificate / PublicKeyCertificateSet components get (a JWK with kty and kid;
// a key set whose keys name existing certificates; a PlatformCachePartition whose allocation fits
// the org's Platform Cache capacity, platform-cache.ts).
import { createXmlParser } from '../../../scripts/lib/xml.ts';
import { escapeXml, soapFault, type EmulatorModule, type EmulatorReply } from '../server.ts';
import type { MetadataComponent, OrgState } from '../state.ts';
import { PARTITION_TYPE, partitionCapacityProblem } from './platform-cache.ts';
import {
    checkDeployStatus,
    checkRetrieveStatus,
    startDeploy,
    startRetrieve
} from './metadata-deploy.ts';

const parser = createXmlParser({ attributes: true, removeNamespacePrefix: true });

const ENVELOPE_START =
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
    'xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>';
const ENVELOPE_END = '</soapenv:Body></soapenv:Envelope>';

function toArray<T>(value: T | T[] | undefined): T[] {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
}

function toXml(name: string, value: unknown): string {
    if (value === undefined || value === null) return '';
    if (Array.isArray(value)) return value.map((item) => toXml(name, item)).join('');
    if (typeof value === 'object') {
        const inner = Object.entries(value as Record<string, unknown>)
            .filter(([key]) => !key.startsWith('@_'))
            .map(([key, item]) => toXml(key, item))
            .join('');
        return `<${name}>${inner}</${name}>`;
    }
    return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function envelope(operation: string, inner: string): EmulatorReply {
    return {
        status: 200,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: `${ENVELOPE_START}<${operation}Response>${inner}</${operation}Response>${ENVELOPE_END}`
    };
}

function fault(message: string): EmulatorReply {
    return {
        status: 500,
        headers: { 'content-type': 'text/xml;charset=UTF-8' },
        body: soapFault('sf:INVALID_CROSS_REFERENCE_KEY', message)
    };
}

/**
 * Element order of the types provisioning writes, from the Metadata API v63 WSDL
 * (complexType PublicKeyCertificate / PublicKeyCertificateSet: Metadata's fullName, then a
 * sequence). The SOAP API rejects an element out of sequence, so the emulator does too.
 */
export const ELEMENT_ORDER: Record<string, string[]> = {
    PublicKeyCertificate: ['fullName', 'description', 'isActive', 'jsonWebKey', 'masterLabel'],
    PublicKeyCertificateSet: [
        'fullName',
        'description',
        'jwksEndPoint',
        'jwtIssuer',
        'masterLabel',
        'publicKeyCertificateSetKeys',
        'type'
    ],
    // The org cache allocation provisioning writes (complexType PlatformCachePartition and
    // PlatformCachePartitionType, the order of the metadata file).
    PlatformCachePartition: [
        'fullName',
        'description',
        'isDefaultPartition',
        'masterLabel',
        'platformCachePartitionTypes'
    ],
    PlatformCachePartitionType: [
        'allocatedCapacity',
        'allocatedPartnerCapacity',
        'allocatedPurchasedCapacity',
        'allocatedTrialCapacity',
        'cacheType'
    ]
};

function sequenceProblem(type: string, raw: Record<string, unknown>): string {
    const order = ELEMENT_ORDER[type];
    if (!order) return '';
    let last = -1;
    for (const key of Object.keys(raw).filter((name) => !name.startsWith('@_'))) {
        const position = order.indexOf(key);
        if (position < 0 || position < last) {
            return `Element {http://soap.sforce.com/2006/04/metadata}${key} invalid at this location in type ${type}`;
        }
        last = position;
    }
    if (type === PARTITION_TYPE) {
        for (const item of toArray(raw.platformCachePartitionTypes as Record<string, unknown>[])) {
            const nested = sequenceProblem('PlatformCachePartitionType', item);
            if (nested) return nested;
        }
    }
    return '';
}

/** Problems the platform would report for one component ('' when it is valid). */
function validate(state: OrgState, type: string, component: MetadataComponent): string {
    if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(component.fullName) || /__|_$/.test(component.fullName)) {
        return `${type} fullName ${component.fullName} is not a valid developer name`;
    }
    if (type === 'PublicKeyCertificate') {
        if (!component.masterLabel) return 'masterLabel: Required field is missing';
        try {
            const jwk = JSON.parse(String(component.jsonWebKey ?? '')) as Record<string, unknown>;
            if (!jwk.kty || !jwk.kid) return 'jsonWebKey: a JSON web key needs kty and kid';
            if (jwk.x5c !== undefined && !Array.isArray(jwk.x5c))
                return 'jsonWebKey: x5c must be an array';
        } catch {
            return 'jsonWebKey: not valid JSON';
        }
    }
    if (type === 'PublicKeyCertificateSet') {
        if (!component.masterLabel) return 'masterLabel: Required field is missing';
        if (component.type !== 'JWKS' && component.type !== 'JWKS_URL') {
            return `type: bad value for restricted picklist field: ${String(component.type)}`;
        }
        const certificates = state.metadataOfType('PublicKeyCertificate');
        for (const key of toArray(
            component.publicKeyCertificateSetKeys as { publicKeyCertificate?: string }[]
        )) {
            if (!key?.publicKeyCertificate || !certificates.has(key.publicKeyCertificate)) {
                return `publicKeyCertificateSetKeys: no PublicKeyCertificate named ${String(key?.publicKeyCertificate)}`;
            }
        }
    }
    if (type === PARTITION_TYPE) {
        if (!component.masterLabel) return 'masterLabel: Required field is missing';
        return partitionCapacityProblem(state, component.fullName, component);
    }
    return '';
}

function normalize(type: string, raw: Record<string, unknown>): MetadataComponent {
    const component: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw))
        if (!key.startsWith('@_')) component[key] = value;
    if (type === 'PublicKeyCertificateSet') {
        component.publicKeyCertificateSetKeys = toArray(component.publicKeyCertificateSetKeys);
    }
    if (type === PARTITION_TYPE) {
        component.platformCachePartitionTypes = toArray(
            component.platformCachePartitionTypes as Record<string, unknown>[]
        ).map((item) =>
            Object.fromEntries(Object.entries(item).filter(([key]) => !key.startsWith('@_')))
        );
    }
    return component as MetadataComponent;
}

function bodyOperation(rawBody: string): [string, Record<string, unknown>] | undefined {
    const parsed = parser.parse(rawBody) as { Envelope?: { Body?: Record<string, unknown> } };
    const body = parsed.Envelope?.Body;
    const operation = body && Object.keys(body).find((key) => !key.startsWith('@_'));
    return operation ? [operation, (body[operation] ?? {}) as Record<string, unknown>] : undefined;
}

export const metadataRoutes: EmulatorModule = (emulator) => {
    const { state } = emulator;
    emulator.route(
        'POST',
        '/services/Soap/m/:apiVersion',
        async (req) => {
            const call = bodyOperation(req.rawBody);
            if (!call) return fault('no SOAP operation in the request body');
            const [operation, args] = call;
            if (operation === 'readMetadata') {
                const type = String(args.type ?? '');
                const records = toArray(args.fullNames as string | string[]).map((fullName) => {
                    const component = state.metadataOfType(type).get(String(fullName));
                    // A name that does not exist reads as a nil record, as the real API answers.
                    if (!component) return '<records xsi:nil="true"/>';
                    const { fullName: name, ...fields } = component;
                    const inner = [toXml('fullName', name)]
                        .concat(Object.entries(fields).map(([key, value]) => toXml(key, value)))
                        .join('');
                    return `<records xsi:type="${type}">${inner}</records>`;
                });
                return envelope(operation, `<result>${records.join('')}</result>`);
            }
            if (operation === 'upsertMetadata') {
                const items = toArray(args.metadata as Record<string, unknown>[]);
                const types = new Set(items.map((item) => String(item['@_type'] ?? '')));
                if (items.length === 0 || items.length > 10) {
                    return fault('upsertMetadata takes 1 to 10 components');
                }
                if (types.size !== 1 || types.has('')) {
                    return fault('upsertMetadata components must all be of one type (xsi:type)');
                }
                const type = [...types][0];
                const outOfSequence = items
                    .map((item) => sequenceProblem(type, item))
                    .find(Boolean);
                if (outOfSequence) return fault(outOfSequence);
                const results = items.map((item) => {
                    const component = normalize(type, item);
                    const problem = validate(state, type, component);
                    if (problem) {
                        return `<result><errors><message>${escapeXml(problem)}</message><statusCode>FIELD_INTEGRITY_EXCEPTION</statusCode></errors><created>false</created><fullName>${escapeXml(component.fullName)}</fullName><success>false</success></result>`;
                    }
                    const store = state.metadataOfType(type);
                    const created = !store.has(component.fullName);
                    store.set(component.fullName, component);
                    return `<result><created>${created}</created><fullName>${escapeXml(component.fullName)}</fullName><success>true</success></result>`;
                });
                return envelope(operation, results.join(''));
            }
            const fileBased = await fileBasedCall(state, operation, args);
            if (fileBased) return fileBased;
            return fault(`operation ${operation} is not implemented by the emulator`);
        },
        {
            // Only deploy changes the org; status checks and retrieves read.
            isWrite: (req) =>
                !/<(readMetadata|listMetadata|describeMetadata|checkDeployStatus|retrieve|checkRetrieveStatus)>/.test(
                    req.rawBody
                )
        }
    );
};

/** deploy / checkDeployStatus / retrieve / checkRetrieveStatus (metadata-deploy.ts), else undefined. */
async function fileBasedCall(
    state: OrgState,
    operation: string,
    args: Record<string, unknown>
): Promise<EmulatorReply | undefined> {
    const answer = (result: Record<string, unknown> | string) =>
        typeof result === 'string'
            ? fault(result)
            : envelope(operation, toXml('result', dropUndefined(result)));
    switch (operation) {
        case 'deploy':
            return answer(await startDeploy(state, args));
        case 'checkDeployStatus':
            return answer(checkDeployStatus(state, String(args.asyncProcessId ?? '')));
        case 'retrieve':
            return answer(startRetrieve(state, args));
        case 'checkRetrieveStatus':
            return answer(await checkRetrieveStatus(state, String(args.asyncProcessId ?? '')));
        default:
            return undefined;
    }
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined));
}

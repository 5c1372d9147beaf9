// In-memory records built from this project's metadata, for running its flows with the evaluator:
// queues become Group rows, custom metadata records become typed rows (field types read from the
// type's field definitions), and a MessagingSession row carries the fields the project adds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    METADATA_ROOT,
    listCustomFields,
    listQueueNames,
    readCustomField,
    readCustomMetadataRecords,
    readQueue,
    text
} from '../metadata/index.ts';
import { FlowEvaluatorError } from './errors.ts';
import { loadFlow, type FlowModel } from './model.ts';
import type { RecordStore, Scalar, SObjectRecord } from './values.ts';

/** A well-formed but obviously fake 18-character record id: prefix + sequence number. */
export function fakeId(prefix: string, sequence: number): string {
    if (!/^[0-9a-zA-Z]{3}$/.test(prefix)) throw new Error(`id prefix must be 3 characters`);
    return `${prefix}${String(sequence).padStart(12, '0')}AAA`;
}

/** The compiled flow force-app/main/default/flows/<name>.flow-meta.xml. */
export function loadForceAppFlow(name: string): FlowModel {
    return loadFlow(readFileSync(join(METADATA_ROOT, 'flows', `${name}.flow-meta.xml`), 'utf8'));
}

/** One Group row (Type Queue) per queues/*.queue-meta.xml, ids 00G…1, 00G…2 in name order. */
export function queueGroupRecords(): SObjectRecord[] {
    return listQueueNames().map((developerName, index) => ({
        Id: fakeId('00G', index + 1),
        DeveloperName: developerName,
        Name: text(readQueue(developerName), 'name') ?? developerName,
        Type: 'Queue'
    }));
}

const NUMBER_TYPES = ['Number', 'Percent', 'Currency'];

function typedValue(type: string, raw: string | null | undefined, where: string): Scalar {
    if (type === 'Checkbox') {
        if (raw === undefined || raw === null) return false;
        if (raw === 'true' || raw === 'false') return raw === 'true';
        throw new FlowEvaluatorError(`${where}: checkbox value '${raw}'`);
    }
    if (raw === undefined || raw === null) return null;
    if (NUMBER_TYPES.includes(type)) {
        const number = Number(raw);
        if (raw.trim() === '' || Number.isNaN(number)) {
            throw new FlowEvaluatorError(`${where}: number value '${raw}'`);
        }
        return number;
    }
    return raw;
}

/**
 * The records of a custom metadata type (e.g. 'OpenCX_Routing_Rule__mdt') as rows with Id,
 * DeveloperName, MasterLabel, Label, QualifiedApiName and every custom field of the type, typed
 * by its field definition (Checkbox → boolean, Number → number, else text). A record value for a
 * field the type does not define is an error.
 */
export function customMetadataSObjects(typeApiName: string): SObjectRecord[] {
    const fieldTypes = new Map(
        listCustomFields(typeApiName).map((field) => [
            field,
            text(readCustomField(typeApiName, field), 'type') ?? 'Text'
        ])
    );
    if (fieldTypes.size === 0) {
        throw new FlowEvaluatorError(`objects/${typeApiName}/fields defines no fields`);
    }
    return readCustomMetadataRecords(typeApiName).map((record, index) => {
        const where = `customMetadata ${typeApiName.replace(/__mdt$/, '')}.${record.developerName}`;
        for (const field of Object.keys(record.values)) {
            if (!fieldTypes.has(field)) {
                throw new FlowEvaluatorError(`${where}: ${typeApiName} has no field ${field}`);
            }
        }
        const row: SObjectRecord = {
            Id: fakeId('m00', index + 1),
            DeveloperName: record.developerName,
            MasterLabel: record.label ?? record.developerName,
            Label: record.label ?? record.developerName,
            QualifiedApiName: record.developerName
        };
        for (const [field, type] of fieldTypes) {
            row[field] = typedValue(type, record.values[field], `${where} ${field}`);
        }
        return row;
    });
}

/** CreatedDate of the rows messagingSessionRecord() builds unless a test gives its own. */
export const DEFAULT_CREATED_DATE = '2026-11-30T02:00:00.000Z';

/**
 * A new MessagingSession row: the given Id, the standard fields the routing flow reads (Name,
 * MessagingEndUserId blank, CreatedDate) and every custom field of MessagingSession, null;
 * `fields` overrides any of them.
 */
export function messagingSessionRecord(
    id: string,
    fields: Partial<Record<string, Scalar>> = {}
): SObjectRecord {
    const row: SObjectRecord = {
        Id: id,
        Name: null,
        MessagingEndUserId: null,
        CreatedDate: DEFAULT_CREATED_DATE
    };
    for (const field of listCustomFields('MessagingSession')) row[field] = null;
    for (const [field, value] of Object.entries(fields)) {
        if (!Object.hasOwn(row, field)) {
            throw new FlowEvaluatorError(
                `messagingSessionRecord: MessagingSession has no ${field}`
            );
        }
        row[field] = value ?? null;
    }
    return row;
}

/**
 * A MessagingEndUser row. Salesforce's platform key says whether it verified the visitor:
 * v2/iamessage/AUTH/<keyset>/uid:<sub> for a verified identity token, v2/iamessage/UNAUTH/NA/uid:<uuid>
 * for a guest.
 */
export function messagingEndUserRecord(id: string, platformKey: string | null): SObjectRecord {
    return { Id: id, MessagingPlatformKey: platformKey };
}

/**
 * Records for running the routing flow: Group (the project's queues), OpenCX_Routing_Rule__mdt
 * (the shipped rules), OpenCX_Setting__mdt (the shipped setting), MessagingSession (the given
 * sessions, or none; no end user) and MessagingEndUser (none).
 */
export function forceAppRecords(messagingSessionIds: string[] = []): RecordStore {
    return {
        Group: queueGroupRecords(),
        OpenCX_Routing_Rule__mdt: customMetadataSObjects('OpenCX_Routing_Rule__mdt'),
        OpenCX_Setting__mdt: customMetadataSObjects('OpenCX_Setting__mdt'),
        MessagingSession: messagingSessionIds.map((id) => messagingSessionRecord(id)),
        MessagingEndUser: []
    };
}

// Permission sets may grant access only to things that exist (a deploy fails on a dangling name,
// and a grant to nothing hides a mistake) and only as much as the role needs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    children,
    listComponentNames,
    listCustomFields,
    listObjectNames,
    listPermissionSetNames,
    readPermissionSet,
    text,
    type XmlNode
} from '../../testkit/metadata/index.ts';

/** Standard objects a permission set here may name; anything custom must ship in force-app. */
const STANDARD_OBJECTS = new Set([
    'MessagingSession',
    'MessagingEndUser',
    'Conversation',
    'Case',
    'Contact',
    'Account',
    'User'
]);

function isCustomName(name: string): boolean {
    return /__(c|mdt|e|x)$/.test(name);
}

function objectExists(object: string): boolean {
    return isCustomName(object) ? listObjectNames().includes(object) : STANDARD_OBJECTS.has(object);
}

/** Problems with the names one permission set references; empty when all exist. */
function danglingReferences(permissionSet: XmlNode): string[] {
    const problems: string[] = [];
    const check = (exists: boolean, what: string) => {
        if (!exists) problems.push(what);
    };
    for (const permission of children(permissionSet, 'fieldPermissions')) {
        const [object, field] = (text(permission, 'field') ?? '').split('.');
        check(objectExists(object), `field ${object}.${field}: unknown object`);
        if (isCustomName(field)) {
            check(
                listCustomFields(object).includes(field),
                `field ${object}.${field} not in force-app`
            );
        }
    }
    for (const permission of children(permissionSet, 'objectPermissions')) {
        const object = text(permission, 'object') ?? '';
        check(objectExists(object), `object ${object} unknown`);
    }
    for (const access of children(permissionSet, 'customMetadataTypeAccesses')) {
        const name = text(access, 'name') ?? '';
        check(listObjectNames().includes(name), `custom metadata type ${name} not in objects/`);
    }
    for (const access of children(permissionSet, 'customSettingAccesses')) {
        const name = text(access, 'name') ?? '';
        check(listObjectNames().includes(name), `custom setting ${name} not in objects/`);
    }
    const named: [string, string, string, string][] = [
        ['classAccesses', 'apexClass', 'classes', '.cls-meta.xml'],
        ['pageAccesses', 'apexPage', 'pages', '.page-meta.xml'],
        ['flowAccesses', 'flow', 'flows', '.flow-meta.xml'],
        ['customPermissions', 'name', 'customPermissions', '.customPermission-meta.xml'],
        [
            'servicePresenceStatusAccesses',
            'servicePresenceStatus',
            'servicePresenceStatuses',
            '.servicePresenceStatus-meta.xml'
        ]
    ];
    for (const [element, key, folder, suffix] of named) {
        const known = listComponentNames(folder, suffix);
        for (const access of children(permissionSet, element)) {
            const name = text(access, key) ?? '';
            check(known.includes(name), `${element}: ${name} not in ${folder}/`);
        }
    }
    for (const access of children(permissionSet, 'externalCredentialPrincipalAccesses')) {
        // <externalCredential>-<principal name>
        const principal = text(access, 'externalCredentialPrincipal') ?? '';
        const credential = principal.split('-')[0];
        check(
            listComponentNames('externalCredentials', '.externalCredential-meta.xml').includes(
                credential
            ),
            `externalCredentialPrincipalAccesses: ${principal} names no credential in externalCredentials/`
        );
    }
    return problems;
}

describe('permission sets', () => {
    test('ship the rep and admin sets', () => {
        const names = listPermissionSetNames();
        assert.ok(names.includes('OpenCX_Handoff_Rep'));
        assert.ok(names.includes('OpenCX_Handoff_Admin'));
    });

    test('reference only objects, fields, classes, flows and statuses that exist', () => {
        for (const name of listPermissionSetNames()) {
            assert.deepEqual(danglingReferences(readPermissionSet(name)!), [], name);
        }
    });

    test('grant no view-all, modify-all or delete', () => {
        for (const name of listPermissionSetNames()) {
            for (const permission of children(readPermissionSet(name), 'objectPermissions')) {
                const object = text(permission, 'object');
                for (const flag of ['viewAllRecords', 'modifyAllRecords', 'allowDelete']) {
                    assert.notEqual(
                        text(permission, flag),
                        'true',
                        `${name}: ${flag} on ${object}`
                    );
                }
            }
            const userPermissions = children(readPermissionSet(name), 'userPermissions')
                .filter((p) => text(p, 'enabled') === 'true')
                .map((p) => text(p, 'name'));
            for (const broad of ['ModifyAllData', 'ViewAllData', 'ManageUsers', 'AuthorApex']) {
                assert.ok(!userPermissions.includes(broad), `${name} grants ${broad}`);
            }
        }
    });
});

describe('OpenCX_Handoff_Rep', () => {
    const rep = () => readPermissionSet('OpenCX_Handoff_Rep')!;

    test('reads, and cannot edit, every OpenCX field on MessagingSession', () => {
        const granted = new Map(
            children(rep(), 'fieldPermissions').map((p) => [text(p, 'field'), p])
        );
        for (const field of listCustomFields('MessagingSession')) {
            const permission = granted.get(`MessagingSession.${field}`);
            assert.ok(permission, `rep cannot read MessagingSession.${field}`);
            assert.equal(text(permission, 'readable'), 'true', field);
            assert.equal(
                text(permission, 'editable'),
                'false',
                `${field}: only the flow writes it`
            );
        }
        const object = children(rep(), 'objectPermissions').find(
            (p) => text(p, 'object') === 'MessagingSession'
        );
        assert.equal(text(object, 'allowRead'), 'true');
        assert.equal(text(object, 'allowEdit'), 'false');
    });

    test('can go online with the OpenCX messaging presence status', () => {
        const statuses = children(rep(), 'servicePresenceStatusAccesses')
            .filter((a) => text(a, 'enabled') === 'true')
            .map((a) => text(a, 'servicePresenceStatus'));
        assert.deepEqual(statuses, ['OpenCX_Available_Messaging']);
    });

    test('cannot change routing rules', () => {
        const types = children(rep(), 'customMetadataTypeAccesses').map((a) => text(a, 'name'));
        assert.ok(!types.includes('OpenCX_Routing_Rule__mdt'));
        const userPermissions = children(rep(), 'userPermissions').map((p) => text(p, 'name'));
        assert.ok(!userPermissions.includes('CustomizeApplication'));
    });
});

describe('OpenCX_Handoff_Admin', () => {
    test('can edit the routing rule records and nothing beyond what that needs', () => {
        const admin = readPermissionSet('OpenCX_Handoff_Admin')!;
        const types = children(admin, 'customMetadataTypeAccesses')
            .filter((a) => text(a, 'enabled') === 'true')
            .map((a) => text(a, 'name'));
        assert.ok(types.includes('OpenCX_Routing_Rule__mdt'));
        const userPermissions = children(admin, 'userPermissions')
            .filter((p) => text(p, 'enabled') === 'true')
            .map((p) => text(p, 'name'))
            .sort();
        // Salesforce: creating or editing custom metadata records needs Customize Application,
        // which itself needs View Setup and Configuration.
        assert.deepEqual(userPermissions, ['CustomizeApplication', 'ViewSetup']);
        assert.deepEqual(children(admin, 'fieldPermissions'), []);
        assert.deepEqual(children(admin, 'objectPermissions'), []);
    });
});

describe('reference checker', () => {
    test('reports a field, status and class that do not exist', () => {
        const bogus: XmlNode = {
            fieldPermissions: { field: 'MessagingSession.No_Such_Field__c', readable: 'true' },
            servicePresenceStatusAccesses: { enabled: 'true', servicePresenceStatus: 'Nope' },
            classAccesses: { apexClass: 'NoSuchClass', enabled: 'true' },
            objectPermissions: { object: 'No_Such_Object__c', allowRead: 'true' }
        };
        assert.equal(danglingReferences(bogus).length, 4);
    });
});

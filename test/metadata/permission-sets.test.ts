// Permission sets may grant access only to things that exist (a deploy fails on a dangling name,
// and a grant to nothing hides a mistake), only as much as the role needs, and always together
// with what Salesforce makes each grant depend on (a deploy fails on "Permission X depends on
// permission(s): Y").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
    children,
    listComponentNames,
    listCustomFields,
    listObjectNames,
    listPermissionSetNames,
    readFlow,
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
    'User',
    'UserExternalCredential'
]);

/**
 * User permissions whose grant Salesforce refuses without others ("Permission CustomizeApplication
 * depends on permission(s): ..."), as public code and deploy logs show them. `always` must be in
 * the same permission set; `inSomeOrgs` is required only where an org feature is on, and those
 * permission names do not exist elsewhere ("Unknown user permission"), so no static file can
 * satisfy every org: a shipped set must not grant such a permission at all.
 */
export const USER_PERMISSION_DEPENDENCIES: Record<
    string,
    { always: string[]; inSomeOrgs: Record<string, string>; evidence: string }
> = {
    CustomizeApplication: {
        always: ['ManageCustomPermissions', 'ViewRoles', 'ViewSetup'],
        inSomeOrgs: {
            ManageTranslation: 'Translation Workbench enabled',
            ManageTerritories: 'Enterprise Territory Management enabled'
        },
        evidence:
            'SalesforceFoundation/NPSP USER_UserService_TEST.cls (dependent permissions of ' +
            'CustomizeApplication) and PR #3979 (ManageTranslation only where translations are ' +
            'on); EASY-Open-Source-Solution issue #8; deploy log "CustomizeApplication depends ' +
            'on permission(s): ManageTerritories"'
    },
    ManageUsers: {
        always: [
            'AssignPermissionSets',
            'DelegatedTwoFactor',
            'FreezeUsers',
            'ManageInternalUsers',
            'ManageIpAddresses',
            'ManageLoginAccessPolicies',
            'ManagePasswordPolicies',
            'ManageProfilesPermissionsets',
            'ManageRoles',
            'ManageSharing',
            'MonitorLoginHistory',
            'ViewAllUsers',
            'ViewRoles',
            'ViewSetup'
        ],
        inSomeOrgs: {},
        evidence: 'deploy log "Permission ManageUsers depends on permission(s): ..."; issue 9'
    },
    ResetPasswords: {
        always: ['ViewRoles', 'ViewSetup'],
        inSomeOrgs: {},
        evidence: 'deploy log of a retrieved permission set (ResetPasswords needs both)'
    }
};

/** Object reads Salesforce requires alongside another object's read. */
export const OBJECT_READ_DEPENDENCIES: Record<string, { requires: string[]; evidence: string }> = {
    MessagingSession: {
        requires: ['MessagingEndUser'],
        evidence:
            'deploy error "Permission Read MessagingSession depends on permission(s): Read ' +
            'MessagingEndUser"; retrieved messaging permission sets grant both'
    }
};

/** Within one object permission: each access level needs the ones listed. */
const OBJECT_FLAG_DEPENDENCIES: Record<string, string[]> = {
    allowCreate: ['allowRead'],
    allowEdit: ['allowRead'],
    allowDelete: ['allowEdit', 'allowRead'],
    viewAllRecords: ['allowRead'],
    modifyAllRecords: ['allowDelete', 'allowEdit', 'allowRead', 'viewAllRecords']
};

function enabledUserPermissions(permissionSet: XmlNode): string[] {
    return children(permissionSet, 'userPermissions')
        .filter((p) => text(p, 'enabled') === 'true')
        .map((p) => text(p, 'name') ?? '');
}

/** What the set grants without what Salesforce makes the grant depend on; empty when closed. */
export function openDependencies(permissionSet: XmlNode): string[] {
    const problems: string[] = [];
    const granted = new Set(enabledUserPermissions(permissionSet));
    for (const permission of granted) {
        const rule = USER_PERMISSION_DEPENDENCIES[permission];
        if (!rule) continue;
        const missing = rule.always.filter((needed) => !granted.has(needed));
        if (missing.length) {
            problems.push(`${permission} depends on permission(s): ${missing.join(', ')}`);
        }
        for (const [needed, where] of Object.entries(rule.inSomeOrgs)) {
            problems.push(
                `${permission} depends on ${needed} in orgs with ${where}; a static permission ` +
                    'set cannot satisfy both kinds of org, so it must not grant ' +
                    permission
            );
        }
    }
    const readable = new Set(
        children(permissionSet, 'objectPermissions')
            .filter((p) => text(p, 'allowRead') === 'true')
            .map((p) => text(p, 'object'))
    );
    for (const permission of children(permissionSet, 'objectPermissions')) {
        const object = text(permission, 'object') ?? '';
        for (const [flag, needs] of Object.entries(OBJECT_FLAG_DEPENDENCIES)) {
            if (text(permission, flag) !== 'true') continue;
            const missing = needs.filter((needed) => text(permission, needed) !== 'true');
            if (missing.length) problems.push(`${flag} ${object} depends on ${missing.join(', ')}`);
        }
        if (text(permission, 'allowRead') !== 'true') continue;
        for (const needed of OBJECT_READ_DEPENDENCIES[object]?.requires ?? []) {
            if (!readable.has(needed)) {
                problems.push(`Read ${object} depends on permission(s): Read ${needed}`);
            }
        }
    }
    for (const permission of children(permissionSet, 'fieldPermissions')) {
        if (text(permission, 'editable') === 'true' && text(permission, 'readable') !== 'true') {
            problems.push(`edit ${text(permission, 'field')} depends on reading it`);
        }
    }
    return problems;
}

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

    test('are closed under Salesforce permission dependencies', () => {
        for (const name of listPermissionSetNames()) {
            assert.deepEqual(openDependencies(readPermissionSet(name)!), [], name);
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

    test('reads User External Credentials, which a callout through the principal needs', () => {
        // Salesforce Help, "Enable User External Credentials": some custom permission sets must
        // grant access to the User External Credential object for their users' callouts.
        const access = children(rep(), 'objectPermissions').find(
            (p) => text(p, 'object') === 'UserExternalCredential'
        );
        assert.ok(access, 'no objectPermissions for UserExternalCredential');
        assert.equal(text(access, 'allowRead'), 'true');
        for (const flag of ['allowCreate', 'allowEdit', 'allowDelete', 'modifyAllRecords']) {
            assert.equal(text(access, flag), 'false', `${flag} on UserExternalCredential`);
        }
        const principals = children(rep(), 'externalCredentialPrincipalAccesses');
        assert.ok(principals.length > 0, 'the read serves a principal the set grants');
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
    const admin = () => readPermissionSet('OpenCX_Handoff_Admin')!;

    test('reads the routing rule and setting records', () => {
        const types = children(admin(), 'customMetadataTypeAccesses')
            .filter((a) => text(a, 'enabled') === 'true')
            .map((a) => text(a, 'name'))
            .sort();
        assert.deepEqual(types, ['OpenCX_Routing_Rule__mdt', 'OpenCX_Setting__mdt']);
    });

    test('grants no user permission (Customize Application comes from the admin profile)', () => {
        // Editing custom metadata records needs Customize Application, whose dependencies differ
        // by org (see USER_PERMISSION_DEPENDENCIES): no shipped file can grant it in every org.
        assert.deepEqual(enabledUserPermissions(admin()), []);
    });

    test('reads, and cannot edit, every field the routing flow stamps', () => {
        const readable = new Set(
            children(admin(), 'fieldPermissions')
                .filter((p) => text(p, 'readable') === 'true')
                .map((p) => text(p, 'field'))
        );
        const stamped = children(readFlow('OpenCX_Route_Handoff'), 'recordUpdates')
            .filter((update) => text(update, 'object') === 'MessagingSession')
            .flatMap((update) => children(update, 'inputAssignments'))
            .map((assignment) => `MessagingSession.${text(assignment, 'field')}`);
        assert.ok(stamped.length > 0, 'the routing flow stamps MessagingSession fields');
        for (const field of stamped) {
            assert.ok(readable.has(field), `OpenCX_Handoff_Admin cannot read ${field}`);
        }
        for (const permission of children(admin(), 'fieldPermissions')) {
            assert.equal(text(permission, 'editable'), 'false', text(permission, 'field'));
        }
        for (const permission of children(admin(), 'objectPermissions')) {
            for (const flag of ['allowCreate', 'allowEdit', 'allowDelete']) {
                assert.equal(
                    text(permission, flag),
                    'false',
                    `${flag} ${text(permission, 'object')}`
                );
            }
        }
    });
});

describe('dependency checker', () => {
    test('reports the admin set as it was: Customize Application and View Setup only', () => {
        const open: XmlNode = {
            userPermissions: [
                { enabled: 'true', name: 'CustomizeApplication' },
                { enabled: 'true', name: 'ViewSetup' }
            ]
        };
        const problems = openDependencies(open);
        assert.ok(
            problems.includes(
                'CustomizeApplication depends on permission(s): ManageCustomPermissions, ViewRoles'
            ),
            problems.join('\n')
        );
        assert.ok(problems.some((problem) => problem.includes('ManageTranslation')));
    });

    test('reports Read MessagingSession without Read MessagingEndUser', () => {
        const open: XmlNode = {
            objectPermissions: { object: 'MessagingSession', allowRead: 'true' }
        };
        assert.deepEqual(openDependencies(open), [
            'Read MessagingSession depends on permission(s): Read MessagingEndUser'
        ]);
    });

    test('reports access levels without the ones they build on', () => {
        const open: XmlNode = {
            objectPermissions: { object: 'Case', allowDelete: 'true', allowRead: 'true' },
            fieldPermissions: { field: 'Case.Subject', editable: 'true', readable: 'false' }
        };
        assert.deepEqual(openDependencies(open), [
            'allowDelete Case depends on allowEdit',
            'edit Case.Subject depends on reading it'
        ]);
    });

    test('accepts a closed set', () => {
        const closed: XmlNode = {
            userPermissions: [
                { enabled: 'true', name: 'ResetPasswords' },
                { enabled: 'true', name: 'ViewRoles' },
                { enabled: 'true', name: 'ViewSetup' }
            ],
            objectPermissions: [
                { object: 'MessagingSession', allowRead: 'true' },
                { object: 'MessagingEndUser', allowRead: 'true' }
            ]
        };
        assert.deepEqual(openDependencies(closed), []);
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

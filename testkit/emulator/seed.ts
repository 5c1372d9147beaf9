// Seeds an org that is "empty but deployed": the project's metadata is in (queues, permission sets,
// presence configuration, inactive messaging channel, routing flow with no active version, deployment,
// key set with its issuer and no key, external credential principal with no secret, the OpenCX cache
// partition with no cache allocated, 10 MB of Platform Cache free), Messaging and
// Omni-Channel are on, and nothing provisioning does has happened yet: no queue members, no
// permission-set or presence assignments (each user has only their profile's), no API key, no
// identity key.
import { loadProjectNames, type ProjectNames } from '../../scripts/lib/project.ts';
import { readComponent } from '../metadata/index.ts';
import { grantsUserPermission } from './routes/metadata-deploy-rules.ts';
import { PARTITION_TYPE, setPlatformCacheCapacity } from './routes/platform-cache.ts';
import type { OrgState } from './state.ts';
import { customMetadataSObjects } from '../flow-evaluator/force-app.ts';

/** sObject types of the data API the emulator knows, with the rules the platform enforces. */
function defineDataTypes(state: OrgState): void {
    const data = state.data;
    data.define('Organization', {
        keyPrefix: '00D',
        fields: ['Name', 'InstanceName', 'IsSandbox', 'OrganizationType']
    });
    data.define('User', {
        keyPrefix: '005',
        fields: ['Username', 'Name', 'Email', 'IsActive', 'UserType', 'ProfileId'],
        references: { ProfileId: true }
    });
    data.define('Profile', { keyPrefix: '00e', fields: ['Name'], setup: true });
    data.define('Group', {
        keyPrefix: '00G',
        fields: ['Name', 'DeveloperName', 'Type', 'QueueRoutingConfigId'],
        setup: true
    });
    data.define('QueueSobject', {
        keyPrefix: '03g',
        fields: ['QueueId', 'SobjectType'],
        setup: true
    });
    data.define('GroupMember', {
        keyPrefix: '011',
        fields: ['GroupId', 'UserOrGroupId'],
        required: ['GroupId', 'UserOrGroupId'],
        unique: [['GroupId', 'UserOrGroupId']],
        references: { GroupId: true, UserOrGroupId: true },
        readOnly: ['GroupId', 'UserOrGroupId'],
        setup: true
    });
    data.define('PermissionSet', {
        keyPrefix: '0PS',
        // One permission field of the hundreds: the one the doctor asks about (admin-access.ts).
        fields: [
            'Name',
            'Label',
            'IsOwnedByProfile',
            'ProfileId',
            'PermissionsCustomizeApplication'
        ],
        references: { ProfileId: true },
        setup: true
    });
    data.define('PermissionSetAssignment', {
        keyPrefix: '0Pa',
        fields: ['AssigneeId', 'PermissionSetId'],
        required: ['AssigneeId', 'PermissionSetId'],
        unique: [['AssigneeId', 'PermissionSetId']],
        references: { AssigneeId: true, PermissionSetId: true },
        readOnly: ['AssigneeId', 'PermissionSetId'],
        setup: true
    });
    data.define('PresenceUserConfig', {
        keyPrefix: '0Nd',
        fields: ['DeveloperName', 'MasterLabel', 'Capacity'],
        setup: true
    });
    data.define('PresenceUserConfigUser', {
        keyPrefix: '0Ne',
        fields: ['PresenceUserConfigId', 'UserId'],
        required: ['PresenceUserConfigId', 'UserId'],
        // "A user can be associated with only one presence configuration."
        unique: [['UserId']],
        references: { PresenceUserConfigId: true, UserId: true },
        setup: true
    });
    data.define('ServicePresenceStatus', {
        keyPrefix: '0N5',
        fields: ['DeveloperName', 'MasterLabel'],
        setup: true
    });
    data.define('ServiceChannel', {
        keyPrefix: '0N9',
        fields: ['DeveloperName', 'MasterLabel', 'RelatedEntity'],
        setup: true
    });
    data.define('QueueRoutingConfig', {
        keyPrefix: '0K9',
        fields: ['DeveloperName', 'MasterLabel'],
        setup: true
    });
    data.define('MessagingChannel', {
        keyPrefix: '0Mj',
        fields: [
            'DeveloperName',
            'MasterLabel',
            'MessageType',
            'IsActive',
            'SessionHandlerId',
            'SessionHandlerType',
            'LastModifiedDate'
        ],
        readOnly: ['DeveloperName', 'MessageType'],
        setup: true
    });
    data.define('OpenCX_Routing_Rule__mdt', {
        keyPrefix: 'm00',
        fields: [
            'DeveloperName',
            'MasterLabel',
            'Consumer_Type__c',
            'Queue_Developer_Name__c',
            'Active__c'
        ]
    });
}

/** OpenCX_Setting__mdt and its records as force-app ships them (a deployed org has them). */
function seedShippedSettings(state: OrgState): void {
    const rows = customMetadataSObjects('OpenCX_Setting__mdt');
    const withoutId = (row: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(row).filter(([field]) => field !== 'Id'));
    const fields = [...new Set(rows.flatMap((row) => Object.keys(withoutId(row))))];
    state.data.define('OpenCX_Setting__mdt', { keyPrefix: 'm01', fields });
    for (const row of rows) state.data.insert('OpenCX_Setting__mdt', withoutId(row));
}

function defineToolingTypes(state: OrgState): void {
    const tooling = state.tooling;
    tooling.define('FlowDefinition', {
        keyPrefix: '300',
        fields: ['DeveloperName', 'MasterLabel', 'ActiveVersionId', 'LatestVersionId']
    });
    tooling.define('Flow', {
        keyPrefix: '301',
        fields: ['DefinitionId', 'VersionNumber', 'Status', 'MasterLabel', 'ProcessType']
    });
    tooling.define('EmbeddedServiceConfig', {
        keyPrefix: '0Hs',
        fields: [
            'DeveloperName',
            'MasterLabel',
            'DeploymentType',
            'DeploymentFeature',
            'IsEnabled',
            'LastModifiedDate'
        ]
    });
}

export interface SeedOptions {
    /** Usernames of active users that exist in the org (the reps and admins of a config). */
    users?: string[];
    /** Usernames of users that exist but are deactivated. */
    inactiveUsers?: string[];
    /** The project names (default: read from this repository's metadata). */
    project?: ProjectNames;
    /** The channel's user verification as deployed (MessagingChannel embeddedConfig/authMode). */
    channelAuthMode?: 'Auth' | 'UnAuth';
    /**
     * "Platform only": the org before `npm run deploy`: Organization, users, Messaging and
     * Omni-Channel on (their sObject types and the service channel sfdc_livemessage), and none of
     * the project's components (no queue, permission set, flow, channel, deployment, key set,
     * custom metadata type or External Credential principal).
     */
    platformOnly?: boolean;
    /**
     * The org's Platform Cache capacity in MB, all of it free. Default: 0 for `platformOnly` (an org
     * without cache, as a Developer Edition org: the admin path must work there) and 10 otherwise
     * (the seeded Enterprise Edition's 10 MB).
     */
    platformCacheMb?: number;
}

/** The partition as `npm run deploy` leaves it: force-app's file, no cache allocated. */
function seedCachePartition(state: OrgState): void {
    const noCache = (cacheType: string) => ({
        allocatedCapacity: '0',
        allocatedPartnerCapacity: '0',
        allocatedPurchasedCapacity: '0',
        allocatedTrialCapacity: '0',
        cacheType
    });
    state.metadataOfType(PARTITION_TYPE).set('OpenCX', {
        fullName: 'OpenCX',
        description: 'OpenCX answers for the console panel (OpenCxApiClient).',
        isDefaultPartition: 'false',
        masterLabel: 'OpenCX',
        platformCachePartitionTypes: [noCache('Organization'), noCache('Session')]
    });
}

/**
 * A profile as an org stores it: the Profile row and the permission set it owns (IsOwnedByProfile,
 * the permissions live there); returns the owned permission set's id.
 */
function seedProfile(state: OrgState, name: string, customizeApplication: boolean) {
    const profile = state.data.insert('Profile', { Name: name });
    const owned = state.data.insert('PermissionSet', {
        Name: `X${profile.Id}`,
        Label: profile.Id,
        IsOwnedByProfile: true,
        ProfileId: profile.Id,
        PermissionsCustomizeApplication: customizeApplication
    });
    return { profileId: profile.Id, permissionSetId: owned.Id };
}

/**
 * The org's users, each with a profile and that profile's PermissionSetAssignment (an org keeps one
 * per user): admin@acme.example is a System Administrator (Customize Application), every user the
 * options name has Standard User (without it).
 */
function seedUsers(state: OrgState, options: SeedOptions): void {
    const admin = seedProfile(state, 'System Administrator', true);
    const standard = seedProfile(state, 'Standard User', false);
    const addUser = (username: string, name: string, active: boolean, profile = standard) => {
        const user = state.data.insert('User', {
            Username: username,
            Name: name,
            IsActive: active,
            UserType: 'Standard',
            ProfileId: profile.profileId
        });
        state.data.insert('PermissionSetAssignment', {
            AssigneeId: user.Id,
            PermissionSetId: profile.permissionSetId
        });
    };
    addUser('admin@acme.example', 'Org Admin', true, admin);
    for (const username of options.users ?? []) addUser(username, username.split('@')[0], true);
    for (const username of options.inactiveUsers ?? [])
        addUser(username, username.split('@')[0], false);
}

/** Fills `state` with the empty-but-deployed org; returns the project names it used. */
export function seedDeployedOrg(state: OrgState, options: SeedOptions = {}): ProjectNames {
    const project = options.project ?? loadProjectNames();
    defineDataTypes(state);
    defineToolingTypes(state);
    const { data, tooling } = state;
    setPlatformCacheCapacity(state, options.platformCacheMb ?? (options.platformOnly ? 0 : 10));

    const organization = data.insert('Organization', {
        Name: 'Acme Support',
        InstanceName: 'EMU1',
        IsSandbox: false,
        OrganizationType: 'Enterprise Edition'
    });
    state.orgId = organization.Id;
    seedUsers(state, options);

    if (options.platformOnly) {
        // The custom metadata type arrives with the deploy; until then a query of it is INVALID_TYPE.
        data.undefine('OpenCX_Routing_Rule__mdt');
        data.insert('ServiceChannel', {
            DeveloperName: 'sfdc_livemessage',
            MasterLabel: 'Messaging',
            RelatedEntity: 'MessagingSession'
        });
        return project;
    }

    const routingConfig = data.insert('QueueRoutingConfig', {
        DeveloperName: 'OpenCX_Messaging_Routing',
        MasterLabel: 'OpenCX Messaging Routing'
    });
    for (const queue of project.queues) {
        const group = data.insert('Group', {
            Name: queue.replace(/_/g, ' '),
            DeveloperName: queue,
            Type: 'Queue',
            QueueRoutingConfigId: routingConfig.Id
        });
        data.insert('QueueSobject', { QueueId: group.Id, SobjectType: 'MessagingSession' });
    }
    for (const name of [project.repPermissionSet, project.adminPermissionSet]) {
        // As deployed from force-app: the file says whether the set grants Customize Application.
        const file = readComponent('permissionsets', name, '.permissionset-meta.xml');
        data.insert('PermissionSet', {
            Name: name,
            Label: name.replace(/_/g, ' '),
            IsOwnedByProfile: false,
            PermissionsCustomizeApplication: file
                ? grantsUserPermission(file.root, 'CustomizeApplication')
                : false
        });
    }
    data.insert('PresenceUserConfig', {
        DeveloperName: project.presenceConfig,
        MasterLabel: project.presenceConfig.replace(/_/g, ' '),
        Capacity: 3
    });
    for (const status of project.presenceStatuses) {
        data.insert('ServicePresenceStatus', {
            DeveloperName: status,
            MasterLabel: status.replace(/_/g, ' ')
        });
    }
    data.insert('ServiceChannel', {
        DeveloperName: 'sfdc_livemessage',
        MasterLabel: 'Messaging',
        RelatedEntity: 'MessagingSession'
    });
    for (const rule of project.routingRules) {
        data.insert('OpenCX_Routing_Rule__mdt', {
            DeveloperName: rule.name,
            MasterLabel: rule.name,
            Consumer_Type__c: rule.consumerType,
            Queue_Developer_Name__c: rule.queue,
            Active__c: rule.active
        });
    }
    seedShippedSettings(state);

    // The routing flow is deployed as version 1 but not active; the channel points at it, inactive.
    const definition = tooling.insert('FlowDefinition', {
        DeveloperName: project.routingFlow,
        MasterLabel: project.routingFlow.replace(/_/g, ' '),
        ActiveVersionId: null
    });
    const version = tooling.insert('Flow', {
        DefinitionId: definition.Id,
        VersionNumber: 1,
        Status: 'Draft',
        MasterLabel: project.routingFlow.replace(/_/g, ' '),
        ProcessType: 'RoutingFlow'
    });
    tooling.update('FlowDefinition', definition.Id, { LatestVersionId: version.Id });
    data.insert('MessagingChannel', {
        DeveloperName: project.messagingChannel,
        MasterLabel: project.messagingChannel.replace(/_/g, ' '),
        MessageType: 'EmbeddedMessaging',
        IsActive: false,
        SessionHandlerType: 'Flow',
        SessionHandlerId: definition.Id
    });
    tooling.insert('EmbeddedServiceConfig', {
        DeveloperName: project.deployment,
        MasterLabel: project.deployment.replace(/_/g, ' '),
        DeploymentType: 'API',
        DeploymentFeature: 'EmbeddedMessaging',
        IsEnabled: true
    });

    // The channel as the Metadata API reads it: only what the doctor compares (user verification).
    state.metadataOfType('MessagingChannel').set(project.messagingChannel, {
        fullName: project.messagingChannel,
        masterLabel: project.messagingChannel.replace(/_/g, ' '),
        embeddedConfig: { authMode: options.channelAuthMode ?? 'Auth' }
    });
    state.metadataOfType('PublicKeyCertificateSet').set(project.keySet.name, {
        fullName: project.keySet.name,
        masterLabel: project.keySet.label,
        type: project.keySet.type,
        ...(project.keySet.issuer ? { jwtIssuer: project.keySet.issuer } : {}),
        publicKeyCertificateSetKeys: []
    });
    seedCachePartition(state);
    state.credentials.set(
        `${project.externalCredential.name}/${project.externalCredential.principal}`,
        {
            externalCredential: project.externalCredential.name,
            principalName: project.externalCredential.principal,
            principalType: 'NamedPrincipal',
            authenticationProtocol: 'Custom',
            credentials: {}
        }
    );
    return project;
}

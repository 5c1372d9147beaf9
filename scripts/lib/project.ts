// The names provisioning works with, read from the project's own metadata (force-app) so that there
// is one place they come from. The root names are the project's fixed names; everything they link to
// (routing flow, fallback queue, key set and its issuer, queues, routing rules, the external
// credential's principal and secret parameter) is read from the metadata XML itself.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createXmlParser } from './xml.ts';

export const PROJECT_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** The root components; their files must exist under force-app/main/default. */
const ROOT_NAMES = {
    messagingChannel: 'OpenCX_Messaging',
    deployment: 'OpenCX_Handoff',
    repPermissionSet: 'OpenCX_Handoff_Rep',
    adminPermissionSet: 'OpenCX_Handoff_Admin',
    presenceConfig: 'OpenCX_Reps',
    externalCredential: 'OpenCX_API'
} as const;

export interface RoutingRule {
    name: string;
    consumerType: string;
    queue: string;
    active: boolean;
}

export interface ProjectNames {
    apiVersion: string;
    messagingChannel: string;
    deployment: string;
    routingFlow: string;
    fallbackQueue: string;
    queues: string[];
    routingRules: RoutingRule[];
    repPermissionSet: string;
    adminPermissionSet: string;
    presenceConfig: string;
    presenceStatuses: string[];
    keySet: { name: string; label: string; issuer: string | undefined; type: string };
    externalCredential: { name: string; principal: string; parameter: string };
}

type Node = Record<string, unknown>;

const parser = createXmlParser({
    arrays: [
        'values',
        'principals',
        'externalCredentialParameters',
        'messagingAuthorizations',
        'customParameters'
    ]
});

function readXml(path: string): Node {
    const parsed = parser.parse(readFileSync(path, 'utf8')) as Node;
    const root = Object.keys(parsed).find((key) => key !== '?xml');
    return (root ? parsed[root] : {}) as Node;
}

function str(node: Node | undefined, key: string): string | undefined {
    const value = node?.[key];
    return typeof value === 'string' ? value : undefined;
}

function namesIn(dir: string, suffix: string): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
        .filter((file) => file.endsWith(suffix))
        .map((file) => file.slice(0, -suffix.length))
        .sort();
}

export class ProjectMetadataError extends Error {}

/** The OpenCX_Routing_Rule custom metadata records in force-app. */
function readRoutingRules(metadata: string): RoutingRule[] {
    return namesIn(join(metadata, 'customMetadata'), '.md-meta.xml')
        .filter((name) => name.startsWith('OpenCX_Routing_Rule.'))
        .map((name) => {
            const record = readXml(join(metadata, 'customMetadata', `${name}.md-meta.xml`));
            const value = (field: string) => {
                const entry = ((record.values ?? []) as Node[]).find(
                    (item) => str(item, 'field') === field
                );
                const raw = entry?.value;
                return typeof raw === 'string' ? raw : '';
            };
            return {
                name: name.slice('OpenCX_Routing_Rule.'.length),
                consumerType: value('Consumer_Type__c'),
                queue: value('Queue_Developer_Name__c'),
                active: value('Active__c') === 'true'
            };
        });
}

/**
 * The external credential's NamedPrincipal, and the secret parameter the named credential's header
 * formula reads ($Credential.<external credential>.<parameter>).
 */
function readCredentialNames(
    metadata: string,
    required: (folder: string, name: string, suffix: string) => Node
): { principal: string; parameter: string } {
    const credential = required(
        'externalCredentials',
        ROOT_NAMES.externalCredential,
        '.externalCredential-meta.xml'
    );
    const principal = str(
        ((credential.externalCredentialParameters ?? []) as Node[]).find(
            (item) => str(item, 'parameterType') === 'NamedPrincipal'
        ),
        'parameterName'
    );
    const namedCredentialsDir = join(metadata, 'namedCredentials');
    const formulaParameter = namesIn(namedCredentialsDir, '.namedCredential-meta.xml')
        .map((name) =>
            readFileSync(join(namedCredentialsDir, `${name}.namedCredential-meta.xml`), 'utf8')
        )
        .map(
            (xml) =>
                new RegExp(`\\$Credential\\.${ROOT_NAMES.externalCredential}\\.(\\w+)`).exec(
                    xml
                )?.[1]
        )
        .find(Boolean);
    if (!principal || !formulaParameter) {
        throw new ProjectMetadataError(
            `externalCredentials/${ROOT_NAMES.externalCredential} needs a NamedPrincipal and a named credential header reading $Credential.${ROOT_NAMES.externalCredential}.<parameter>`
        );
    }
    return { principal, parameter: formulaParameter };
}

/** Reads the project metadata under `root` (default: this repository). */
export function loadProjectNames(root: string = PROJECT_ROOT): ProjectNames {
    const metadata = join(root, 'force-app', 'main', 'default');
    const required = (folder: string, name: string, suffix: string): Node => {
        const path = join(metadata, folder, `${name}${suffix}`);
        if (!existsSync(path)) {
            throw new ProjectMetadataError(
                `project metadata is missing ${folder}/${name}${suffix} (run this from the project folder)`
            );
        }
        return readXml(path);
    };

    const project = JSON.parse(readFileSync(join(root, 'sfdx-project.json'), 'utf8')) as {
        sourceApiVersion?: string;
    };
    const channel = required(
        'messagingChannels',
        ROOT_NAMES.messagingChannel,
        '.messagingChannel-meta.xml'
    );
    required('EmbeddedServiceConfig', ROOT_NAMES.deployment, '.EmbeddedServiceConfig-meta.xml');
    required('permissionsets', ROOT_NAMES.repPermissionSet, '.permissionset-meta.xml');
    required('permissionsets', ROOT_NAMES.adminPermissionSet, '.permissionset-meta.xml');
    required('presenceUserConfigs', ROOT_NAMES.presenceConfig, '.presenceUserConfig-meta.xml');

    const routingFlow = str(channel, 'sessionHandlerFlow');
    const fallbackQueue = str(channel, 'sessionHandlerQueue');
    if (!routingFlow || !fallbackQueue) {
        throw new ProjectMetadataError(
            `messagingChannels/${ROOT_NAMES.messagingChannel} names no sessionHandlerFlow or sessionHandlerQueue`
        );
    }
    const authorization = ((channel.embeddedConfig as Node | undefined)?.messagingAuthorizations ??
        []) as Node[];
    const keySetName = authorization
        .map((entry) => str(entry, 'publicKeyCertificateSetName'))
        .find(Boolean);
    if (!keySetName) {
        throw new ProjectMetadataError(
            `messagingChannels/${ROOT_NAMES.messagingChannel} has no messagingAuthorizations key set`
        );
    }
    const keySet = required(
        'PublicKeyCertificateSet',
        keySetName,
        '.PublicKeyCertificateSet-meta.xml'
    );

    const routingRules = readRoutingRules(metadata);
    const { principal, parameter } = readCredentialNames(metadata, required);

    return {
        apiVersion: project.sourceApiVersion ?? '66.0',
        messagingChannel: ROOT_NAMES.messagingChannel,
        deployment: ROOT_NAMES.deployment,
        routingFlow,
        fallbackQueue,
        queues: namesIn(join(metadata, 'queues'), '.queue-meta.xml'),
        routingRules,
        repPermissionSet: ROOT_NAMES.repPermissionSet,
        adminPermissionSet: ROOT_NAMES.adminPermissionSet,
        presenceConfig: ROOT_NAMES.presenceConfig,
        presenceStatuses: namesIn(
            join(metadata, 'servicePresenceStatuses'),
            '.servicePresenceStatus-meta.xml'
        ),
        keySet: {
            name: keySetName,
            label: str(keySet, 'masterLabel') ?? keySetName,
            issuer: str(keySet, 'jwtIssuer'),
            type: str(keySet, 'type') ?? 'JWKS'
        },
        externalCredential: { name: ROOT_NAMES.externalCredential, principal, parameter }
    };
}

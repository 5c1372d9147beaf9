// Cross-references of the routing metadata: OpenCX's routing attributes must travel intact from the
// deployment's hidden pre-chat fields through the channel's custom parameters into the routing
// flow's input variables and onto MessagingSession fields, and every queue, flow, key set and
// presence status that one component names must exist in force-app.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    METADATA_ROOT,
    children,
    listChannelParameters,
    listCustomFields,
    listObjectNames,
    listQueueNames,
    readComponent,
    readCustomField,
    readCustomMetadataRecords,
    readEmbeddedServiceConfig,
    readFlow,
    readMessagingChannel,
    readQueue,
    text,
    type XmlNode
} from '../../testkit/metadata/index.ts';

const CHANNEL = 'OpenCX_Messaging';
const DEPLOYMENT = 'OpenCX_Handoff';
/** The routing attributes OpenCX sends (team brief, fixed names). */
const ROUTING_ATTRIBUTES = [
    'OpencxSessionId',
    'Chat_Consumer_Type',
    'OpencxChannel',
    'OpencxLanguage',
    'OpencxPriority'
];

function requireChannel(): XmlNode {
    const channel = readMessagingChannel(CHANNEL);
    assert.ok(channel, `messagingChannels/${CHANNEL}.messagingChannel-meta.xml is missing`);
    return channel;
}

function routingFlowName(): string {
    const name = text(requireChannel(), 'sessionHandlerFlow');
    assert.ok(name, `${CHANNEL} names no sessionHandlerFlow`);
    return name;
}

function requireRoutingFlow(): XmlNode {
    const name = routingFlowName();
    const flow = readFlow(name);
    assert.ok(
        flow,
        `${CHANNEL} routes with flow ${name}, but flows/${name}.flow-meta.xml is missing`
    );
    return flow;
}

/** MessagingSession field → the flow element it is assigned from, over every recordUpdates on MessagingSession. */
function stampedFields(flow: XmlNode): Map<string, string> {
    const stamps = new Map<string, string>();
    const inputs = new Set(
        children(flow, 'variables')
            .filter((variable) => text(variable, 'isInput') === 'true')
            .map((variable) => text(variable, 'name'))
    );
    // A stamp may go through a variable (e.g. effectiveSessionId, the attribute as sent or
    // inherited by a continued conversation): follow it to the input variable it is assigned from.
    const fromInput = new Map<string, string>();
    for (const assignment of children(flow, 'assignments')) {
        for (const item of children(assignment, 'assignmentItems')) {
            const target = text(item, 'assignToReference');
            const source = text(children(item, 'value')[0], 'elementReference');
            if (target && source && inputs.has(source)) fromInput.set(target, source);
        }
    }
    for (const update of children(flow, 'recordUpdates')) {
        if (text(update, 'object') !== 'MessagingSession') continue;
        for (const assignment of children(update, 'inputAssignments')) {
            const field = text(assignment, 'field');
            const value = children(assignment, 'value')[0];
            const source =
                text(value, 'elementReference') ?? text(value, 'stringValue') ?? undefined;
            if (field && source && !stamps.has(field)) {
                stamps.set(field, fromInput.get(source) ?? source);
            }
        }
    }
    return stamps;
}

/**
 * MessagingSession fields the rep's verdict writes (Apex, not the flow): each must be written by
 * OpenCxVerdictService.
 */
const VERDICT_FIELDS = [
    'OpenCX_Verdict__c',
    'OpenCX_Verdict_Status__c',
    'OpenCX_Verdict_Detail__c'
];

describe('messaging channel', () => {
    test('is an Enhanced Chat channel routed by a flow with a fallback queue that exists', () => {
        const channel = requireChannel();
        assert.equal(text(channel, 'messagingChannelType'), 'EmbeddedMessaging');
        assert.equal(text(channel, 'sessionHandlerType'), 'Flow');
        const fallback = text(channel, 'sessionHandlerQueue');
        assert.ok(fallback, 'no fallback sessionHandlerQueue');
        assert.ok(listQueueNames().includes(fallback), `fallback queue ${fallback} not in queues/`);
    });

    test('accepts exactly the routing attributes OpenCX sends, each passed to the flow by name', () => {
        const parameters = listChannelParameters(CHANNEL);
        assert.deepEqual(parameters.map((p) => p.name).sort(), [...ROUTING_ATTRIBUTES].sort());
        for (const parameter of parameters) {
            assert.equal(parameter.externalParameterName, parameter.name, parameter.name);
            assert.equal(parameter.parameterDataType, 'String', parameter.name);
            assert.deepEqual(parameter.actionParameterNames, [parameter.name], parameter.name);
            assert.ok(parameter.masterLabel, `${parameter.name} has no masterLabel`);
            assert.ok(
                parameter.maxLength !== undefined &&
                    parameter.maxLength >= 1 &&
                    parameter.maxLength <= 255,
                `${parameter.name} maxLength ${parameter.maxLength} is outside 1..255`
            );
        }
    });

    test('verifies identity tokens against a key set that ships in force-app', () => {
        const config = children(requireChannel(), 'embeddedConfig')[0];
        assert.ok(config, 'no embeddedConfig');
        assert.equal(text(config, 'authMode'), 'Auth');
        const authorizations = children(config, 'messagingAuthorizations');
        assert.equal(authorizations.length, 1);
        const [authorization] = authorizations;
        assert.equal(text(authorization, 'authorizationType'), 'PublicKeyCertificateSet');
        assert.equal(text(authorization, 'enabled'), 'true');
        assert.match(text(authorization, 'authIdentifier') ?? '', /^[A-Za-z][A-Za-z0-9_]*$/);
        const setName = text(authorization, 'publicKeyCertificateSetName') ?? '';
        const keySet = readComponent(
            'PublicKeyCertificateSet',
            setName,
            '.PublicKeyCertificateSet-meta.xml'
        )?.root;
        assert.ok(keySet, `key set ${setName} not in PublicKeyCertificateSet/`);
        assert.equal(text(keySet, 'type'), 'JWKS');
        assert.ok(text(keySet, 'jwtIssuer')?.trim(), 'the key set has no jwtIssuer');
        assert.deepEqual(
            children(keySet, 'publicKeyCertificateSetKeys'),
            [],
            'the key is org-specific: provisioning adds it'
        );
    });
});

describe('messaging channel settings OpenCX relies on', () => {
    test('accepts file uploads, which OpenCX forwards as attachments', () => {
        const config = children(requireChannel(), 'embeddedConfig')[0];
        assert.equal(text(config, 'isAttachmentUploadEnabled'), 'true');
    });
});

describe('routing flow', () => {
    test('is the active RoutingFlow the channel names', () => {
        const flow = requireRoutingFlow();
        assert.equal(text(flow, 'processType'), 'RoutingFlow');
        assert.equal(text(flow, 'status'), 'Active');
    });

    test('has a String input variable for every channel parameter', () => {
        const variables = new Map(
            children(requireRoutingFlow(), 'variables').map((v) => [text(v, 'name'), v])
        );
        for (const { name } of listChannelParameters(CHANNEL)) {
            const variable = variables.get(name);
            assert.ok(variable, `flow has no variable ${name} for channel parameter ${name}`);
            assert.equal(text(variable, 'isInput'), 'true', `${name} is not an input variable`);
            assert.equal(text(variable, 'dataType'), 'String', name);
            assert.notEqual(text(variable, 'isCollection'), 'true', name);
        }
    });

    test('stamps every channel parameter onto a MessagingSession field that can hold it', () => {
        const stamps = stampedFields(requireRoutingFlow());
        const fields = listCustomFields('MessagingSession');
        for (const parameter of listChannelParameters(CHANNEL)) {
            const field = [...stamps].find(([, source]) => source === parameter.name)?.[0];
            assert.ok(field, `the flow stamps ${parameter.name} onto no MessagingSession field`);
            assert.ok(fields.includes(field), `${field} not in objects/MessagingSession/fields`);
            const definition = readCustomField('MessagingSession', field)!;
            assert.equal(text(definition, 'type'), 'Text', field);
            assert.ok(
                Number(text(definition, 'length')) >= (parameter.maxLength ?? 255),
                `${field} (length ${text(definition, 'length')}) cannot hold ${parameter.name} (maxLength ${parameter.maxLength})`
            );
        }
    });

    test('leaves no MessagingSession field unstamped', () => {
        const stamped = new Set(stampedFields(requireRoutingFlow()).keys());
        const verdictService = readFileSync(
            join(METADATA_ROOT, 'classes', 'OpenCxVerdictService.cls'),
            'utf8'
        );
        for (const field of listCustomFields('MessagingSession')) {
            if (VERDICT_FIELDS.includes(field)) {
                assert.ok(!stamped.has(field), `${field} is the rep's, the flow must not write it`);
                assert.match(verdictService, new RegExp(`${field} =`), `nothing writes ${field}`);
                continue;
            }
            assert.ok(stamped.has(field), `${field} ships but the flow never writes it`);
        }
    });

    test('names only queues that exist and rule fields that exist', () => {
        const flow = requireRoutingFlow();
        const queues = listQueueNames();
        for (const lookup of children(flow, 'recordLookups')) {
            const object = text(lookup, 'object') ?? '';
            const filters = children(lookup, 'filters');
            if (object === 'Group') {
                for (const filter of filters.filter((f) => text(f, 'field') === 'DeveloperName')) {
                    const literal = text(children(filter, 'value')[0], 'stringValue');
                    if (literal !== undefined) {
                        assert.ok(
                            queues.includes(literal),
                            `flow looks up queue ${literal}, not in queues/`
                        );
                    }
                }
            }
            if (object.endsWith('__mdt') || object.endsWith('__c')) {
                assert.ok(
                    listObjectNames().includes(object),
                    `flow reads ${object}, not in objects/`
                );
                const known = new Set([
                    ...listCustomFields(object),
                    'Id',
                    'DeveloperName',
                    'Label'
                ]);
                const named = [
                    ...children(lookup, 'filters').map((f) => text(f, 'field')),
                    ...[lookup['queriedFields']].flat().filter((f) => typeof f === 'string'),
                    text(lookup, 'sortField')
                ].filter((f): f is string => typeof f === 'string');
                for (const field of named) {
                    assert.ok(
                        known.has(field),
                        `flow reads ${object}.${field}, which does not exist`
                    );
                }
            }
        }
    });

    test('routes on the service channel the presence status opens', () => {
        const devNames = children(requireRoutingFlow(), 'actionCalls')
            .filter((call) => text(call, 'actionType') === 'routeWork')
            .flatMap((call) => children(call, 'inputParameters'))
            .filter((parameter) => text(parameter, 'name') === 'serviceChannelDevName')
            .map((parameter) => text(children(parameter, 'value')[0], 'stringValue'));
        assert.ok(devNames.length > 0, 'the flow has no routeWork with a serviceChannelDevName');
        const status = readComponent(
            'servicePresenceStatuses',
            'OpenCX_Available_Messaging',
            '.servicePresenceStatus-meta.xml'
        )?.root;
        assert.ok(status, 'servicePresenceStatuses/OpenCX_Available_Messaging is missing');
        const channels = [children(status, 'channels')[0]?.['channel']].flat();
        for (const devName of devNames) {
            assert.ok(channels.includes(devName!), `presence status does not open ${devName}`);
        }
    });
});

describe('MessagingSession fields', () => {
    test('OpenCX_Session_Id__c is a 255-character external id, so it is indexed and searchable', () => {
        const field = readCustomField('MessagingSession', 'OpenCX_Session_Id__c');
        assert.ok(field);
        assert.equal(text(field, 'type'), 'Text');
        assert.equal(text(field, 'length'), '255');
        assert.equal(text(field, 'externalId'), 'true');
    });
});

describe('routing rules', () => {
    const rules = () => readCustomMetadataRecords('OpenCX_Routing_Rule__mdt');

    test('each rule is complete and names a Messaging queue in queues/', () => {
        const queues = listQueueNames();
        assert.ok(rules().length > 0);
        for (const rule of rules()) {
            const consumerType = rule.values['Consumer_Type__c'];
            const queue = rule.values['Queue_Developer_Name__c'] ?? '';
            assert.ok(consumerType?.trim(), `${rule.developerName} has no Consumer_Type__c`);
            assert.ok(
                ['true', 'false'].includes(rule.values['Active__c'] ?? ''),
                rule.developerName
            );
            assert.ok(
                queues.includes(queue),
                `${rule.developerName} names ${queue}, not in queues/`
            );
            const sobjects = children(readQueue(queue), 'queueSobject').map((s) =>
                text(s, 'sobjectType')
            );
            assert.ok(
                sobjects.includes('MessagingSession'),
                `${queue} does not take MessagingSession`
            );
        }
    });

    test('no two active rules claim the same consumer type (the flow matches case-insensitively)', () => {
        const seen = new Map<string, string>();
        for (const rule of rules().filter((r) => r.values['Active__c'] === 'true')) {
            const key = (rule.values['Consumer_Type__c'] ?? '').trim().toLowerCase();
            assert.ok(
                !seen.has(key),
                `${rule.developerName} and ${seen.get(key)} both match "${key}"`
            );
            seen.set(key, rule.developerName);
        }
    });

    test('cover the verified and anonymous spellings docs/routing.md names', () => {
        const queueFor = (value: string) =>
            rules().find(
                (rule) =>
                    rule.values['Active__c'] === 'true' &&
                    rule.values['Consumer_Type__c']?.toLowerCase() === value.toLowerCase()
            )?.values['Queue_Developer_Name__c'];
        for (const value of ['Authenticated', 'Verified']) {
            assert.equal(queueFor(value), 'OpenCX_Verified_Visitors', value);
        }
        for (const value of ['Anonymous', 'Unauthenticated']) {
            assert.equal(queueFor(value), 'OpenCX_Anonymous_Visitors', value);
        }
    });
});

describe('queues and Omni-Channel configuration', () => {
    test('every queue takes MessagingSession and uses a routing configuration that exists', () => {
        assert.ok(listQueueNames().length > 0);
        for (const name of listQueueNames()) {
            const queue = readQueue(name)!;
            const sobjects = children(queue, 'queueSobject').map((s) => text(s, 'sobjectType'));
            assert.deepEqual(sobjects, ['MessagingSession'], name);
            const config = text(queue, 'queueRoutingConfig') ?? '';
            assert.ok(
                readComponent('queueRoutingConfigs', config, '.queueRoutingConfig-meta.xml'),
                `${name} uses routing configuration ${config}, not in queueRoutingConfigs/`
            );
            assert.equal(text(queue, 'queueMembers'), undefined, `${name}: members are org data`);
        }
    });

    test('the reps presence configuration has capacity and no org-specific assignments', () => {
        const config = readComponent(
            'presenceUserConfigs',
            'OpenCX_Reps',
            '.presenceUserConfig-meta.xml'
        );
        assert.ok(config, 'presenceUserConfigs/OpenCX_Reps is missing');
        assert.ok(Number(text(config.root, 'capacity')) > 0);
        assert.equal(config.root['assignments'], undefined, 'provisioning assigns users');
    });
});

describe('embedded service deployment', () => {
    function requireDeployment(): XmlNode {
        const deployment = readEmbeddedServiceConfig(DEPLOYMENT);
        assert.ok(deployment, `EmbeddedServiceConfig/${DEPLOYMENT} is missing`);
        return deployment;
    }

    test('is a custom-client (API) messaging deployment on the channel', () => {
        const deployment = requireDeployment();
        assert.equal(text(deployment, 'deploymentFeature'), 'EmbeddedMessaging');
        assert.equal(text(deployment, 'deploymentType'), 'API');
        assert.equal(text(deployment, 'site'), undefined, 'an API deployment has no site');
        const messaging = children(deployment, 'embeddedServiceMessagingChannel')[0];
        assert.equal(text(messaging, 'messagingChannel'), CHANNEL);
        assert.equal(text(messaging, 'isEnabled'), 'true');
    });

    test('admits anonymous visitors too, while the channel verifies identity tokens', () => {
        // OpenCX sends verified visitors with an identity token and anonymous ones with an
        // unauthenticated token, through this one deployment.
        assert.equal(text(requireDeployment(), 'areGuestUsersAllowed'), 'true');
        assert.equal(text(children(requireChannel(), 'embeddedConfig')[0], 'authMode'), 'Auth');
    });

    test('lists every channel parameter as a hidden pre-chat field of an active, every-session form', () => {
        const forms = children(requireDeployment(), 'embeddedServiceForms');
        assert.equal(forms.length, 1);
        const [form] = forms;
        assert.equal(text(form, 'isActive'), 'true');
        assert.equal(text(form, 'displayContext'), 'Session');
        const fields = children(form, 'embeddedServiceFormFields');
        const custom = fields.filter((f) => text(f, 'messagingChannelParameterType') === 'Custom');
        assert.deepEqual(
            custom.map((f) => text(f, 'formField')).sort(),
            listChannelParameters(CHANNEL)
                .map((p) => p.name)
                .sort()
        );
        for (const field of custom) {
            const name = text(field, 'formField');
            assert.equal(text(field, 'isHidden'), 'true', `${name} must be hidden`);
            assert.equal(
                text(field, 'isRequired'),
                'false',
                `${name}: OpenCX sends some only sometimes`
            );
            assert.equal(text(field, 'formFieldType'), 'Text', name);
        }
        const orders = fields.map((f) => text(f, 'displayOrder'));
        assert.equal(new Set(orders).size, orders.length, 'displayOrder values repeat');
    });
});

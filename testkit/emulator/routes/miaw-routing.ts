// What the org does when a MIAW conversation starts: create the MessagingSession on the
// deployment's channel and let the channel's routing flow route it. The flow is the project's own
// XML (force-app/main/default/flows/<the channel's flow>.flow-meta.xml) run by testkit/flow-evaluator
// over the emulator's records; its record updates and its routeWork are written back into the
// emulator's state, where the org API (and so `npm run handoff:test`) sees them:
//   - the fields the flow stamps, on MessagingSession;
//   - a PendingServiceRouting row (WorkItemId, QueueId) and the queue as the session's OwnerId,
//     as queue-based routing leaves them until a rep accepts.
// Inactive channel: no session at all. No active flow, or a flow that fails without a fault path:
// the channel's fallback queue (sessionHandlerQueue), as Omni-Channel does.
import { loadProjectNames, type ProjectNames } from '../../../scripts/lib/project.ts';
import {
    evaluateFlow,
    type FlowModel,
    type FlowRun,
    type SObjectRecord as FlowRecord
} from '../../flow-evaluator/index.ts';
import { customMetadataSObjects, loadForceAppFlow } from '../../flow-evaluator/force-app.ts';
import {
    children,
    listCustomFields,
    readEmbeddedServiceConfig,
    text
} from '../../metadata/index.ts';
import type { OrgState, SObjectRecord } from '../state.ts';

export interface RoutingOutcome {
    messagingSessionId: string | null;
    pendingServiceRoutingId: string | null;
    queueId: string | null;
    queueDeveloperName: string | null;
    /** The routing flow that ran (null: none ran) and the input values it was given. */
    flow: string | null;
    flowInputs: Record<string, string>;
    flowRun: Pick<FlowRun, 'status' | 'path' | 'error'> | null;
    /** Why the session did not land where the flow would put it. */
    failure: string | null;
}

const flowCache = new Map<string, FlowModel>();
let projectCache: ProjectNames | undefined;

function project(): ProjectNames {
    projectCache ??= loadProjectNames();
    return projectCache;
}

/** The deployment's channel and its hidden pre-chat fields, from the project's deployment XML. */
export function deploymentChannel(
    esDeveloperName: string
): { channel: string; hiddenFields: string[]; displayContext: string } | null {
    const config = readEmbeddedServiceConfig(esDeveloperName);
    if (!config) return null;
    const channelNode = children(config, 'embeddedServiceMessagingChannel')[0];
    const forms = children(config, 'embeddedServiceForms').filter(
        (form) => text(form, 'isActive') !== 'false'
    );
    const hiddenFields = forms.flatMap((form) =>
        children(form, 'embeddedServiceFormFields')
            .filter((field) => text(field, 'isHidden') === 'true')
            .map((field) => text(field, 'formField') ?? '')
            .filter(Boolean)
    );
    return {
        channel: text(channelNode, 'messagingChannel') ?? '',
        hiddenFields,
        displayContext: text(forms[0], 'displayContext') ?? 'Conversation'
    };
}

/** Defines the sObject types of a messaging session's routing when the seed has not. */
export function defineRoutingTypes(state: OrgState): void {
    const data = state.data;
    if (!data.hasType('MessagingSession')) {
        data.define('MessagingSession', {
            keyPrefix: '0Mw',
            fields: [
                'Name',
                'Status',
                'OwnerId',
                'MessagingChannelId',
                'Origin',
                'CreatedDate',
                'MessagingEndUserId',
                ...listCustomFields('MessagingSession')
            ]
        });
    }
    if (!data.hasType('MessagingEndUser')) {
        // One per visitor and channel, keyed by the MIAW token's subject: Salesforce's platform key
        // is v2/iamessage/AUTH/<keyset>/uid:<sub> for a verified visitor, .../UNAUTH/... for a guest.
        data.define('MessagingEndUser', {
            keyPrefix: '0PA',
            fields: [
                'Name',
                'MessagingPlatformKey',
                'MessagingChannelId',
                'MessageType',
                'CreatedDate'
            ],
            required: ['MessagingPlatformKey', 'MessagingChannelId']
        });
    }
    if (!data.hasType('PendingServiceRouting')) {
        data.define('PendingServiceRouting', {
            keyPrefix: '0JR',
            fields: [
                'WorkItemId',
                'QueueId',
                'RoutingType',
                'ServiceChannelId',
                'IsReadyForRouting',
                'CreatedDate'
            ],
            required: ['WorkItemId', 'ServiceChannelId']
        });
    }
    if (!data.hasType('AgentWork')) {
        data.define('AgentWork', {
            keyPrefix: '0Bz',
            fields: [
                'WorkItemId',
                'OriginalQueueId',
                'UserId',
                'Status',
                'ServiceChannelId',
                'CreatedDate'
            ]
        });
    }
}

/** Starts the MessagingSession of a new conversation and routes it (see the file comment). */
export function routeMessagingSession(
    state: OrgState,
    esDeveloperName: string,
    routingAttributes: Record<string, string>,
    /** The MIAW token's subject: the visitor's MessagingEndUser.MessagingPlatformKey. */
    endUserPlatformKey?: string
): RoutingOutcome {
    defineRoutingTypes(state);
    const outcome: RoutingOutcome = {
        messagingSessionId: null,
        pendingServiceRoutingId: null,
        queueId: null,
        queueDeveloperName: null,
        flow: null,
        flowInputs: {},
        flowRun: null,
        failure: null
    };
    const deployment = deploymentChannel(esDeveloperName);
    const channel = state.data
        .all('MessagingChannel')
        .find((row) => row.DeveloperName === deployment?.channel);
    if (!deployment || !channel) {
        outcome.failure = `deployment ${esDeveloperName} has no messaging channel in the org`;
        return outcome;
    }
    if (channel.IsActive !== true) {
        outcome.failure = `messaging channel ${deployment.channel} is not active`;
        return outcome;
    }

    const customFields = listCustomFields('MessagingSession');
    const sessionFields: Record<string, unknown> = {
        Name: `Messaging session ${state.data.all('MessagingSession').length + 1}`,
        Status: 'Waiting',
        OwnerId: null,
        MessagingChannelId: channel.Id,
        Origin: 'InboundInitiated',
        CreatedDate: state.now(),
        MessagingEndUserId: endUserPlatformKey
            ? messagingEndUser(state, String(channel.Id), endUserPlatformKey).Id
            : null
    };
    for (const field of customFields) sessionFields[field] = null;
    const session = state.data.insert('MessagingSession', sessionFields);
    outcome.messagingSessionId = session.Id;

    // MIAW passes a routing attribute to the flow only when it is a hidden pre-chat field.
    const inputs: Record<string, string> = { recordId: session.Id };
    for (const [name, value] of Object.entries(routingAttributes)) {
        if (deployment.hiddenFields.includes(name)) inputs[name] = value;
    }

    const flowName = activeRoutingFlow(state, channel);
    let routedQueueId: string | null = null;
    if (!flowName) {
        outcome.failure = `messaging channel ${deployment.channel} has no active routing flow`;
    } else {
        outcome.flow = flowName;
        const model = flowCache.get(flowName) ?? loadForceAppFlow(flowName);
        flowCache.set(flowName, model);
        outcome.flowInputs = flowInputs(model, inputs);
        const run = evaluateFlow(model, {
            inputs: outcome.flowInputs,
            records: flowRecords(state, session, customFields)
        });
        outcome.flowRun = { status: run.status, path: run.path, error: run.error };
        for (const update of run.updates) {
            if (update.object !== 'MessagingSession') continue;
            for (const id of update.recordIds)
                state.data.update('MessagingSession', id, update.fields);
        }
        if (run.status === 'Failed') outcome.failure = `routing flow failed: ${run.error}`;
        else if (!run.routedTo) outcome.failure = 'routing flow finished without routing';
        else routedQueueId = run.routedTo.queueId;
    }

    if (!routedQueueId) {
        const fallback = state.data
            .all('Group')
            .find(
                (group) => group.Type === 'Queue' && group.DeveloperName === project().fallbackQueue
            );
        routedQueueId = fallback?.Id ?? null;
    }
    if (!routedQueueId) return outcome;

    const serviceChannel = state.data
        .all('ServiceChannel')
        .find((row) => row.DeveloperName === 'sfdc_livemessage');
    const pending = state.data.insert('PendingServiceRouting', {
        WorkItemId: session.Id,
        QueueId: routedQueueId,
        RoutingType: 'QueueBased',
        ServiceChannelId: serviceChannel?.Id ?? 'sfdc_livemessage',
        IsReadyForRouting: true,
        CreatedDate: state.now()
    });
    state.data.update('MessagingSession', session.Id, { OwnerId: routedQueueId });
    outcome.pendingServiceRoutingId = pending.Id;
    outcome.queueId = routedQueueId;
    outcome.queueDeveloperName = String(
        state.data.all('Group').find((group) => group.Id === routedQueueId)?.DeveloperName ?? ''
    );
    return outcome;
}

/** The visitor's MessagingEndUser on this channel, created with its first conversation. */
function messagingEndUser(state: OrgState, channelId: string, platformKey: string): SObjectRecord {
    const existing = state.data
        .all('MessagingEndUser')
        .find(
            (row) =>
                row.MessagingPlatformKey === platformKey && row.MessagingChannelId === channelId
        );
    return (
        existing ??
        state.data.insert('MessagingEndUser', {
            Name: platformKey.includes('/AUTH/') ? 'Verified visitor' : 'Guest',
            MessagingPlatformKey: platformKey,
            MessagingChannelId: channelId,
            MessageType: 'EmbeddedMessaging',
            CreatedDate: state.now()
        })
    );
}

/** The developer name of the channel's flow when the channel routes by flow and it is active. */
function activeRoutingFlow(state: OrgState, channel: SObjectRecord): string | null {
    if (channel.SessionHandlerType !== 'Flow' || typeof channel.SessionHandlerId !== 'string')
        return null;
    const definition = state.tooling.get('FlowDefinition', channel.SessionHandlerId);
    if (!definition || !definition.ActiveVersionId) return null;
    return String(definition.DeveloperName);
}

/** Only the flow's input variables are passed (Omni-Channel maps parameters by name). */
function flowInputs(model: FlowModel, inputs: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(inputs)) {
        const variable = model.variables.get(name);
        if (variable?.isInput) out[name] = value;
    }
    return out;
}

function flowRecords(
    state: OrgState,
    session: SObjectRecord,
    customFields: string[]
): Record<string, FlowRecord[]> {
    const pick = (row: SObjectRecord, fields: string[]): FlowRecord => {
        const out: FlowRecord = { Id: row.Id };
        for (const field of fields) {
            const value = row[field];
            out[field] = value === undefined ? null : (value as FlowRecord[string]);
        }
        return out;
    };
    const sessionFields = ['Name', 'Status', 'OwnerId', 'CreatedDate', 'MessagingEndUserId'];
    return {
        Group: state.data.all('Group').map((row) => pick(row, ['DeveloperName', 'Name', 'Type'])),
        OpenCX_Routing_Rule__mdt: state.data
            .all('OpenCX_Routing_Rule__mdt')
            .map((row) =>
                withShippedRuleFields(
                    pick(row, [
                        'DeveloperName',
                        'MasterLabel',
                        'Consumer_Type__c',
                        'Queue_Developer_Name__c',
                        'Active__c'
                    ]),
                    row
                )
            ),
        OpenCX_Setting__mdt: state.data.hasType('OpenCX_Setting__mdt')
            ? state.data.all('OpenCX_Setting__mdt').map((row) => ({ ...(row as FlowRecord) }))
            : customMetadataSObjects('OpenCX_Setting__mdt'),
        // Every session: the flow looks for the visitor's earlier one (continuity).
        MessagingSession: [
            pick(session, [...sessionFields, ...customFields]),
            ...state.data
                .all('MessagingSession')
                .filter((row) => row.Id !== session.Id)
                .map((row) => pick(row, [...sessionFields, ...customFields]))
        ],
        MessagingEndUser: state.data.hasType('MessagingEndUser')
            ? state.data.all('MessagingEndUser').map((row) => pick(row, ['MessagingPlatformKey']))
            : []
    };
}

/**
 * Rule fields the emulator's seed does not keep (Requires_Verified_Identity__c) come from the
 * shipped record of the same name, as a deploy would have set them; a value the test put on the
 * emulator's row wins. A rule that is not shipped gets the field's default (false).
 */
function withShippedRuleFields(picked: FlowRecord, row: SObjectRecord): FlowRecord {
    shippedRules ??= customMetadataSObjects('OpenCX_Routing_Rule__mdt');
    const shipped = shippedRules.find((rule) => rule.DeveloperName === row.DeveloperName);
    const own = row.Requires_Verified_Identity__c;
    picked.Requires_Verified_Identity__c =
        typeof own === 'boolean' ? own : shipped?.Requires_Verified_Identity__c === true;
    return picked;
}

let shippedRules: FlowRecord[] | undefined;

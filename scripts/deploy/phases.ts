// The deploy order, by metadata type. A component's phase follows from its type, so a new file of a
// known type lands in the right phase by itself; a file of a type no phase lists stops the plan
// (and the test that plans force-app) until someone decides where that type belongs.
//   1 references  everything the channel and the routing flow point at (and labels and the cache
//                 partition, which Apex and components use), and the flow itself
//   2 channel     the messaging channel, then the Embedded Service deployment that names it
//   3 console     permission sets, the record page, Apex, LWCs, custom permissions and the
//                 named/external credential (permission sets grant access to classes, custom
//                 permissions and the credential, so they travel with them), list views, and a
//                 flow that calls an Apex action (it needs the class)
import { existsSync, readFileSync } from 'node:fs';
import type { ComponentSet, MetadataComponent } from '@salesforce/source-deploy-retrieve';
import { VERIFIED_ONLY_TYPES, type VisitorVerification } from '../lib/visitor-verification.ts';

export type PhaseId = 'references' | 'channel' | 'console';

export interface PhaseDefinition {
    id: PhaseId;
    title: string;
    types: readonly string[];
}

export const PHASES: readonly PhaseDefinition[] = [
    {
        id: 'references',
        title: 'labels, cache partition, fields, custom metadata, queues, routing and presence, key set, routing flow',
        types: [
            'CustomLabels',
            'PlatformCachePartition',
            'CustomObject',
            'CustomField',
            'CustomMetadata',
            'QueueRoutingConfig',
            'Queue',
            'ServicePresenceStatus',
            'PresenceUserConfig',
            'PublicKeyCertificateSet',
            'Flow'
        ]
    },
    {
        id: 'channel',
        title: 'messaging channel and Embedded Service deployment',
        types: ['MessagingChannel', 'EmbeddedServiceConfig']
    },
    {
        id: 'console',
        title: 'permission sets, custom permissions, record page, Apex, components, credentials',
        types: [
            'ExternalCredential',
            'NamedCredential',
            'ApexClass',
            'LightningComponentBundle',
            'FlexiPage',
            'CustomPermission',
            'PermissionSet',
            // List views read MessagingSession fields (phase 1); nothing points at them.
            'ListView'
        ]
    }
];

export interface PlannedComponent {
    type: string;
    fullName: string;
}

export interface PlannedPhase {
    id: PhaseId;
    title: string;
    components: PlannedComponent[];
}

export class UnplacedTypeError extends Error {
    constructor(readonly types: string[]) {
        super(
            `no deploy phase lists the metadata type${types.length > 1 ? 's' : ''} ${types.join(', ')}: add ${types.length > 1 ? 'them' : 'it'} to PHASES in scripts/deploy/phases.ts`
        );
    }
}

/** The phase a metadata type belongs to, or undefined when none lists it. */
export function phaseOfType(type: string): PhaseDefinition | undefined {
    return PHASES.find((phase) => phase.types.includes(type));
}

/**
 * A flow that calls an Apex action needs the class in the org first: an org refuses it with
 * "<element> (Action) - We can't find an action with the name and action type that you specified."
 * So such a flow goes to the console phase, with the classes (and is activated after it).
 */
export function callsApexAction(component: MetadataComponent): boolean {
    const xmlPath = (component as { xml?: string }).xml;
    if (component.type.name !== 'Flow' || !xmlPath || !existsSync(xmlPath)) return false;
    return /<actionType>\s*apex\s*<\/actionType>/.test(readFileSync(xmlPath, 'utf8'));
}

function phaseOfComponent(component: MetadataComponent): PhaseDefinition | undefined {
    if (callsApexAction(component)) return PHASES.find((phase) => phase.id === 'console');
    return phaseOfType(component.type.name);
}

/** Whether a mode deploys components of this type (open mode has no key set). */
export function isDeployedInMode(type: string, mode: VisitorVerification): boolean {
    return mode === 'verified' || !VERIFIED_ONLY_TYPES.includes(type);
}

/**
 * Splits the project's components into the phases, in order, leaving out the types the mode does
 * not deploy. Throws UnplacedTypeError naming every type no phase lists.
 */
export function planPhases(
    components: Iterable<MetadataComponent>,
    mode: VisitorVerification
): PlannedPhase[] {
    const byPhase = new Map<PhaseId, PlannedComponent[]>(PHASES.map((phase) => [phase.id, []]));
    const unplaced = new Set<string>();
    for (const component of components) {
        const type = component.type.name;
        const phase = phaseOfComponent(component);
        if (!phase) {
            unplaced.add(type);
            continue;
        }
        if (!isDeployedInMode(type, mode)) continue;
        byPhase.get(phase.id)!.push({ type, fullName: component.fullName });
    }
    if (unplaced.size > 0) throw new UnplacedTypeError([...unplaced].sort());
    return PHASES.map((phase) => ({
        id: phase.id,
        title: phase.title,
        components: byPhase
            .get(phase.id)!
            .sort((a, b) => a.type.localeCompare(b.type) || a.fullName.localeCompare(b.fullName))
    }));
}

/** The components of one phase, as a ComponentSet filtered from the whole project's set. */
export function phaseComponentSet(
    project: ComponentSet,
    phase: PlannedPhase,
    createSet: (components: MetadataComponent[]) => ComponentSet
): ComponentSet {
    const wanted = new Set(phase.components.map((item) => `${item.type}:${item.fullName}`));
    const chosen = project
        .getSourceComponents()
        .toArray()
        .filter((component) => wanted.has(`${component.type.name}:${component.fullName}`));
    return createSet(chosen);
}

// Metadata API file-based calls (SOAP): deploy / checkDeployStatus / retrieve / checkRetrieveStatus,
// with zips as base64 (what @salesforce/source-deploy-retrieve sends and expects). A deploy is
// judged and applied when it completes, after `pollsBeforeDone` in-progress answers. It is no kinder
// than a production org:
// - a component that names something neither in the org nor in the same request fails (a channel's
//   flow, fallback queue or key set; a deployment's channel; a queue's routing configuration; a
//   permission set's classes and fields; a record page's component; a routing flow's fields);
// - rollbackOnError (the default): one failure fails the whole request, nothing is saved;
// - flows arrive inactive unless `flowsDeployActive` ("Deploy processes and flows as active");
// - a channel saved while its flow has no active version keeps its custom-parameter mappings
//   empty (they come back from retrieve as an empty <actionParameterMappings/>);
// - an enabled channel authorization may not name a key set created without a key in the same
//   request;
// - a Platform Cache partition may not allocate more than the org's free capacity (platform-cache.ts);
// - Apex tests run with RunLocalTests, and by default whenever the request holds Apex (production).
import JSZip from 'jszip';
import { createXmlParser } from '../../../scripts/lib/xml.ts';
import type { OrgState } from '../state.ts';
import {
    collectTests,
    judgeComponents,
    type DeployComponent,
    type Judgement
} from './metadata-deploy-rules.ts';

export interface DeployBehaviour {
    /** "Deploy processes and flows as active" (off in production by default). */
    flowsDeployActive: boolean;
    /** checkDeployStatus / checkRetrieveStatus answers this many in-progress states first. */
    pollsBeforeDone: number;
    /** `Type:fullName` → the problem the org reports for that component. */
    failComponents: Map<string, string>;
    /** `Class.method` → the message of a failing Apex test. */
    failTests: Map<string, string>;
    /** Every deploy request as received (type and full names per request, check-only flag). */
    requests: { checkOnly: boolean; testLevel: string; components: string[] }[];
}

interface DeployJob {
    id: string;
    checkOnly: boolean;
    testLevel: string;
    components: DeployComponent[];
    polls: number;
    createdDate: string;
    result?: Record<string, unknown>;
}

interface RetrieveJob {
    id: string;
    polls: number;
    types: { name: string; members: string[] }[];
    singlePackage: boolean;
}

interface DeployState {
    behaviour: DeployBehaviour;
    deploys: Map<string, DeployJob>;
    retrieves: Map<string, RetrieveJob>;
    /** `Type:fullName` → { path in a metadata-format zip, XML as the org would return it }. */
    files: Map<string, { path: string; xml: string }>;
    sequence: number;
}

export function deployState(state: OrgState): DeployState {
    return state.extension<DeployState>('metadata-deploy', () => ({
        behaviour: {
            flowsDeployActive: false,
            pollsBeforeDone: 1,
            failComponents: new Map(),
            failTests: new Map(),
            requests: []
        },
        deploys: new Map(),
        retrieves: new Map(),
        files: new Map(),
        sequence: 0
    }));
}

/** How the emulated org deploys (tests change it before a run). */
export function deployBehaviour(state: OrgState): DeployBehaviour {
    return deployState(state).behaviour;
}

/** The XML the org holds for a deployed component (what retrieve returns), if any. */
export function deployedXml(state: OrgState, type: string, fullName: string): string | undefined {
    return deployState(state).files.get(`${type}:${fullName}`)?.xml;
}

const packageParser = createXmlParser({ arrays: ['types', 'members'] });

function toArray<T>(value: T | T[] | undefined): T[] {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
}

function nextId(deploy: DeployState, prefix: string): string {
    deploy.sequence += 1;
    return `${prefix}${String(deploy.sequence).padStart(15 - prefix.length, '0')}`;
}

/** Reads a deploy zip: package.xml and the files it names, by component. */
async function readDeployZip(base64: string): Promise<DeployComponent[]> {
    const zip = await JSZip.loadAsync(base64, { base64: true });
    const prefix = zip.file('package.xml') ? '' : 'unpackaged/';
    const manifest = zip.file(`${prefix}package.xml`);
    if (!manifest) throw new Error('the zip has no package.xml');
    const parsed = packageParser.parse(await manifest.async('string')) as {
        Package?: { types?: { name: string; members?: string[] }[] };
    };
    const files = new Map<string, string>();
    for (const [path, entry] of Object.entries(zip.files)) {
        if (!entry.dir) files.set(path.slice(prefix.length), await entry.async('string'));
    }
    const components: DeployComponent[] = [];
    for (const group of parsed.Package?.types ?? []) {
        for (const member of toArray(group.members)) {
            components.push({ type: group.name, fullName: member, files });
        }
    }
    return components;
}

function deployOption(args: Record<string, unknown>, name: string): string {
    const options = (args.DeployOptions ?? {}) as Record<string, unknown>;
    return String(options[name] ?? '');
}

export async function startDeploy(
    state: OrgState,
    args: Record<string, unknown>
): Promise<Record<string, unknown>> {
    const deploy = deployState(state);
    const components = await readDeployZip(String(args.ZipFile ?? ''));
    const checkOnly = deployOption(args, 'checkOnly') === 'true';
    const testLevel = deployOption(args, 'testLevel');
    const id = nextId(deploy, '0Af');
    deploy.behaviour.requests.push({
        checkOnly,
        testLevel,
        components: components.map((item) => `${item.type}:${item.fullName}`)
    });
    deploy.deploys.set(id, {
        id,
        checkOnly,
        testLevel,
        components,
        polls: 0,
        createdDate: state.now()
    });
    return { done: false, id, state: 'Queued' };
}

function runsTests(job: DeployJob): boolean {
    if (job.testLevel === 'RunLocalTests' || job.testLevel === 'RunAllTestsInOrg') return true;
    if (job.testLevel === 'NoTestRun') return false;
    // Default in production: local tests run when the request holds Apex.
    return job.components.some((item) => item.type === 'ApexClass' || item.type === 'ApexTrigger');
}

function finishDeploy(state: OrgState, job: DeployJob): Record<string, unknown> {
    const deploy = deployState(state);
    const judgement: Judgement = judgeComponents(state, job.components, deploy.behaviour);
    const tests = runsTests(job) ? collectTests(job.components, deploy.behaviour) : undefined;
    const failed = judgement.failures.length > 0 || (tests?.failures.length ?? 0) > 0;
    if (!failed && !job.checkOnly) {
        judgement.commit();
        for (const [key, file] of judgement.files) deploy.files.set(key, file);
    }
    const now = state.now();
    const total = job.components.length;
    return {
        id: job.id,
        checkOnly: job.checkOnly,
        completedDate: now,
        createdDate: job.createdDate,
        details: {
            componentFailures: judgement.failures,
            componentSuccesses: failed ? [] : judgement.successes,
            ...(tests ? { runTestResult: tests.runTestResult } : {})
        },
        done: true,
        ignoreWarnings: false,
        lastModifiedDate: now,
        numberComponentErrors: judgement.failures.length,
        numberComponentsDeployed: failed ? 0 : total,
        numberComponentsTotal: total,
        numberTestErrors: tests?.failures.length ?? 0,
        numberTestsCompleted: tests ? tests.total - tests.failures.length : 0,
        numberTestsTotal: tests?.total ?? 0,
        rollbackOnError: true,
        runTestsEnabled: Boolean(tests),
        startDate: job.createdDate,
        status: failed ? 'Failed' : 'Succeeded',
        success: !failed
    };
}

export function checkDeployStatus(state: OrgState, id: string): Record<string, unknown> | string {
    const job = deployState(state).deploys.get(id);
    if (!job) return `INVALID_ID_FIELD: no deploy request with id ${id}`;
    if (job.result) return job.result;
    job.polls += 1;
    const behaviour = deployState(state).behaviour;
    if (job.polls <= behaviour.pollsBeforeDone) {
        return {
            id,
            checkOnly: job.checkOnly,
            createdDate: job.createdDate,
            done: false,
            numberComponentErrors: 0,
            numberComponentsDeployed: Math.floor(job.components.length / 2),
            numberComponentsTotal: job.components.length,
            numberTestErrors: 0,
            numberTestsCompleted: 0,
            numberTestsTotal: 0,
            status: job.polls === 1 ? 'Pending' : 'InProgress',
            stateDetail: job.polls === 1 ? undefined : 'Processing Type: MessagingChannel',
            success: false
        };
    }
    job.result = finishDeploy(state, job);
    return job.result;
}

export function startRetrieve(
    state: OrgState,
    args: Record<string, unknown>
): Record<string, unknown> {
    const deploy = deployState(state);
    const request = (args.request ?? {}) as Record<string, unknown>;
    const unpackaged = (request.unpackaged ?? {}) as { types?: unknown };
    const types = toArray(unpackaged.types as { name: string; members: string | string[] }[]).map(
        (group) => ({ name: String(group.name), members: toArray(group.members).map(String) })
    );
    const id = nextId(deploy, '09S');
    deploy.retrieves.set(id, {
        id,
        polls: 0,
        types,
        singlePackage: String(request.singlePackage) === 'true'
    });
    return { done: false, id, state: 'Queued' };
}

export async function checkRetrieveStatus(
    state: OrgState,
    id: string
): Promise<Record<string, unknown> | string> {
    const deploy = deployState(state);
    const job = deploy.retrieves.get(id);
    if (!job) return `INVALID_ID_FIELD: no retrieve request with id ${id}`;
    job.polls += 1;
    if (job.polls <= deploy.behaviour.pollsBeforeDone) {
        return { done: false, id, status: 'InProgress', success: false };
    }
    const zip = new JSZip();
    const prefix = job.singlePackage ? '' : 'unpackaged/';
    const fileProperties: Record<string, unknown>[] = [];
    const messages: Record<string, unknown>[] = [];
    const manifestTypes: string[] = [];
    for (const group of job.types) {
        const found: string[] = [];
        for (const member of group.members) {
            const file = deploy.files.get(`${group.name}:${member}`);
            if (!file) {
                messages.push({
                    fileName: `${prefix}package.xml`,
                    problem: `Entity of type '${group.name}' named '${member}' cannot be found`
                });
                continue;
            }
            found.push(member);
            zip.file(`${prefix}${file.path}`, file.xml);
            fileProperties.push({
                fileName: `${prefix}${file.path}`,
                fullName: member,
                type: group.name,
                createdDate: state.now(),
                lastModifiedDate: state.now(),
                id: nextId(deploy, '0Mj'),
                createdById: '005000000000001',
                createdByName: 'Org Admin',
                lastModifiedById: '005000000000001',
                lastModifiedByName: 'Org Admin'
            });
        }
        const members = found.map((member) => `<members>${member}</members>`).join('');
        if (found.length) manifestTypes.push(`<types>${members}<name>${group.name}</name></types>`);
    }
    zip.file(
        `${prefix}package.xml`,
        `<?xml version="1.0" encoding="UTF-8"?><Package xmlns="http://soap.sforce.com/2006/04/metadata">${manifestTypes.join('')}<version>66.0</version></Package>`
    );
    const zipFile = await zip.generateAsync({ type: 'base64' });
    return {
        done: true,
        fileProperties,
        id,
        messages,
        status: 'Succeeded',
        success: true,
        zipFile
    };
}

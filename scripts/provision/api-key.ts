// Step 3, the OpenCX API key: stored as the secret authentication parameter of the External
// Credential's named principal, through the Connect API (/named-credentials/credential: GET reads
// which parameters are set, never their values; POST creates, PUT replaces). The key comes from
// OPENCX_API_KEY or a hidden prompt and goes nowhere else: not in output, logs or --json.
import type { Connection } from 'jsforce';
import { expectAnswer, isObject } from '../lib/answer.ts';
import type { ProjectNames } from '../lib/project.ts';
import { PlanError, type ProvisionContext, type Step } from './context.ts';

interface CredentialView {
    authenticationProtocol: string;
    authenticationStatus?: string;
    credentials?: Record<string, { encrypted?: boolean; value?: unknown }>;
}

export type ApiKeyState = 'set' | 'not-set' | 'principal-missing';

function credentialPath(project: ProjectNames): string {
    const { name, principal } = project.externalCredential;
    const query = new URLSearchParams({
        externalCredential: name,
        principalName: principal,
        principalType: 'NamedPrincipal'
    });
    return `/named-credentials/credential?${query.toString()}`;
}

/** Whether the principal's secret parameter holds a value (the value itself is never readable). */
export async function readApiKeyState(
    conn: Connection,
    project: ProjectNames
): Promise<ApiKeyState> {
    let answer: unknown;
    try {
        answer = await conn.request(credentialPath(project));
    } catch (error) {
        if ((error as { errorCode?: string }).errorCode === 'NOT_FOUND') return 'principal-missing';
        throw error;
    }
    // A garbage answer must not read as "not set": that would POST a second key over the first.
    const view = expectAnswer<CredentialView>(
        answer,
        (body) =>
            isObject(body) &&
            typeof body.authenticationProtocol === 'string' &&
            (body.credentials === undefined || isObject(body.credentials)),
        `the API key state of External Credential ${project.externalCredential.name}`
    );
    return view.credentials && project.externalCredential.parameter in view.credentials
        ? 'set'
        : 'not-set';
}

const RACED_SUMMARY =
    'another run stored an API key at the same time; it was kept (--update-api-key replaces it)';

export const apiKeyStep: Step = {
    id: 'api-key',
    title: 'OpenCX API key',
    plan: async ({ conn, project, options, redactor }: ProvisionContext) => {
        const { name, principal, parameter } = project.externalCredential;
        const where = `External Credential ${name}, principal ${principal}, parameter ${parameter}`;
        const state = await readApiKeyState(conn, project);
        if (state === 'principal-missing') {
            throw new PlanError(
                `External Credential ${name} with principal ${principal} is not in the org: deploy the project first (npm run deploy -- --target-org <alias>)`,
                1
            );
        }
        if (state === 'set' && !options.updateApiKey) {
            return {
                changes: [],
                unchangedSummary: `already set in ${where} (--update-api-key replaces it)`,
                apply: () => Promise.reject(new Error('nothing to apply'))
            };
        }
        // Read the key before any write, so a missing key stops the run with nothing half done.
        const apiKey = options.dryRun ? undefined : (await options.readApiKey()).trim();
        if (apiKey !== undefined && apiKey === '') {
            throw new PlanError('the OpenCX API key is empty');
        }
        redactor.add(apiKey);
        const method = state === 'set' ? 'PUT' : 'POST';
        return {
            changes: [
                {
                    action: state === 'set' ? 'update' : 'create',
                    description: `store the OpenCX API key in ${where}`
                }
            ],
            unchangedSummary: '',
            apply: async () => {
                // Re-read: another run (or an admin in Setup) may have stored a key since the plan.
                if (method === 'POST' && (await readApiKeyState(conn, project)) === 'set') {
                    return { outcome: 'unchanged', summary: RACED_SUMMARY };
                }
                try {
                    await conn.request({
                        method,
                        url: '/named-credentials/credential',
                        body: JSON.stringify({
                            externalCredential: name,
                            authenticationProtocol: 'Custom',
                            principalName: principal,
                            principalType: 'NamedPrincipal',
                            credentials: { [parameter]: { value: apiKey ?? '', encrypted: true } }
                        }),
                        headers: { 'content-type': 'application/json' }
                    });
                } catch (error) {
                    const code = (error as { errorCode?: string }).errorCode;
                    if (method === 'POST' && code === 'DUPLICATE_VALUE') {
                        return { outcome: 'unchanged', summary: RACED_SUMMARY };
                    }
                    throw error;
                }
                return {
                    outcome: state === 'set' ? 'updated' : 'created',
                    summary: `stored in ${where}`
                };
            }
        };
    }
};

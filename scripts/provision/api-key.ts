// Step 3, the OpenCX API key: stored as the secret authentication parameter of the External
// Credential's named principal, through the Connect API (/named-credentials/credential: GET reads
// which parameters are set, never their values; POST creates, PUT replaces). The key comes from
// OPENCX_API_KEY or a hidden prompt and goes nowhere else: not in output, logs or --json.
import type { Connection } from 'jsforce';
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
    try {
        const view = await conn.request<CredentialView>(credentialPath(project));
        return view.credentials && project.externalCredential.parameter in view.credentials
            ? 'set'
            : 'not-set';
    } catch (error) {
        if ((error as { errorCode?: string }).errorCode === 'NOT_FOUND') return 'principal-missing';
        throw error;
    }
}

export const apiKeyStep: Step = {
    id: 'api-key',
    title: 'OpenCX API key',
    plan: async ({ conn, project, options }: ProvisionContext) => {
        const { name, principal, parameter } = project.externalCredential;
        const where = `External Credential ${name}, principal ${principal}, parameter ${parameter}`;
        const state = await readApiKeyState(conn, project);
        if (state === 'principal-missing') {
            throw new PlanError(
                `External Credential ${name} with principal ${principal} is not in the org: deploy the project first (sf project deploy start)`,
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
        const apiKey = options.dryRun ? undefined : await options.readApiKey();
        if (apiKey !== undefined && apiKey.trim() === '') {
            throw new PlanError('the OpenCX API key is empty');
        }
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
                await conn.request({
                    method,
                    url: '/named-credentials/credential',
                    body: JSON.stringify({
                        externalCredential: name,
                        authenticationProtocol: 'Custom',
                        principalName: principal,
                        principalType: 'NamedPrincipal',
                        credentials: { [parameter]: { value: apiKey!.trim(), encrypted: true } }
                    }),
                    headers: { 'content-type': 'application/json' }
                });
                return {
                    outcome: state === 'set' ? 'updated' : 'created',
                    summary: `stored in ${where}`
                };
            }
        };
    }
};

// Setup-side routes provisioning needs besides plain records: flow activation through the Tooling
// FlowDefinition's Metadata field, the Connect API's External Credential principal credentials
// (/named-credentials/credential) and Embedded Service deployment publish. Register before
// restRoutes: the first matching route wins.
import { restError, type EmulatorModule } from '../server.ts';
import { RecordError, type StoredCredential } from '../state.ts';

/** The first API version that serves the deployment publish resource (it 404s below). */
export const PUBLISH_MIN_VERSION = 67;

export const setupRoutes: EmulatorModule = (emulator) => {
    const { state } = emulator;

    // Tooling: PATCH FlowDefinition {Metadata: {activeVersionNumber: n}} activates version n (0 deactivates).
    emulator.route(
        'PATCH',
        '/services/data/:version/tooling/sobjects/FlowDefinition/:id',
        (req) => {
            const definition = state.tooling.get('FlowDefinition', req.params.id);
            if (!definition)
                return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
            const body = req.body as { Metadata?: { activeVersionNumber?: number } };
            const number = body?.Metadata?.activeVersionNumber;
            if (typeof number !== 'number') {
                throw new RecordError('INVALID_FIELD', 'Metadata.activeVersionNumber is required');
            }
            const versions = state.tooling
                .all('Flow')
                .filter((flow) => flow.DefinitionId === definition.Id);
            const target = versions.find((flow) => flow.VersionNumber === number);
            if (number !== 0 && !target) {
                throw new RecordError(
                    'FIELD_INTEGRITY_EXCEPTION',
                    `flow version ${number} does not exist`
                );
            }
            for (const flow of versions) {
                const status =
                    flow === target
                        ? 'Active'
                        : flow.Status === 'Active'
                          ? 'Obsolete'
                          : flow.Status;
                state.tooling.update('Flow', flow.Id, { Status: status });
            }
            state.tooling.update('FlowDefinition', definition.Id, {
                ActiveVersionId: target?.Id ?? null
            });
            return { status: 204 };
        },
        { isWrite: true }
    );

    // Connect: the credentials of an External Credential principal.
    const principalKey = (externalCredential: string, principalName: string) =>
        `${externalCredential}/${principalName}`;
    const view = (credential: StoredCredential) => ({
        authenticationProtocol: credential.authenticationProtocol,
        authenticationStatus: Object.keys(credential.credentials).length
            ? 'Configured'
            : 'NotConfigured',
        credentials: Object.fromEntries(
            Object.entries(credential.credentials).map(([name, item]) => [
                name,
                // Encrypted values never come back from the API.
                { encrypted: item.encrypted, value: item.encrypted ? null : item.value }
            ])
        ),
        externalCredential: credential.externalCredential,
        principalName: credential.principalName,
        principalType: credential.principalType
    });
    const notFound = () =>
        restError(404, 'NOT_FOUND', 'The external credential or principal does not exist.');

    emulator.route('GET', '/services/data/:version/named-credentials/credential', (req) => {
        const credential = state.credentials.get(
            principalKey(
                req.query.get('externalCredential') ?? '',
                req.query.get('principalName') ?? ''
            )
        );
        if (!credential || credential.principalType !== req.query.get('principalType'))
            return notFound();
        return { status: 200, body: view(credential) };
    });
    for (const method of ['POST', 'PUT'] as const) {
        emulator.route(
            method,
            '/services/data/:version/named-credentials/credential',
            (req) => {
                const body = req.body as Partial<StoredCredential> & {
                    credentials?: Record<string, { value?: unknown; encrypted?: boolean }>;
                };
                const credential = state.credentials.get(
                    principalKey(body?.externalCredential ?? '', body?.principalName ?? '')
                );
                if (!credential || credential.principalType !== body.principalType)
                    return notFound();
                if (body.authenticationProtocol !== credential.authenticationProtocol) {
                    throw new RecordError(
                        'INVALID_INPUT',
                        `authenticationProtocol must be ${credential.authenticationProtocol}`
                    );
                }
                const hasValues = Object.keys(credential.credentials).length > 0;
                if (method === 'POST' && hasValues) {
                    throw new RecordError(
                        'DUPLICATE_VALUE',
                        'Credentials already exist for this principal; use PUT to update them.'
                    );
                }
                if (method === 'PUT' && !hasValues) {
                    throw new RecordError(
                        'NOT_FOUND',
                        'No credentials exist for this principal; use POST to create them.'
                    );
                }
                for (const [name, item] of Object.entries(body.credentials ?? {})) {
                    if (typeof item?.value !== 'string' || item.value === '') {
                        throw new RecordError('INVALID_INPUT', `credential ${name} needs a value`);
                    }
                    credential.credentials[name] = {
                        value: item.value,
                        encrypted: Boolean(item.encrypted)
                    };
                }
                return { status: method === 'POST' ? 201 : 200, body: view(credential) };
            },
            { isWrite: true }
        );
    }

    // Connect: publish an Embedded Service deployment (idempotent; no readable published flag).
    emulator.route(
        'POST',
        '/services/data/:version/connect/embeddedservice/embeddedserviceconfig/publish/:id',
        (req) => {
            if (Number(req.params.version.slice(1)) < PUBLISH_MIN_VERSION) {
                return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
            }
            const deployment = state.tooling.get('EmbeddedServiceConfig', req.params.id);
            if (!deployment)
                return restError(404, 'NOT_FOUND', 'The requested resource does not exist');
            state.publishedDeployments.set(
                deployment.Id,
                (state.publishedDeployments.get(deployment.Id) ?? 0) + 1
            );
            return { status: 201, body: { isSuccess: true } };
        },
        { isWrite: true }
    );
};

// Shared setup of the handoff tests: an emulator with the MIAW routes on an org that provisioning
// has finished (channel active, flow active, deployment published, a user-verification key in the
// keyset), and a way to run `npm run handoff:test` in-process against it.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import { startEmulator, type Emulator } from '../emulator/index.ts';
import { miawRoutes, type MiawOptions } from '../emulator/miaw.ts';
import { runHandoffCommand, type CommandOutcome } from '../../scripts/handoff/command.ts';

export const KID = 'opencx-test-key-1';
export const ISSUER = 'opencx-handoff';

export interface HandoffFixture {
    emulator: Emulator;
    keyPath: string;
    otherKeyPath: string;
    dir: string;
    /** Runs the command in-process; returns its exit code, stdout and stderr. */
    run(argv: string[], options?: { stopAfterReplies?: number }): Promise<CommandRun>;
    /** The flags that point the command at the emulator. */
    baseArgs(): string[];
    stop(): Promise<void>;
}

export interface CommandRun extends CommandOutcome {
    stdout: string;
    stderr: string;
}

function writeKey(dir: string, name: string): { path: string; publicKey: KeyObject } {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const path = join(dir, name);
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    return { path, publicKey };
}

/** Brings the seeded org to "provisioned": what `npm run provision` leaves behind. */
export async function finishProvisioning(emulator: Emulator, publicKey: KeyObject): Promise<void> {
    const { state } = emulator;
    const channel = state.data.all('MessagingChannel')[0];
    state.data.update('MessagingChannel', channel.Id, { IsActive: true });
    const definition = state.tooling.all('FlowDefinition')[0];
    const version = state.tooling.all('Flow').find((flow) => flow.DefinitionId === definition.Id)!;
    state.tooling.update('Flow', version.Id, { Status: 'Active' });
    state.tooling.update('FlowDefinition', definition.Id, { ActiveVersionId: version.Id });
    const deployment = state.tooling.all('EmbeddedServiceConfig')[0];
    state.publishedDeployments.set(deployment.Id, 1);
    const jwk = { ...(await exportJWK(publicKey)), kid: KID, alg: 'RS256', use: 'sig' };
    state.metadataOfType('PublicKeyCertificate').set('OpenCX_Identity_Key_1', {
        fullName: 'OpenCX_Identity_Key_1',
        masterLabel: 'OpenCX Identity Key 1',
        jsonWebKey: JSON.stringify(jwk)
    });
    const keyset = state.metadataOfType('PublicKeyCertificateSet').get('OpenCX_Identity_Keys')!;
    keyset.publicKeyCertificateSetKeys = [{ publicKeyCertificate: 'OpenCX_Identity_Key_1' }];
}

export async function startHandoffFixture(options: MiawOptions = {}): Promise<HandoffFixture> {
    const emulator = await startEmulator({ modules: [miawRoutes(options)] });
    const dir = mkdtempSync(join(tmpdir(), 'handoff-test-'));
    const key = writeKey(dir, 'identity.pem');
    const other = writeKey(dir, 'other.pem');
    await finishProvisioning(emulator, key.publicKey);
    const fixture: HandoffFixture = {
        emulator,
        keyPath: key.path,
        otherKeyPath: other.path,
        dir,
        baseArgs: () => [
            '--instance-url',
            emulator.url,
            '--messaging-host',
            emulator.url,
            '--verify-timeout',
            '2'
        ],
        async run(argv, runOptions = {}) {
            let stdout = '';
            let stderr = '';
            const outcome = await runHandoffCommand(argv, {
                stdout: (text) => (stdout += text),
                stderr: (text) => (stderr += text),
                env: { SF_ACCESS_TOKEN: emulator.state.accessToken },
                stopAfterReplies: runOptions.stopAfterReplies
            });
            return { ...outcome, stdout, stderr };
        },
        stop: () => emulator.stop()
    };
    return fixture;
}

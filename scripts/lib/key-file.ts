// The private key file on disk. Provisioning writes only a regular file of its own: never through a
// symbolic link, never over a file that is not an RSA private key, and always atomically (a
// temporary file in the same folder with mode 0600, fsync, rename), so a kill or a full disk leaves
// either the old file or the new one, never a 0-byte key that blocks every rerun.
import { existsSync, lstatSync, readFileSync, readlinkSync, renameSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { syncFolder } from './atomic-file.ts';
import { CliError, EXIT } from './cli.ts';
import { keyId, readPrivateKey } from './identity-key.ts';

/** A PEM RSA key is a few kilobytes; anything far larger is not one. */
const MAX_KEY_BYTES = 64 * 1024;

export type KeyFileState =
    | { kind: 'missing' }
    /** A 0-byte file (an interrupted write by an older version): nothing to lose, replaced. */
    | { kind: 'empty' }
    | { kind: 'key'; kid: string; pem: string };

const MOVE_IT =
    'move it away, or set identity.privateKeyPath in opencx.config.json to another file';

function refuse(message: string, fix: string): CliError {
    return new CliError('KEY_FILE', message, { fix, exitCode: EXIT.usage });
}

function lstatOrUndefined(path: string): Stats | undefined {
    try {
        return lstatSync(path);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
    }
}

/** What is at `path`; throws a KEY_FILE CliError (exit 2) for anything provisioning must not touch. */
export function inspectKeyFile(path: string): KeyFileState {
    const stats = lstatOrUndefined(path);
    if (!stats) return { kind: 'missing' };
    if (stats.isSymbolicLink()) {
        const target = readlinkSync(path);
        const dangling = !existsSync(path); // existsSync follows the link
        throw refuse(
            `${path} is a symbolic link (to ${target}${dangling ? ', which does not exist' : ''}): provisioning reads and writes only a regular file of its own`,
            'set identity.privateKeyPath to the real file, or remove the link'
        );
    }
    if (!stats.isFile()) {
        throw refuse(`${path} is not a regular file (a folder or a device?)`, MOVE_IT);
    }
    if (stats.size === 0) return { kind: 'empty' };
    if (stats.size > MAX_KEY_BYTES) {
        throw refuse(
            `${path} is not a private key (${stats.size} bytes); it is left as is`,
            MOVE_IT
        );
    }
    const pem = readFileSync(path, 'utf8');
    try {
        return { kind: 'key', kid: keyId(readPrivateKey(pem)), pem };
    } catch (error) {
        throw refuse(`${path} ${(error as Error).message}; it is left as is`, MOVE_IT);
    }
}

/** A key made by --rotate-key waits here until the org has it; then it replaces the working key. */
export function pendingKeyPath(path: string): string {
    return `${path}.pending`;
}

/** Replaces the working key with the pending one (one rename: atomic). */
export function promotePendingKey(path: string): void {
    renameSync(pendingKeyPath(path), path);
    syncFolder(dirname(path));
}

// A file write that matters is atomic: a temporary file in the same folder (mode 0600), fsync,
// rename over the target, fsync the folder. A kill or a full disk leaves the old file or the new
// one, never a truncated mix.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `content` to `path` atomically with mode 0600 (the folder is made with mode 0700). */
export function writeFileAtomic(path: string, content: string): void {
    const folder = dirname(path);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    let descriptor: number | undefined;
    try {
        descriptor = openSync(temporary, 'wx', 0o600);
        writeSync(descriptor, content);
        fsyncSync(descriptor);
        closeSync(descriptor);
        descriptor = undefined;
        renameSync(temporary, path);
    } catch (error) {
        if (descriptor !== undefined) closeSync(descriptor);
        rmSync(temporary, { force: true });
        throw error;
    }
    syncFolder(folder);
}

/** Makes the rename itself durable (best effort: not every file system allows it). */
export function syncFolder(folder: string): void {
    try {
        const descriptor = openSync(folder, 'r');
        try {
            fsyncSync(descriptor);
        } finally {
            closeSync(descriptor);
        }
    } catch {
        // Windows and some network file systems cannot open a folder; the rename is still atomic.
    }
}

// The provisioning config file (opencx.config.json, see opencx.config.example.json): which users are
// reps (and in which queues), which are admins, and the identity-key settings. Every problem is
// reported at once, with the JSON path, before anything is read from or written to the org.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ProjectNames } from '../lib/project.ts';

export interface RepConfig {
    username: string;
    /** Queue developer names; default: every queue of the project. */
    queues: string[];
}

export interface ProvisionConfig {
    /** Absolute path of the file, or undefined when none was used (--check without a config). */
    path: string | undefined;
    reps: RepConfig[];
    admins: string[];
    identity: {
        /** JWT issuer OpenCX puts in identity tokens; default: the key set's jwtIssuer in force-app. */
        issuer: string | undefined;
        /** Absolute path of the private key file; undefined: .opencx/<org id>/identity-key.pem. */
        privateKeyPath: string | undefined;
    };
}

export class ConfigError extends Error {
    constructor(
        readonly file: string,
        readonly problems: string[]
    ) {
        super(
            `${file}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`
        );
    }
}

const USERNAME = /^[^\s@]+@[^\s@]+$/;

/**
 * Where JSON text first goes wrong, as an offset (Node 20's JSON.parse does not say). A small
 * recursive-descent walk over the grammar; it only locates, JSON.parse still does the parsing.
 */
export function jsonErrorOffset(text: string): number {
    let index = 0;
    const fail = (): never => {
        throw index;
    };
    const space = () => {
        while (/\s/.test(text[index] ?? '')) index += 1;
    };
    const literal = (word: string) => {
        if (text.startsWith(word, index)) index += word.length;
        else fail();
    };
    const string = () => {
        index += 1;
        while (index < text.length && text[index] !== '"') {
            if (text[index] === '\\') index += 1;
            else if (text[index] < ' ') fail();
            index += 1;
        }
        if (text[index] !== '"') fail();
        index += 1;
    };
    const value = (): void => {
        space();
        const char = text[index];
        if (char === '{') {
            index += 1;
            space();
            if (text[index] === '}') {
                index += 1;
                return;
            }
            for (;;) {
                space();
                if (text[index] !== '"') fail();
                string();
                space();
                if (text[index] !== ':') fail();
                index += 1;
                value();
                space();
                if (text[index] === ',') index += 1;
                else if (text[index] === '}') {
                    index += 1;
                    return;
                } else fail();
            }
        }
        if (char === '[') {
            index += 1;
            space();
            if (text[index] === ']') {
                index += 1;
                return;
            }
            for (;;) {
                value();
                space();
                if (text[index] === ',') index += 1;
                else if (text[index] === ']') {
                    index += 1;
                    return;
                } else fail();
            }
        }
        if (char === '"') return string();
        if (char === 't') return literal('true');
        if (char === 'f') return literal('false');
        if (char === 'n') return literal('null');
        const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index));
        if (!number) fail();
        index += number![0].length;
    };
    try {
        value();
        space();
        if (index < text.length) fail();
        return -1;
    } catch (offset) {
        return offset as number;
    }
}

function describeJsonError(text: string, error: SyntaxError): string {
    const offset = jsonErrorOffset(text);
    const reason = error.message.split(/[,:]/)[0];
    if (offset < 0) return reason;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    const found = offset < text.length ? `"${text[offset]}"` : 'end of file';
    return `${reason === 'Unexpected token' ? `unexpected ${found}` : reason} at line ${line}, column ${column}`;
}

/** Reads and checks the config; throws ConfigError listing every problem. */
export function loadConfig(path: string, project: ProjectNames): ProvisionConfig {
    const file = resolve(path);
    if (!existsSync(file)) {
        throw new ConfigError(path, [
            'file not found: copy opencx.config.example.json to opencx.config.json and list your reps'
        ]);
    }
    const text = readFileSync(file, 'utf8');
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (error) {
        throw new ConfigError(path, [
            `not valid JSON: ${describeJsonError(text, error as SyntaxError)}`
        ]);
    }
    return { ...parseConfig(raw, path, dirname(file), project), path: file };
}

export function parseConfig(
    raw: unknown,
    label: string,
    baseDir: string,
    project: ProjectNames
): ProvisionConfig {
    const problems: string[] = [];
    const isObject = (value: unknown): value is Record<string, unknown> =>
        typeof value === 'object' && value !== null && !Array.isArray(value);
    const unknownKeys = (value: Record<string, unknown>, allowed: string[], where: string) => {
        for (const key of Object.keys(value)) {
            if (!allowed.includes(key) && key !== '$comment') {
                problems.push(`${where}${key}: unknown field (allowed: ${allowed.join(', ')})`);
            }
        }
    };
    if (!isObject(raw)) throw new ConfigError(label, ['must be a JSON object with "reps"']);
    unknownKeys(raw, ['reps', 'admins', 'identity'], '');

    const reps: RepConfig[] = [];
    if (!Array.isArray(raw.reps)) {
        problems.push('reps: missing field (a list of { "username": ..., "queues": [...] })');
    } else {
        const seen = new Set<string>();
        raw.reps.forEach((entry, index) => {
            const where = `reps[${index}]`;
            if (!isObject(entry)) {
                problems.push(`${where}: must be an object with "username"`);
                return;
            }
            unknownKeys(entry, ['username', 'queues'], `${where}.`);
            const username = entry.username;
            if (typeof username !== 'string' || username.trim() === '') {
                problems.push(`${where}.username: missing field`);
                return;
            }
            if (!USERNAME.test(username.trim())) {
                problems.push(
                    `${where}.username: "${username}" is not a Salesforce username (name@domain)`
                );
            }
            const key = username.trim().toLowerCase();
            if (seen.has(key)) problems.push(`${where}.username: "${username}" is listed twice`);
            seen.add(key);
            let queues = project.queues;
            if (entry.queues !== undefined) {
                if (!Array.isArray(entry.queues) || entry.queues.length === 0) {
                    problems.push(`${where}.queues: must be a non-empty list of queue names`);
                } else {
                    queues = [];
                    entry.queues.forEach((queue, queueIndex) => {
                        if (typeof queue !== 'string' || !project.queues.includes(queue)) {
                            problems.push(
                                `${where}.queues[${queueIndex}]: "${String(queue)}" is not a queue of this project (${project.queues.join(', ')})`
                            );
                        } else if (!queues.includes(queue)) {
                            queues.push(queue);
                        }
                    });
                }
            }
            reps.push({ username: username.trim(), queues });
        });
    }

    const admins: string[] = [];
    if (raw.admins !== undefined) {
        if (!Array.isArray(raw.admins)) {
            problems.push('admins: must be a list of usernames');
        } else {
            raw.admins.forEach((admin, index) => {
                if (typeof admin !== 'string' || !USERNAME.test(admin.trim())) {
                    problems.push(
                        `admins[${index}]: "${String(admin)}" is not a Salesforce username`
                    );
                } else {
                    admins.push(admin.trim());
                }
            });
        }
    }

    let issuer: string | undefined;
    let privateKeyPath: string | undefined;
    if (raw.identity !== undefined) {
        if (!isObject(raw.identity)) {
            problems.push('identity: must be an object');
        } else {
            unknownKeys(raw.identity, ['issuer', 'privateKeyPath'], 'identity.');
            if (raw.identity.issuer !== undefined) {
                if (typeof raw.identity.issuer !== 'string' || raw.identity.issuer.trim() === '') {
                    problems.push('identity.issuer: must be a non-empty string');
                } else {
                    issuer = raw.identity.issuer.trim();
                }
            }
            if (raw.identity.privateKeyPath !== undefined) {
                if (
                    typeof raw.identity.privateKeyPath !== 'string' ||
                    raw.identity.privateKeyPath === ''
                ) {
                    problems.push('identity.privateKeyPath: must be a file path');
                } else {
                    const keyPath = raw.identity.privateKeyPath;
                    privateKeyPath = isAbsolute(keyPath) ? keyPath : resolve(baseDir, keyPath);
                }
            }
        }
    }
    if (problems.length > 0) throw new ConfigError(label, problems);
    return { path: undefined, reps, admins, identity: { issuer, privateKeyPath } };
}

/** The config used when --check runs without a config file: no reps of its own to check. */
export function emptyConfig(): ProvisionConfig {
    return {
        path: undefined,
        reps: [],
        admins: [],
        identity: { issuer: undefined, privateKeyPath: undefined }
    };
}

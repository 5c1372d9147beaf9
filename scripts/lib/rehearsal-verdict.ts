// The last handoff rehearsal's verdict on visitor verification, kept per org in
// .opencx/<org id>/last-rehearsal.json: `npm run handoff:test` writes it, the provisioning doctor
// (`npm run provision -- --check`) shows it. Written atomically (temporary file in the same folder,
// then rename), so a reader never sees half a file.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isVisitorVerification, type VisitorVerification } from './visitor-verification.ts';

/**
 * OpencxChannel the rehearsal sends unless --channel says otherwise: its conversations are then
 * told apart from real visitors' (the doctor's routing summary leaves them out).
 */
export const REHEARSAL_CHANNEL = 'rehearsal';

/** What the token's subject says Salesforce made of the visitor. */
export type SubjectKind = 'AUTH' | 'UNAUTH' | 'ANON';

export interface RehearsedVisitor {
    kind: 'anonymous' | 'verified';
    /** The token endpoint path called. */
    endpoint: string;
    /** HTTP status (null: no answer). */
    status: number | null;
    subjectKind: SubjectKind | null;
    /** The visitor got a token it can hand off with, as the mode needs. */
    ok: boolean;
}

export interface LastRehearsal {
    /** ISO time of the rehearsal. */
    at: string;
    /** The mode the rehearsal ran with (opencx.config.json or --visitor-verification). */
    mode: VisitorVerification;
    visitors: RehearsedVisitor[];
    /** The one-line verdict: the mode this org and OpenCX need. */
    verdict: string;
    /** The exact change when the current mode is wrong; null when none is needed. */
    fix: string | null;
    /** The mode the evidence points to. */
    needed: VisitorVerification | 'undetermined';
}

export function lastRehearsalPath(stateDir: string, orgId: string): string {
    return join(stateDir, orgId, 'last-rehearsal.json');
}

/** Writes the verdict atomically; returns its path. */
export function writeLastRehearsal(stateDir: string, orgId: string, record: LastRehearsal): string {
    const path = lastRehearsalPath(stateDir, orgId);
    mkdirSync(join(stateDir, orgId), { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
    return path;
}

/** The last verdict, null when there is none, or a reason when the file cannot be used. */
export function readLastRehearsal(
    stateDir: string,
    orgId: string
): { record: LastRehearsal } | { record: null; problem?: string } {
    let raw: string;
    try {
        raw = readFileSync(lastRehearsalPath(stateDir, orgId), 'utf8');
    } catch {
        return { record: null };
    }
    try {
        const parsed = JSON.parse(raw) as Partial<LastRehearsal>;
        if (
            typeof parsed.at !== 'string' ||
            !isVisitorVerification(parsed.mode) ||
            typeof parsed.verdict !== 'string' ||
            !Array.isArray(parsed.visitors)
        ) {
            return { record: null, problem: 'last-rehearsal.json is not a rehearsal verdict' };
        }
        return { record: parsed as LastRehearsal };
    } catch {
        return { record: null, problem: 'last-rehearsal.json is not valid JSON' };
    }
}

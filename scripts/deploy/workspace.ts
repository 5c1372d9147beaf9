// A temporary copy of the project to deploy from: force-app, sfdx-project.json and .forceignore,
// with the messaging channel rewritten for the visitor-verification mode. The repository's files
// are never changed. Call cleanup() when done (also after a failure).
import {
    cpSync,
    existsSync,
    mkdtempSync,
    readFileSync,
    renameSync,
    rmSync,
    writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ComponentSet } from '@salesforce/source-deploy-retrieve';
import { channelXmlForMode, type VisitorVerification } from '../lib/visitor-verification.ts';

export interface Workspace {
    root: string;
    /** The whole project's components (already filtered by .forceignore). */
    components: ComponentSet;
    sourceApiVersion: string;
    /** The channel XML as deployed, by channel name (what the retrieve check compares with). */
    channels: Map<string, string>;
    /** Flows whose source says Active: they must be active once deployed. */
    activeFlows: string[];
    cleanup: () => void;
}

const PROJECT_FILES = ['sfdx-project.json', '.forceignore'];

function writeAtomically(path: string, text: string): void {
    const temporary = `${path}.tmp-${process.pid}`;
    writeFileSync(temporary, text);
    renameSync(temporary, path);
}

function packageDirectories(projectRoot: string): { paths: string[]; apiVersion: string } {
    const project = JSON.parse(readFileSync(join(projectRoot, 'sfdx-project.json'), 'utf8')) as {
        packageDirectories?: { path: string }[];
        sourceApiVersion?: string;
    };
    return {
        paths: (project.packageDirectories ?? []).map((entry) => entry.path),
        apiVersion: project.sourceApiVersion ?? '66.0'
    };
}

/** Rewrites each channel file of the copy for the mode (the set reads files only when deploying). */
function rewriteChannels(components: ComponentSet, mode: VisitorVerification): Map<string, string> {
    const channels = new Map<string, string>();
    for (const component of components.getSourceComponents().toArray()) {
        if (component.type.name !== 'MessagingChannel' || !component.xml) continue;
        const xml = channelXmlForMode(readFileSync(component.xml, 'utf8'), mode);
        writeAtomically(component.xml, xml);
        channels.set(component.fullName, xml);
    }
    return channels;
}

/** Copies the project to a temporary folder and prepares it for the mode. */
export function prepareWorkspace(projectRoot: string, mode: VisitorVerification): Workspace {
    const root = mkdtempSync(join(tmpdir(), 'opencx-deploy-'));
    const cleanup = () => rmSync(root, { recursive: true, force: true });
    try {
        const { paths, apiVersion } = packageDirectories(projectRoot);
        for (const name of PROJECT_FILES) {
            if (existsSync(join(projectRoot, name)))
                cpSync(join(projectRoot, name), join(root, name));
        }
        for (const path of paths)
            cpSync(join(projectRoot, path), join(root, path), { recursive: true });
        const components = ComponentSet.fromSource({
            fsPaths: paths.map((path) => join(root, path))
        });
        const channels = rewriteChannels(components, mode);
        components.sourceApiVersion = apiVersion;
        components.apiVersion = apiVersion;
        const activeFlows = components
            .getSourceComponents()
            .toArray()
            .filter((component) => component.type.name === 'Flow' && component.xml)
            .filter((component) =>
                /<status>\s*Active\s*<\/status>/.test(readFileSync(component.xml!, 'utf8'))
            )
            .map((component) => component.fullName);
        return { root, components, sourceApiVersion: apiVersion, channels, activeFlows, cleanup };
    } catch (error) {
        cleanup();
        throw error;
    }
}

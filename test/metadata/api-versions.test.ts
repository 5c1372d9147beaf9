// One API version for the whole project: sfdx-project.json's sourceApiVersion (what the CLI
// deploys with) and the <apiVersion> of every component that declares one (classes, flows, LWC
// bundles). A component left on an older version compiles and runs with that version's rules.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
    listMetadataFiles,
    parseMetadataFile,
    PROJECT_ROOT,
    projectPath,
    text
} from '../../testkit/metadata/index.ts';

/** Components whose declared apiVersion differs from the project's, as "path: version". */
export function apiVersionMismatches(
    sourceApiVersion: string,
    components: { path: string; apiVersion: string | undefined }[]
): string[] {
    return components
        .filter(
            (c) => c.apiVersion !== undefined && Number(c.apiVersion) !== Number(sourceApiVersion)
        )
        .map((c) => `${c.path}: ${c.apiVersion} (project ${sourceApiVersion})`);
}

function declaredVersions(): { path: string; apiVersion: string | undefined }[] {
    return listMetadataFiles(join(PROJECT_ROOT, 'force-app'))
        .filter((path) => path.endsWith('-meta.xml'))
        .map((path) => ({
            path: projectPath(path),
            apiVersion: text(parseMetadataFile(path).root, 'apiVersion')
        }));
}

describe('API versions', () => {
    const project = JSON.parse(readFileSync(join(PROJECT_ROOT, 'sfdx-project.json'), 'utf8')) as {
        sourceApiVersion?: string;
    };

    test('sfdx-project.json states a sourceApiVersion', () => {
        assert.match(project.sourceApiVersion ?? '', /^\d+\.0$/);
    });

    test('every -meta.xml apiVersion equals the sourceApiVersion', () => {
        const components = declaredVersions();
        assert.ok(
            components.filter((c) => c.apiVersion !== undefined).length >= 3,
            'classes, flows and LWC bundles declare an apiVersion'
        );
        assert.deepEqual(apiVersionMismatches(project.sourceApiVersion!, components), []);
    });

    test('a component on another version is reported', () => {
        assert.deepEqual(
            apiVersionMismatches('66.0', [
                { path: 'classes/A.cls-meta.xml', apiVersion: '66.0' },
                { path: 'flows/F.flow-meta.xml', apiVersion: '65.0' },
                { path: 'queues/Q.queue-meta.xml', apiVersion: undefined }
            ]),
            ['flows/F.flow-meta.xml: 65.0 (project 66.0)']
        );
    });
});

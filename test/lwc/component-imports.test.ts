// Components share helpers through the service module c/opencxUtils, never by importing values
// from one another: a component that reaches into a sibling for a helper ties the two bundles'
// deployments and tests together. Type-only imports (a child's public interface) are erased.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const lwcRoot = join(import.meta.dirname, '..', '..', 'force-app/main/default/lwc');
const UTILITY_MODULES = new Set(['c/opencxUtils']);

/** `file: import ... from 'c/x'` for each value import (or re-export) of another bundle. */
export function crossComponentImports(bundle: string, source: string, file: string): string[] {
    const found: string[] = [];
    for (const match of source.matchAll(
        /^(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+'(c\/[^']+)';/gms
    )) {
        const [, typeOnly, , module] = match;
        if (typeOnly || module === `c/${bundle}` || UTILITY_MODULES.has(module!)) continue;
        found.push(`${file}: ${match[0].replace(/\s+/g, ' ')}`);
    }
    return found;
}

describe('imports between Lightning web components', () => {
    const bundles = readdirSync(lwcRoot, { withFileTypes: true }).filter((entry) =>
        entry.isDirectory()
    );

    test('no component imports a value from another component (shared helpers live in c/opencxUtils)', () => {
        const problems = bundles.flatMap((bundle) => {
            const dir = join(lwcRoot, bundle.name);
            return readdirSync(dir)
                .filter((name) => name.endsWith('.ts'))
                .flatMap((name) =>
                    crossComponentImports(
                        bundle.name,
                        readFileSync(join(dir, name), 'utf8'),
                        `${bundle.name}/${name}`
                    )
                );
        });
        assert.deepEqual(problems, []);
    });

    test('the utility module is a service module: no template, not exposed', () => {
        const dir = join(lwcRoot, 'opencxUtils');
        assert.ok(existsSync(join(dir, 'opencxUtils.ts')));
        assert.ok(!existsSync(join(dir, 'opencxUtils.html')));
        assert.match(
            readFileSync(join(dir, 'opencxUtils.js-meta.xml'), 'utf8'),
            /<isExposed>false<\/isExposed>/
        );
    });

    test('the check sees a helper imported from a sibling, and lets type-only imports pass', () => {
        const panel =
            "import { safeHttpsUrl } from 'c/opencxTranscript';\nimport type { TextSegment } from 'c/opencxTranscriptSlice';\nexport { formatLabel } from 'c/opencxTranscript';\n";
        assert.deepEqual(crossComponentImports('opencxConversationPanel', panel, 'p.ts'), [
            "p.ts: import { safeHttpsUrl } from 'c/opencxTranscript';",
            "p.ts: export { formatLabel } from 'c/opencxTranscript';"
        ]);
    });
});

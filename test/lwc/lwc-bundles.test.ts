// What Salesforce deploys of each Lightning web component is the compiled .js, the .html and the
// .js-meta.xml; jest runs the .ts. So the deployable files are checked here with the LWC compiler
// the platform's engine matches, plus the panel's security rule: OpenCX text is never HTML.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

// `lwc` (a declared dependency, the jest engine's version) re-exports the compiler; its types say
// type-only, so the value comes through require.
const { transformSync } = createRequire(import.meta.url)(
    'lwc/compiler'
) as typeof import('@lwc/compiler');

const root = join(import.meta.dirname, '..', '..');
const lwcRoot = join(root, 'force-app/main/default/lwc');
const bundles = existsSync(lwcRoot)
    ? readdirSync(lwcRoot, { withFileTypes: true })
          .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
          .map((entry) => entry.name)
    : [];

describe('Lightning web component bundles', () => {
    test('the console panel bundles are present', () => {
        for (const name of ['opencxConversationPanel', 'opencxTranscript']) {
            assert.ok(bundles.includes(name), `lwc/${name}`);
        }
    });

    for (const name of bundles) {
        describe(name, () => {
            const file = (extension: string) => join(lwcRoot, name, `${name}.${extension}`);

            test('the deployable .js and .html compile with the LWC compiler', () => {
                for (const extension of ['js', 'html']) {
                    if (!existsSync(file(extension))) continue;
                    const result = transformSync(
                        readFileSync(file(extension), 'utf8'),
                        file(extension),
                        {
                            namespace: 'c',
                            name
                        }
                    );
                    assert.ok(result.code.length > 0, `${name}.${extension}`);
                }
            });

            test('its .js-meta.xml is at the project API version', () => {
                const meta = readFileSync(file('js-meta.xml'), 'utf8');
                assert.match(meta, /<apiVersion>66\.0<\/apiVersion>/);
            });

            test('renders no HTML from data (no innerHTML, lwc:dom="manual", lwc:inner-html)', () => {
                const sources = ['ts', 'js', 'html']
                    .filter((extension) => existsSync(file(extension)))
                    .map((extension) => readFileSync(file(extension), 'utf8'));
                for (const source of sources) {
                    assert.doesNotMatch(
                        source,
                        /innerHTML|outerHTML|insertAdjacentHTML|lwc:dom|lwc:inner-html/
                    );
                }
            });
        });
    }
});

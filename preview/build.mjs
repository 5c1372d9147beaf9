// Bundles the console preview: the real compiled Lightning Web Components (force-app/main/default/
// lwc/*/<name>.js, the output of `npm run build`), the base components from npm, and the page
// script, with the modules that only exist inside an org swapped for preview modules.
// The bundle is generated in memory; preview/server.mjs serves it.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import lwc from '@lwc/rollup-plugin';
import replace from '@rollup/plugin-replace';
import { rollup } from 'rollup';
import { platformModules } from './platform-modules.mjs';
import { buildSamples } from './samples.mjs';

const previewDir = dirname(fileURLToPath(import.meta.url));
export const projectRoot = resolve(previewDir, '..');
export const defaultLwcRoot = join(projectRoot, 'force-app/main/default/lwc');

/** One `c/<name>` module record per component folder that has its compiled .js. */
export function componentModules(lwcRoot = defaultLwcRoot) {
    if (!existsSync(lwcRoot)) return [];
    return readdirSync(lwcRoot, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
        .map((entry) => ({
            name: `c/${entry.name}`,
            path: join(lwcRoot, entry.name, `${entry.name}.js`)
        }))
        .filter((record) => existsSync(record.path));
}

/** JSON fixtures imported by the sample sessions (rollup has no JSON support of its own). */
function json() {
    return {
        name: 'preview-json',
        transform(code, id) {
            if (!id.endsWith('.json')) return null;
            return { code: `export default ${JSON.stringify(JSON.parse(code))};`, map: null };
        }
    };
}

/** `import SAMPLES from 'preview:samples'`: the sample sessions, built in Node (see samples.mjs). */
function samplesModule() {
    const id = '\0preview:samples';
    return {
        name: 'preview-samples',
        resolveId: (source) => (source === 'preview:samples' ? id : null),
        load: (loaded) =>
            loaded === id ? `export default ${JSON.stringify(buildSamples())};\n` : null
    };
}

/**
 * Builds the preview bundle in memory.
 * @param {{ lwcRoot?: string, minify?: boolean }} [options]
 * @returns {Promise<{ files: Map<string, string>, components: string[], seconds: number, warnings: string[] }>}
 *   files: output file name (e.g. `main.js`, `chunks/x.js`) → code.
 */
export async function buildPreview(options = {}) {
    const lwcRoot = options.lwcRoot ?? defaultLwcRoot;
    const started = performance.now();
    const components = componentModules(lwcRoot);
    if (!components.some((record) => record.name === 'c/opencxConversationPanel')) {
        throw new Error(
            `No compiled c/opencxConversationPanel under ${lwcRoot}: run \`npm run build\` first.`
        );
    }
    const warnings = [];
    const bundle = await rollup({
        input: { main: join(previewDir, 'client/main.mjs') },
        plugins: [
            platformModules({ previewDir }),
            samplesModule(),
            json(),
            replace({
                preventAssignment: true,
                values: {
                    // The base components read both; neither exists in a browser.
                    'process.env.NODE_ENV': JSON.stringify('production'),
                    'import.meta.env.SSR': 'false'
                }
            }),
            lwc({
                rootDir: lwcRoot,
                modules: [...components, { npm: 'lightning-base-components' }],
                exclude: ['**/*.json']
            })
        ],
        onwarn(warning) {
            // Base components are full of these; they say nothing about our code.
            if (warning.code === 'CIRCULAR_DEPENDENCY' || warning.code === 'THIS_IS_UNDEFINED')
                return;
            // The base components' own template warnings (e.g. LWC1137 in lightning-card).
            if (warning.id && /[\\/]node_modules[\\/]/.test(warning.id)) return;
            warnings.push(warning.message);
        }
    });
    try {
        const { output } = await bundle.generate({
            dir: 'bundle',
            format: 'esm',
            entryFileNames: '[name].js',
            chunkFileNames: 'chunks/[name]-[hash].js'
        });
        const files = new Map();
        for (const item of output) {
            files.set(item.fileName, item.type === 'chunk' ? item.code : String(item.source));
        }
        return {
            files,
            components: components.map((record) => record.name),
            seconds: (performance.now() - started) / 1000,
            warnings
        };
    } finally {
        await bundle.close();
    }
}

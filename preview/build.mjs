// Bundles the console preview: the real compiled Lightning Web Components (force-app/main/default/
// lwc/*/<name>.js, the output of `npm run build`), the base components from npm, and the page
// script, with the modules that only exist inside an org swapped for preview modules.
// The bundle is generated in memory; preview/server.mjs serves it.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
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

// Rollup's module cache on disk: unchanged modules (the base components are most of the bundle)
// are not transformed again, which roughly halves the next start. Keyed by the versions of the
// tools that transform them and by the preview's own build code; node_modules/.cache is where
// build tools keep such caches (npm ci wipes it).
const cacheDir = join(projectRoot, 'node_modules/.cache/opencx-preview');
const CACHE_INPUTS = [
    'rollup',
    'lwc',
    '@lwc/rollup-plugin',
    '@rollup/plugin-replace',
    'lightning-base-components'
];

function cacheFile() {
    const hash = createHash('sha256');
    for (const name of CACHE_INPUTS) {
        const manifest = join(projectRoot, 'node_modules', name, 'package.json');
        hash.update(
            `${name}@${existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : '?'};`
        );
    }
    for (const file of ['build.mjs', 'platform-modules.mjs'])
        hash.update(readFileSync(join(previewDir, file)));
    return join(cacheDir, `rollup-${hash.digest('hex').slice(0, 16)}.json`);
}

async function readCache(file) {
    try {
        return JSON.parse(await readFile(file, 'utf8'));
    } catch {
        return undefined; // none yet, or unreadable: build from scratch
    }
}

/** True when every module the new build saw is in the old cache with the same source. */
function sameModules(previous, next) {
    if (!previous?.modules || previous.modules.length !== next.modules.length) return false;
    const before = new Map(previous.modules.map((module) => [module.id, module.originalCode]));
    return next.modules.every((module) => before.get(module.id) === module.originalCode);
}

/** Written beside and renamed, so a stopped write never leaves a half file. */
async function writeCache(file, cache) {
    await mkdir(cacheDir, { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, JSON.stringify(cache));
    await rename(partial, file);
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
 * @param {{ lwcRoot?: string, cache?: boolean }} [options] cache: use and update the disk cache
 *   (default true)
 * @returns {Promise<{ files: Map<string, string>, components: string[], seconds: number,
 *   warnings: string[], cached: boolean, saveCache: () => Promise<void> }>}
 *   files: output file name (e.g. `main.js`, `chunks/x.js`) → code; cached: the disk cache was
 *   used; saveCache: writes the cache when the build changed it (call it once the page is served).
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
    const useCache = options.cache ?? true;
    const cachePath = useCache ? cacheFile() : null;
    const previousCache = cachePath ? await readCache(cachePath) : undefined;
    const bundle = await rollup({
        cache: previousCache,
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
        const nextCache = bundle.cache;
        return {
            files,
            components: components.map((record) => record.name),
            seconds: (performance.now() - started) / 1000,
            warnings,
            cached: Boolean(previousCache),
            saveCache: async () => {
                if (!cachePath || !nextCache || sameModules(previousCache, nextCache)) return;
                await writeCache(cachePath, nextCache);
            }
        };
    } finally {
        await bundle.close();
    }
}

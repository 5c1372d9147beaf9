// Rollup plugin: swaps the platform modules that only exist inside a Salesforce org for the
// preview's own modules (fed by the sample sessions). Imports made by code under node_modules are
// left alone: the base components bring their own @salesforce/* stubs and must keep them.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const VIRTUAL = '\0preview-platform:';

/** Modules with a file of their own under preview/platform/. */
const FILE_MODULES = {
    'lightning/uiRecordApi': 'uiRecordApi.mjs',
    '@salesforce/apex': 'apex.mjs'
};

/** @type {{ readCustomLabels: () => Map<string, string>, LABELS_FILE: string }} CommonJS, shared with jest. */
const customLabels = createRequire(import.meta.url)('../force-app/test/custom-labels.js');

/** A Custom Label's value, read from the metadata file on every build (no copy of the texts). */
export function labelValue(name) {
    const value = customLabels.readCustomLabels().get(name);
    if (value === undefined) {
        throw new Error(
            `@salesforce/label/c.${name}: no such label in ${customLabels.LABELS_FILE}; add it there.`
        );
    }
    return value;
}

/** Generated modules: one per imported name, like the org generates them. */
const GENERATED = [
    {
        // @salesforce/apex/OpenCxSessionController.getConversation
        pattern: /^@salesforce\/apex\/(\w+)\.(\w+)$/,
        code: (match, dir) =>
            `import { apexMethod } from ${JSON.stringify(join(dir, 'apex.mjs'))};\n` +
            `export default apexMethod(${JSON.stringify(`${match[1]}.${match[2]}`)});\n`
    },
    {
        // @salesforce/schema/MessagingSession.OpenCX_Session_Id__c (or a relationship path)
        pattern: /^@salesforce\/schema\/(\w+)\.([\w.]+)$/,
        code: (match) =>
            `export default ${JSON.stringify({ objectApiName: match[1], fieldApiName: match[2] })};\n`
    },
    {
        // @salesforce/schema/MessagingSession
        pattern: /^@salesforce\/schema\/(\w+)$/,
        code: (match) => `export default ${JSON.stringify({ objectApiName: match[1] })};\n`
    },
    {
        // @salesforce/i18n/locale, @salesforce/i18n/timeZone, ...
        pattern: /^@salesforce\/i18n\/([\w.]+)$/,
        code: (match, dir) =>
            `import { i18nValue } from ${JSON.stringify(join(dir, 'i18n.mjs'))};\n` +
            `export default i18nValue(${JSON.stringify(match[1])});\n`
    },
    {
        // @salesforce/label/c.OpenCX_Something: the value in the project's CustomLabels metadata
        // (what a deployed org shows in its default language). An unknown label fails the build.
        pattern: /^@salesforce\/label\/c\.(\w+)$/,
        code: (match) => `export default ${JSON.stringify(labelValue(match[1]))};\n`
    },
    {
        pattern: /^@salesforce\/user\/Id$/,
        code: () => `export default '005000000000001AAA';\n`
    },
    {
        pattern: /^@salesforce\/client\/formFactor$/,
        code: () => `export default 'Large';\n`
    }
];

/**
 * @param {{ previewDir: string }} options
 * @returns {import('rollup').Plugin}
 */
export function platformModules({ previewDir }) {
    const platformDir = join(previewDir, 'platform');
    return {
        name: 'preview-platform-modules',
        resolveId(source, importer) {
            if (!importer || /[\\/]node_modules[\\/]/.test(importer)) return null;
            if (FILE_MODULES[source]) return join(platformDir, FILE_MODULES[source]);
            if (GENERATED.some((module) => module.pattern.test(source))) return VIRTUAL + source;
            return null;
        },
        load(id) {
            if (!id.startsWith(VIRTUAL)) return null;
            const source = id.slice(VIRTUAL.length);
            for (const module of GENERATED) {
                const match = module.pattern.exec(source);
                if (match) return module.code(match, platformDir);
            }
            return null;
        }
    };
}

/**
 * The Custom Labels the components import (`@salesforce/label/c.<name>`), read from the metadata
 * file Salesforce deploys, force-app/main/default/labels/CustomLabels.labels-meta.xml. The jest
 * setup (jest-setup.js) and the console preview (preview/platform-modules.mjs) both take label
 * values from here, so a label changed in the metadata is what tests and preview show: no copy.
 *
 *   const { readCustomLabels } = require('force-app/test/custom-labels.js');
 *   readCustomLabels().get('OpenCX_Panel_Retry') // the label's value in the metadata
 *
 * CommonJS on purpose: jest, tsx and plain Node ESM can all load it.
 */
'use strict';

const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { XMLParser } = require('fast-xml-parser');

const LABELS_FILE = join(__dirname, '../main/default/labels/CustomLabels.labels-meta.xml');

/**
 * @param {string} [file] a CustomLabels metadata file (default: the project's)
 * @returns {Map<string, string>} label API name → value (the default language's text)
 */
function readCustomLabels(file = LABELS_FILE) {
    const parser = new XMLParser({
        // Values stay strings exactly as written ('1 entry' must not become a number).
        parseTagValue: false,
        trimValues: false,
        isArray: (name) => name === 'labels'
    });
    const document = parser.parse(readFileSync(file, 'utf8'));
    const labels = document?.CustomLabels?.labels ?? [];
    const values = new Map();
    for (const label of labels) {
        const name = String(label.fullName ?? '').trim();
        if (!name) throw new Error(`${file}: a label without fullName`);
        if (values.has(name)) throw new Error(`${file}: label ${name} is defined twice`);
        values.set(name, String(label.value ?? ''));
    }
    return values;
}

module.exports = { LABELS_FILE, readCustomLabels };

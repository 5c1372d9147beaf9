// The sample session the page shows right now, and what the components asked for. The preview's
// platform modules (getRecord, Apex) answer from here; the page and the browser tests read the log
// through window.opencxPreview.

/**
 * @typedef {{ apiName: string, id: string, fields: Record<string, unknown> }} SampleRecord
 * @typedef {{ body: { message: string }, status: number, statusText: string }} ApexError
 * @typedef {{
 *   id: string, label: string, description: string, record: SampleRecord,
 *   apex: Record<string, (params: unknown, callNumber: number) => unknown>
 * }} Sample
 */

/** @type {Sample | null} */
let current = null;
const calls = [];
let latencyMs = 0;

export function setSample(sample) {
    current = sample;
    calls.length = 0;
}

export function currentSample() {
    if (!current) throw new Error('No preview sample selected');
    return current;
}

/** Simulated server round trip, so the loading state shows as it does in an org. */
export function setLatency(milliseconds) {
    latencyMs = Math.max(0, Number(milliseconds) || 0);
}

export function callLog() {
    return calls.map((call) => ({ ...call }));
}

function settle(produce) {
    return new Promise((resolve, reject) => {
        setTimeout(() => {
            try {
                resolve(produce());
            } catch (error) {
                reject(error);
            }
        }, latencyMs);
    });
}

/** Answers already serialized: the server's work, kept off the measured page (see serialize). */
const serialized = new WeakMap();

/**
 * An answer as the server sends it: JSON text. In an org Apex serializes on the server, not on the
 * console's main thread, so the preview serializes each sample answer once, before the panel
 * mounts (`prepareAnswers`), and a call only looks the text up. Undefined stays undefined (JSON
 * has no such value; the preview's samples use it).
 */
function serialize(answer) {
    if (answer === null || typeof answer !== 'object') return JSON.stringify(answer);
    let text = serialized.get(answer);
    if (text === undefined) {
        text = JSON.stringify(answer);
        serialized.set(answer, text);
    }
    return text;
}

/** Serializes these answers now, so that no Apex call of the panel pays for it. */
export function prepareAnswers(answers) {
    for (const answer of answers) serialize(answer);
}

/**
 * Runs an Apex method against the current sample, its answer crossing the wire as in an org: the
 * server's JSON text (see serialize) arrives after the latency, and the browser parses it in a
 * task of its own (Aura's JSON.parse of the response), then hands it over.
 */
export function callApex(name, params) {
    const sample = currentSample();
    const handler = sample.apex[name];
    const callNumber = calls.filter((call) => call.name === name).length + 1;
    calls.push({ kind: 'apex', name, params: structuredClone(params ?? {}) });
    return settle(() => {
        if (!handler) {
            throw apexError(`The preview has no data for Apex method ${name}.`, 500);
        }
        return serialize(handler(params, callNumber));
    }).then(arrive);
}

/** The browser receiving a serialized answer: a later task, where it is parsed. */
function arrive(body) {
    return new Promise((resolve, reject) => {
        setTimeout(() => {
            try {
                resolve(body === undefined ? undefined : JSON.parse(body));
            } catch (error) {
                reject(error);
            }
        }, 0);
    });
}

/** Reads the fields a getRecord wire asked for from the current sample's record. */
export function loadRecord(config) {
    const sample = currentSample();
    calls.push({ kind: 'getRecord', name: 'getRecord', params: structuredClone(config) });
    return settle(() => {
        const { record } = sample;
        if (config.recordId !== record.id) {
            throw uiApiError(`The requested resource does not exist (${config.recordId}).`, 404);
        }
        const fields = {};
        const wanted = [...asList(config.fields), ...asList(config.optionalFields)];
        for (const field of wanted) {
            const { objectApiName, fieldApiName } = fieldName(field);
            if (objectApiName !== record.apiName) continue;
            const required = asList(config.fields).includes(field);
            if (!(fieldApiName in record.fields)) {
                if (required) {
                    throw uiApiError(`No such column '${fieldApiName}' on ${objectApiName}.`, 400);
                }
                continue;
            }
            const value = record.fields[fieldApiName];
            fields[fieldApiName] = { value, displayValue: value === null ? null : String(value) };
        }
        return { apiName: record.apiName, id: record.id, fields };
    });
}

function asList(value) {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}

/** A field reference as the schema import or as a 'Object.Field' string. */
export function fieldName(field) {
    if (typeof field === 'string') {
        const [objectApiName, ...rest] = field.split('.');
        return { objectApiName, fieldApiName: rest.join('.') };
    }
    return field;
}

/** The shape LWC gives an AuraHandledException thrown by an @AuraEnabled method. */
export function apexError(message, status = 500) {
    return {
        body: {
            message,
            exceptionType: 'System.AuraHandledException',
            isUserDefinedException: true
        },
        ok: false,
        status,
        statusText: status === 500 ? 'Server Error' : 'Error'
    };
}

/** The shape of a UI API error (what getRecord delivers when it fails). */
function uiApiError(message, status) {
    return {
        body: [{ errorCode: status === 404 ? 'NOT_FOUND' : 'INVALID_FIELD', message }],
        ok: false,
        status,
        statusText: status === 404 ? 'Not Found' : 'Bad Request'
    };
}

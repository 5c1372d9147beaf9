// Preview of @salesforce/apex: each `@salesforce/apex/Class.method` import is apexMethod(name),
// callable imperatively and usable with @wire (its `adapter`), answered by the current sample.
import { callApex } from './sample-store.mjs';

/** Wired values handed to components, so refreshApex(value) finds the wire that produced it. */
const wireOf = new WeakMap();

export function apexMethod(name) {
    const method = (params) => callApex(name, params);
    method.adapter = class ApexWireAdapter {
        constructor(dataCallback) {
            this.dataCallback = dataCallback;
            this.connected = false;
            this.config = undefined;
            this.generation = 0;
        }

        connect() {
            this.connected = true;
            if (this.config) this.load();
        }

        disconnect() {
            this.connected = false;
            this.generation += 1;
        }

        update(config) {
            this.config = config;
            if (this.connected) this.load();
        }

        load() {
            const generation = ++this.generation;
            const emit = (value) => {
                if (generation !== this.generation) return;
                wireOf.set(value, this);
                this.dataCallback(value);
            };
            return callApex(name, this.config).then(
                (data) => emit({ data, error: undefined }),
                (error) => emit({ data: undefined, error })
            );
        }
    };
    return method;
}

/** Re-runs the wire that produced `wiredValue`, as the org's refreshApex does. */
export function refreshApex(wiredValue) {
    const adapter = wiredValue && wireOf.get(wiredValue);
    return adapter ? adapter.load() : Promise.resolve();
}

export function getSObjectValue(sObject, field) {
    const name = typeof field === 'string' ? field.split('.').pop() : field.fieldApiName;
    return sObject?.[name];
}

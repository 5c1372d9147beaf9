// Preview of @salesforce/apex: each `@salesforce/apex/Class.method` import is apexMethod(name),
// callable imperatively and usable with @wire (its `adapter`), answered by the current sample.
import { callApex } from './sample-store.mjs';
import { PromiseWireAdapter } from './wire-adapter.mjs';

/** Wired values handed to components, so refreshApex(value) finds the wire that produced it. */
const wireOf = new WeakMap();

export function apexMethod(name) {
    const method = (params) => callApex(name, params);
    method.adapter = class ApexWireAdapter extends PromiseWireAdapter {
        fetch(config) {
            return callApex(name, config);
        }

        emit(value) {
            wireOf.set(value, this);
            super.emit(value);
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

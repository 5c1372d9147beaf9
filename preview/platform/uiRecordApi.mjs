// Preview of lightning/uiRecordApi: getRecord answers from the current sample's record.
import { fieldName, loadRecord } from './sample-store.mjs';
import { PromiseWireAdapter } from './wire-adapter.mjs';

/** getRecord's wire adapter; it answers only once it has a record id, as in an org. */
export class getRecord extends PromiseWireAdapter {
    fetch(config) {
        return loadRecord(config);
    }

    load() {
        return this.config?.recordId ? super.load() : Promise.resolve();
    }
}

export function getFieldValue(record, field) {
    return record?.fields?.[fieldName(field).fieldApiName]?.value;
}

export function getFieldDisplayValue(record, field) {
    return record?.fields?.[fieldName(field).fieldApiName]?.displayValue;
}

// Preview of lightning/uiRecordApi: getRecord answers from the current sample's record.
import { fieldName, loadRecord } from './sample-store.mjs';

/** Wire adapter: constructor(dataCallback), connect, update(config), disconnect. */
export class getRecord {
    constructor(dataCallback) {
        this.dataCallback = dataCallback;
        this.connected = false;
        this.config = undefined;
        this.generation = 0;
    }

    connect() {
        this.connected = true;
        this.load();
    }

    disconnect() {
        this.connected = false;
        this.generation += 1;
    }

    update(config) {
        this.config = config;
        this.load();
    }

    load() {
        if (!this.connected || !this.config?.recordId) return;
        const generation = ++this.generation;
        loadRecord(this.config).then(
            (data) =>
                generation === this.generation && this.dataCallback({ data, error: undefined }),
            (error) =>
                generation === this.generation && this.dataCallback({ data: undefined, error })
        );
    }
}

export function getFieldValue(record, field) {
    return record?.fields?.[fieldName(field).fieldApiName]?.value;
}

export function getFieldDisplayValue(record, field) {
    return record?.fields?.[fieldName(field).fieldApiName]?.displayValue;
}

// Test double for lightning/uiRecordApi: tests emit records through getRecord's test adapter.
import { createLdsTestWireAdapter } from '@salesforce/wire-service-jest-util';

export const getRecord = createLdsTestWireAdapter(jest.fn());
export const getFieldValue = jest.fn((record, field) => {
    const fieldName = typeof field === 'string' ? field.split('.').pop() : field.fieldApiName;
    return record?.fields?.[fieldName]?.value;
});
export const getFieldDisplayValue = jest.fn((record, field) => {
    const fieldName = typeof field === 'string' ? field.split('.').pop() : field.fieldApiName;
    return record?.fields?.[fieldName]?.displayValue;
});

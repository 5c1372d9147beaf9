// Platform modules Lightning Experience provides at runtime and @salesforce/lightning-types does
// not type. Only what the project's components use (or are likely to use) is declared.

declare module '@salesforce/apex' {
    /** Refetches a wired Apex result (the value the @wire function/property received). */
    export function refreshApex(wiredValue: unknown): Promise<void>;
}

declare module '@salesforce/label/*' {
    /** A Custom Label's text in the running user's language (labels/CustomLabels.labels-meta.xml). */
    const label: string;
    export default label;
}

declare module '@salesforce/i18n/locale' {
    /** The running user's locale, e.g. en-US (a BCP 47 tag). */
    const locale: string;
    export default locale;
}

declare module '@salesforce/i18n/timeZone' {
    /** The running user's time zone, e.g. America/Los_Angeles (an IANA name). */
    const timeZone: string;
    export default timeZone;
}

declare module '@salesforce/schema/*' {
    /** A field or object reference, e.g. MessagingSession.OpenCX_Session_Id__c. */
    const reference: { fieldApiName: string; objectApiName: string };
    export default reference;
}

declare module 'lightning/uiRecordApi' {
    import type { WireAdapterConstructor } from 'lwc';

    type FieldReference = string | { fieldApiName: string; objectApiName: string };
    export interface RecordRepresentation {
        id: string;
        apiName: string;
        fields: Record<string, { value: unknown; displayValue: string | null }>;
    }
    /** What @wire(getRecord) delivers: the record or a UI API error, the other undefined. */
    export interface WiredRecord {
        data?: RecordRepresentation;
        error?: unknown;
    }
    export const getRecord: WireAdapterConstructor<
        { recordId: string; fields?: FieldReference[]; optionalFields?: FieldReference[] },
        WiredRecord
    >;
    export function getFieldValue(record: RecordRepresentation, field: FieldReference): unknown;
    export function getFieldDisplayValue(
        record: RecordRepresentation,
        field: FieldReference
    ): string | null;
}

// Preview of @salesforce/i18n/*: the rep's locale and time zone are the browser's (the browser
// tests pin both), the rest Salesforce's defaults for that locale.
const resolved = Intl.DateTimeFormat().resolvedOptions();
const locale = navigator.language || resolved.locale;

const VALUES = {
    locale,
    lang: locale,
    timeZone: resolved.timeZone,
    dir: 'ltr',
    currency: 'USD',
    firstDayOfWeek: 1,
    defaultCalendar: 'gregorian',
    defaultNumberingSystem: 'latn'
};

export function i18nValue(key) {
    if (!(key in VALUES)) {
        console.warn(`preview: @salesforce/i18n/${key} has no preview value`);
    }
    return VALUES[key];
}

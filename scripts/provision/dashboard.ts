// Step 6, the values to paste into OpenCX's dashboard (Salesforce → MIAW). Kept in one place: the
// labels are OpenCX's field names; Auth Key ID, Issuer and the private key follow from Salesforce's
// key set model (OpenCX's page is cut off after the first three fields). What OpenCX needs depends
// on visitorVerification: 'verified' needs all six; 'open' only the first three (no token is signed).
import type { ProvisionContext } from './context.ts';

export interface DashboardValue {
    label: string;
    value: string;
    note?: string;
}

/** The Instance URL OpenCX wants: the https:// My Domain URL, no trailing slash. */
export function dashboardInstanceUrl(instanceUrl: string): string {
    return instanceUrl.replace(/\/+$/, '');
}

/** In open mode OpenCX signs no identity token: the key fields stay empty in its dashboard. */
const NOT_USED_OPEN = 'leave empty: visitorVerification is open (no identity tokens)';

export function dashboardValues(
    context: Pick<ProvisionContext, 'snapshot' | 'project' | 'facts' | 'config'>
): DashboardValue[] {
    const { snapshot, project, facts } = context;
    const instanceUrl = dashboardInstanceUrl(snapshot.instanceUrl);
    const base: DashboardValue[] = [
        {
            label: 'Instance URL',
            value: instanceUrl,
            ...(instanceUrl.startsWith('https://')
                ? {}
                : { note: 'OpenCX only accepts https:// URLs' })
        },
        { label: 'ES Developer Name', value: project.deployment },
        { label: 'Salesforce Org ID', value: snapshot.orgId }
    ];
    if (context.config.visitorVerification === 'open') {
        return [
            ...base,
            ...['Auth Key ID', 'Issuer', 'Private key file'].map((label) => ({
                label,
                value: '',
                note: NOT_USED_OPEN
            }))
        ];
    }
    return [
        ...base,
        { label: 'Auth Key ID', value: facts.authKeyId ?? '(made on the first real run)' },
        { label: 'Issuer', value: facts.issuer ?? '' },
        {
            label: 'Private key file',
            value: facts.privateKeyPath ?? '',
            note: 'paste the whole file, BEGIN and END lines included; keep it secret'
        }
    ];
}

export function formatDashboard(values: DashboardValue[]): string[] {
    const width = Math.max(...values.map((item) => item.label.length));
    return [
        'OpenCX dashboard → Salesforce → MIAW:',
        ...values.map(
            (item) =>
                `  ${item.label.padEnd(width)}  ${item.value}${item.note ? `  (${item.note})` : ''}`
        )
    ];
}

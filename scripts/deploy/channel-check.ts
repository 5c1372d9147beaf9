// After phase 2: retrieve the messaging channel and check that every custom parameter's mapping to a
// routing-flow variable is bound.
//
// What "bound" looks like, from channels retrieved from real orgs (public code index, 2026):
// a bound mapping comes back as
//     <actionParameterMappings><actionParameterName>Chess_FEN</actionParameterName></actionParameterMappings>
// (the binding is by name; MessagingChannelActionParameterMapping has no other element, and a
// <flowVariableName> fails to deploy), while mappings saved before the routing flow had an active
// version came back with "every <actionParameterMappings> block empty", although Setup showed them;
// re-saving the channel once the flow was active filled them in. Salesforce's MessagingChannel
// reference (API 67.0) documents actionParameterName as the only, required, field of the mapping.
// So: bound = the retrieved parameter has an actionParameterMappings whose actionParameterName equals
// the one deployed; an empty block, a missing block or another name is unbound.
import { createXmlParser } from '../lib/xml.ts';

export interface MappingProblem {
    parameter: string;
    expected: string;
    found: string | null;
}

const parser = createXmlParser({ arrays: ['customParameters', 'actionParameterMappings'] });

type Node = Record<string, unknown>;

/** parameter name → the actionParameterNames its mappings carry ('' for an empty block). */
function mappingsOf(channelXml: string): Map<string, string[]> {
    const root = (parser.parse(channelXml) as { MessagingChannel?: Node }).MessagingChannel ?? {};
    const mappings = new Map<string, string[]>();
    for (const parameter of (root.customParameters as Node[] | undefined) ?? []) {
        const names = ((parameter.actionParameterMappings as unknown[] | undefined) ?? []).map(
            (mapping) =>
                typeof mapping === 'object' && mapping !== null
                    ? String((mapping as Node).actionParameterName ?? '')
                    : ''
        );
        mappings.set(String(parameter.name ?? ''), names);
    }
    return mappings;
}

/** The deployed mappings that the retrieved channel does not carry. */
export function findUnboundMappings(deployedXml: string, retrievedXml: string): MappingProblem[] {
    const retrieved = mappingsOf(retrievedXml);
    const problems: MappingProblem[] = [];
    for (const [parameter, names] of mappingsOf(deployedXml)) {
        for (const expected of names.filter(Boolean)) {
            const found = retrieved.get(parameter);
            if (found?.includes(expected)) continue;
            problems.push({ parameter, expected, found: found?.find(Boolean) ?? null });
        }
    }
    return problems;
}

export function unboundFix(channel: string, flow: string, target: string): string {
    return `activate the flow ${flow} (Setup → Flows), then save the channel again: rerun npm run deploy -- ${target}, or Setup → Messaging Settings → ${channel.replace(/_/g, ' ')} → Edit → Save; then retrieve it again to check (sf project retrieve start --metadata MessagingChannel:${channel})`;
}

// The project's one fast-xml-parser set-up, for metadata files, package manifests and SOAP bodies.
// Every value stays the text Salesforce wrote: no number or boolean coercion of element or
// attribute values (an apiVersion "66.0" must not become 66, nor a stringValue "007" 7).
// Attributes, when kept, are read under '@_name' (so `<value xsi:nil="true"/>` reads as
// { '@_xsi:nil': 'true' }). An element that may repeat is an array only when it repeats, unless
// it is named in `arrays`.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

export { XMLValidator };

export interface XmlParserOptions {
    /** Keep attributes as '@_name' (default: dropped). */
    attributes?: boolean;
    /** Trim whitespace around text values (default true; the flow evaluator keeps text exact). */
    trim?: boolean;
    /** Element names always parsed as arrays, even when they occur once. */
    arrays?: readonly string[];
    /** Drop namespace prefixes from names (SOAP envelopes: soapenv:Body → Body). */
    removeNamespacePrefix?: boolean;
}

export const ATTRIBUTE_PREFIX = '@_';

export function createXmlParser(options: XmlParserOptions = {}): XMLParser {
    const arrays = new Set(options.arrays ?? []);
    return new XMLParser({
        ignoreAttributes: !options.attributes,
        attributeNamePrefix: ATTRIBUTE_PREFIX,
        parseTagValue: false,
        parseAttributeValue: false,
        trimValues: options.trim ?? true,
        removeNSPrefix: options.removeNamespacePrefix ?? false,
        isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && arrays.has(name)
    });
}

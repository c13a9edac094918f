/**
 * Characters XML 1.0 forbids anywhere, even escaped: C0 controls but tab/LF/CR, lone surrogates,
 * U+FFFE/U+FFFF. Recorded bodies contain them; a single one makes the whole junit.xml unreadable.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ILLEGAL_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function stripIllegalXml(s: string): string {
  return s.replace(ILLEGAL_XML, '\ufffd');
}

/** Escaped for both text content and double- or single-quoted attributes. */
export function escapeXml(s: string): string {
  return stripIllegalXml(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** In attributes a newline would be normalised to a space by parsers; keep it visible. */
export function escapeXmlAttr(s: string): string {
  return escapeXml(s).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

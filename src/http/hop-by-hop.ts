/**
 * Hop-by-hop headers (RFC 9110 §7.6.1, plus the legacy `keep-alive` and `proxy-connection`): they
 * describe one connection, not the message, so a proxy never forwards them, a replay never re-sends
 * them and a comparison never counts them.
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** `name` must be lower-case. */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP_HEADERS.has(name);
}

/**
 * A credential header with its secret parts replaced and its shape kept, so a reader (and stateful
 * replay) still sees what it was: `Bearer [REDACTED:…]`, `sid=[REDACTED:…]; theme=[REDACTED:…]`,
 * `sid=[REDACTED:…]; Path=/; HttpOnly`. The same token in a login response body, an Authorization
 * header and a cookie then gets the same placeholder in all three.
 */
export function redactHeaderValue(lowerName: string, value: string, redact: (value: string) => string): string {
  if (lowerName === 'authorization' || lowerName === 'proxy-authorization') {
    const m = /^([A-Za-z][\w!#$%&'*+.^`|~-]*)(\s+)(\S.*)$/s.exec(value);
    return m ? `${m[1]}${m[2]}${redact(m[3]!)}` : redact(value);
  }
  if (lowerName === 'cookie') return value.split(';').map((part) => redactCookiePair(part, redact)).join(';');
  if (lowerName === 'set-cookie') {
    const semi = value.indexOf(';');
    return semi === -1 ? redactCookiePair(value, redact) : `${redactCookiePair(value.slice(0, semi), redact)}${value.slice(semi)}`;
  }
  return redact(value);
}

function redactCookiePair(part: string, redact: (value: string) => string): string {
  const eq = part.indexOf('=');
  if (eq === -1) return part.trim() === '' ? part : redact(part);
  const raw = part.slice(eq + 1);
  const value = raw.trim();
  return value === '' ? part : `${part.slice(0, eq + 1)}${redact(value)}`;
}

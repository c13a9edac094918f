/**
 * Secret values in `name=value&…` text: query strings and form bodies. Names are matched decoded
 * (`%74oken`, `api+key`) and in their bracket forms (`api_key[]`); the placeholder replaces the value
 * and the name is kept as written. Returns `null` when nothing was secret.
 */
export function redactPairs(text: string, isSecretName: (name: string) => boolean, redact: (value: string) => string): string | null {
  let changed = false;
  const parts = text.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq === -1) return pair;
    const rawName = pair.slice(0, eq);
    const name = decodeComponent(rawName);
    if (!isSecretName(name)) return pair;
    const value = decodeComponent(pair.slice(eq + 1));
    if (value === '') return pair;
    changed = true;
    return `${rawName}=${redact(value)}`;
  });
  return changed ? parts.join('&') : null;
}

export function decodeComponent(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

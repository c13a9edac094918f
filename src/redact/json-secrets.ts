import type { SecretRules } from './secret-rules.js';

/**
 * Redacts secret values in JSON text by scanning it, not by parsing it: the body keeps its bytes
 * (formatting, key order, number spelling) except the values replaced, and text that is not valid
 * JSON — truncated by the size cap, a BOM in front, a stray comma — is still checked key by key.
 * Keys are unescaped before they are matched, so `"pass\u0077ord"` is the key `password`.
 *
 * A value is secret when its key is (`isSecretKey`), when its pointer matches `redact.json`, or when
 * it sits anywhere inside a secret object or array; strings and numbers are replaced, the structure,
 * booleans and nulls stay.
 */

interface Frame {
  array: boolean;
  pointer: string;
  secret: boolean;
  index: number;
  key: string | null;
  expectKey: boolean;
}

const QUOTE = 0x22;
const SECRET_VALUE = Object.freeze({ pointer: '', secret: true });
const PLAIN_VALUE = Object.freeze({ pointer: '', secret: false });
const BACKSLASH = 0x5c;

function isDelimiter(code: number): boolean {
  // whitespace, BOM, and the structural characters , : { } [ ] "
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || code === 0xfeff || code === 0x2c || code === 0x3a || code === 0x7b || code === 0x7d || code === 0x5b || code === 0x5d || code === QUOTE;
}

/** Index just past the closing quote of the string starting at `start`, or the text's end if unterminated. */
function stringEnd(text: string, start: number): number {
  for (let k = start + 1; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === BACKSLASH) k++;
    else if (c === QUOTE) return k + 1;
  }
  return text.length;
}

/** The value of a string literal (quotes included, maybe unterminated), escapes undone where valid. */
function stringValue(literal: string): string {
  // Without a backslash there is nothing to undo: JSON.parse would return the same characters (or
  // throw on a raw control character, where the fallback below returns them too).
  if (literal.length >= 2 && literal.charCodeAt(literal.length - 1) === QUOTE && literal.indexOf('\\') === -1) return literal.slice(1, -1);
  let inner = literal.slice(1);
  if (inner.endsWith('"') && literal.length >= 2) inner = inner.slice(0, -1);
  else inner = inner.replace(/\\(u[0-9a-fA-F]{0,3})?$/, '');
  try {
    return JSON.parse(`"${inner}"`) as string;
  } catch {
    return inner;
  }
}

function escapeSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * True when `text` is valid JSON none of whose keys is secret, so no value can be secret by key. Native
 * JSON.parse and a walk over the keys cost a fraction of the scan below, and almost every body of a
 * replay (each candidate and baseline response) is such a document. Text that does not parse (a BOM,
 * truncation, a stray comma) is scanned as before.
 */
function withoutSecretKeys(text: string, rules: SecretRules): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  const pending: unknown[] = [doc];
  while (pending.length > 0) {
    const v = pending.pop();
    if (typeof v !== 'object' || v === null) continue;
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) pending.push(x);
      continue;
    }
    for (const key of Object.keys(v)) {
      if (rules.isSecretKey(key)) return false;
      const x = (v as Record<string, unknown>)[key];
      if (typeof x === 'object' && x !== null) pending.push(x);
    }
  }
  return true;
}

/**
 * The text with every secret value replaced by `redact(value)` (a placeholder, as a JSON string),
 * or `null` when nothing was secret.
 */
export function redactJsonText(text: string, rules: SecretRules, redact: (value: string) => string): string | null {
  // Without `redact.json` pointers only keys make a value secret.
  if (!rules.hasPointers && withoutSecretKeys(text, rules)) return null;
  const out: string[] = [];
  let last = 0;
  const stack: Frame[] = [];
  const n = text.length;

  // Pointers are only built when `redact.json` patterns need them; without them no value allocates one.
  const pointers = rules.hasPointers;
  const nextValue = (): { pointer: string; secret: boolean } => {
    const top = stack[stack.length - 1];
    if (!top) return { pointer: '', secret: pointers && rules.matchesPointer('') };
    if (top.secret || (!top.array && top.key !== null && rules.isSecretKey(top.key))) return SECRET_VALUE;
    if (!pointers) return PLAIN_VALUE;
    const pointer = `${top.pointer}/${escapeSegment(top.array ? String(top.index) : (top.key ?? ''))}`;
    return { pointer, secret: rules.matchesPointer(pointer) };
  };
  const replace = (start: number, end: number, value: string): void => {
    if (value === '') return;
    out.push(text.slice(last, start), JSON.stringify(redact(value)));
    last = end;
  };

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        top.key = stringValue(text.slice(i, end));
        top.expectKey = false;
      } else if (nextValue().secret) {
        replace(i, end, stringValue(text.slice(i, end)));
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      const v = nextValue();
      stack.push({ array: c === 0x5b, pointer: v.pointer, secret: v.secret, index: 0, key: null, expectKey: c === 0x7b });
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      i++;
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else if (top) {
        top.expectKey = true;
        top.key = null;
      }
      i++;
    } else if (isDelimiter(c)) {
      i++;
    } else {
      let j = i + 1;
      while (j < n && !isDelimiter(text.charCodeAt(j))) j++;
      if (nextValue().secret) {
        const literal = text.slice(i, j);
        if (literal !== 'true' && literal !== 'false' && literal !== 'null') replace(i, j, literal);
      }
      i = j;
    }
  }
  if (out.length === 0) return null;
  out.push(text.slice(last));
  return out.join('');
}

/** True when the text starts (after whitespace and a BOM) like a JSON document. */
export function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length && i < 64; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return false;
  }
  return false;
}

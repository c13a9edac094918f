import { isPlaceholder } from './placeholder.js';

/**
 * Shorter values are redacted where their key says so but not searched for elsewhere: `123456` may be
 * a password and also, by chance, a page number.
 */
export const MIN_SPREAD_LENGTH = 6;
/** The most recent secrets are searched for; a long recording of many logins keeps memory bounded. */
const MAX_SECRETS = 2048;

/**
 * Secrets seen so far in a session, kept in memory only (never written), in every spelling they may
 * take elsewhere: as is, JSON-escaped, and percent-encoded (as in a URL or a form body). `replaceIn`
 * turns each into its placeholder wherever it appears: a token from a login response found later in
 * a path (`DELETE /-/user/token/<token>`), a query string, another header or a body.
 */
export class SecretBook {
  /** spelling → placeholder */
  private readonly spellings = new Map<string, string>();
  private readonly order: string[] = [];
  private sorted: Array<[string, string]> | null = null;

  get size(): number {
    return this.order.length;
  }

  add(value: string, placeholder: string): void {
    if (value.length < MIN_SPREAD_LENGTH || isPlaceholder(value) || this.spellings.has(value)) return;
    const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+')]);
    for (const form of forms) this.spellings.set(form, placeholder);
    this.order.push(value);
    if (this.order.length > MAX_SECRETS) this.forget(this.order.shift()!);
    this.sorted = null;
  }

  private forget(value: string): void {
    for (const form of [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+')]) this.spellings.delete(form);
  }

  /** The text with every known secret replaced, or `null` when none occurs. */
  replaceIn(text: string): string | null {
    if (this.spellings.size === 0 || text.length < MIN_SPREAD_LENGTH) return null;
    // Longest first: a secret that contains another is replaced whole.
    this.sorted ??= [...this.spellings].sort((a, b) => b[0].length - a[0].length);
    let out = text;
    let changed = false;
    for (const [form, placeholder] of this.sorted) {
      if (out.includes(form)) {
        out = out.split(form).join(placeholder);
        changed = true;
      }
    }
    return changed ? out : null;
  }

  /** The same over raw bytes of any kind (byte-exact outside the replaced spans). */
  replaceInBytes(bytes: Buffer): Buffer | null {
    if (this.spellings.size === 0) return null;
    this.sorted ??= [...this.spellings].sort((a, b) => b[0].length - a[0].length);
    let found = false;
    for (const [form] of this.sorted) {
      if (bytes.includes(form, 0, 'utf8')) {
        found = true;
        break;
      }
    }
    if (!found) return null;
    // latin1 maps bytes 1:1 to characters; secrets are compared as their UTF-8 bytes spelled in latin1.
    let out = bytes.toString('latin1');
    for (const [form, placeholder] of this.sorted) {
      const bytesForm = Buffer.from(form, 'utf8').toString('latin1');
      if (out.includes(bytesForm)) out = out.split(bytesForm).join(placeholder);
    }
    return Buffer.from(out, 'latin1');
  }
}

import { isPlaceholder } from './placeholder.js';

/**
 * Shorter values are redacted where their key says so but not searched for elsewhere: `123456` may be
 * a password and also, by chance, a page number.
 */
export const MIN_SPREAD_LENGTH = 6;
/** The most recent secrets are searched for; a long recording of many logins keeps memory bounded. */
const MAX_SECRETS = 4096;

/** The spellings a secret may take elsewhere: as is, JSON-escaped, percent-encoded (URL, form body). */
function spellingsOf(value: string): string[] {
  const uri = encodeURIComponent(value);
  return [...new Set([value, JSON.stringify(value).slice(1, -1), uri, uri.replace(/%20/g, '+')])];
}

const B = 31;
/** B^(MIN_SPREAD_LENGTH - 1) in 32-bit arithmetic, to roll the first character out of the hash. */
const B_TOP = Array.from({ length: MIN_SPREAD_LENGTH - 1 }).reduce<number>((h) => Math.imul(h, B), 1);

function prefixHash(s: string, at: number): number {
  let h = 0;
  for (let k = 0; k < MIN_SPREAD_LENGTH; k++) h = (Math.imul(h, B) + s.charCodeAt(at + k)) | 0;
  return h;
}

function bump(map: Map<number, number>, key: number, by: 1 | -1): void {
  const n = (map.get(key) ?? 0) + by;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}

/**
 * Spellings searched in one pass over a text, whatever their number: a rolling hash of the next
 * MIN_SPREAD_LENGTH characters is looked up at each position (no string is made), and only where it
 * matches the start of some spelling are the candidate lengths tried.
 */
class SpellingIndex {
  private readonly spellings = new Map<string, string>();
  private readonly prefixes = new Map<number, number>();
  private readonly lengths = new Map<number, number>();
  private lengthsDesc: number[] = [];

  get size(): number {
    return this.spellings.size;
  }

  add(spelling: string, placeholder: string): void {
    if (this.spellings.has(spelling)) return;
    this.spellings.set(spelling, placeholder);
    bump(this.prefixes, prefixHash(spelling, 0), 1);
    if (!this.lengths.has(spelling.length)) this.lengthsDesc = [...this.lengths.keys(), spelling.length].sort((x, y) => y - x);
    bump(this.lengths, spelling.length, 1);
  }

  delete(spelling: string): void {
    if (!this.spellings.delete(spelling)) return;
    bump(this.prefixes, prefixHash(spelling, 0), -1);
    bump(this.lengths, spelling.length, -1);
    if (!this.lengths.has(spelling.length)) this.lengthsDesc = this.lengthsDesc.filter((l) => l !== spelling.length);
  }

  replaceIn(text: string): string | null {
    const n = text.length;
    if (this.spellings.size === 0 || n < MIN_SPREAD_LENGTH) return null;
    const out: string[] = [];
    let last = 0;
    let i = 0;
    let h = prefixHash(text, 0);
    for (;;) {
      let matched = 0;
      if (this.prefixes.has(h)) {
        // Longest first: a secret that contains another is replaced whole.
        for (const len of this.lengthsDesc) {
          if (i + len > n) continue;
          const placeholder = this.spellings.get(text.slice(i, i + len));
          if (placeholder !== undefined) {
            out.push(text.slice(last, i), placeholder);
            matched = len;
            break;
          }
        }
      }
      if (matched > 0) {
        i += matched;
        last = i;
        if (i + MIN_SPREAD_LENGTH > n) break;
        h = prefixHash(text, i);
      } else {
        if (i + MIN_SPREAD_LENGTH >= n) break;
        h = (Math.imul(h - Math.imul(text.charCodeAt(i), B_TOP), B) + text.charCodeAt(i + MIN_SPREAD_LENGTH)) | 0;
        i++;
      }
    }
    if (out.length === 0) return null;
    out.push(text.slice(last));
    return out.join('');
  }
}

/**
 * Secrets seen so far in a session, kept in memory only (never written), in every spelling they may
 * take elsewhere. `replaceIn` turns each into its placeholder wherever it appears: a token from a
 * login response found later in a path (`DELETE /-/user/token/<token>`), a query string, another
 * header or a body.
 */
export class SecretBook {
  private readonly text = new SpellingIndex();
  /** The same spellings as UTF-8 bytes read as latin1, for bodies searched byte for byte. */
  private readonly bytes = new SpellingIndex();
  private readonly placeholders = new Map<string, string>();
  private readonly order: string[] = [];
  private head = 0;
  private added = 0;

  get size(): number {
    return this.placeholders.size;
  }

  /**
   * Counts the secrets ever added. A text found free of every known secret stays free while it is
   * unchanged: forgetting a secret can only find less.
   */
  get version(): number {
    return this.added;
  }

  add(value: string, placeholder: string): void {
    if (value.length < MIN_SPREAD_LENGTH || isPlaceholder(value) || this.placeholders.has(value)) return;
    this.placeholders.set(value, placeholder);
    this.added++;
    for (const s of spellingsOf(value)) {
      this.text.add(s, placeholder);
      this.bytes.add(Buffer.from(s, 'utf8').toString('latin1'), placeholder);
    }
    this.order.push(value);
    if (this.order.length - this.head > MAX_SECRETS) this.forget(this.order[this.head++]!);
    if (this.head > MAX_SECRETS) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
  }

  private forget(value: string): void {
    this.placeholders.delete(value);
    for (const s of spellingsOf(value)) {
      this.text.delete(s);
      this.bytes.delete(Buffer.from(s, 'utf8').toString('latin1'));
    }
  }

  /** The text with every known secret replaced, or `null` when none occurs. */
  replaceIn(text: string): string | null {
    return this.text.replaceIn(text);
  }

  /** The same over raw bytes of any kind (byte-exact outside the replaced spans). */
  replaceInBytes(bytes: Buffer): Buffer | null {
    if (this.bytes.size === 0) return null;
    // latin1 maps bytes 1:1 to characters, so the bytes around a replacement come back unchanged.
    const out = this.bytes.replaceIn(bytes.toString('latin1'));
    return out === null ? null : Buffer.from(out, 'latin1');
  }
}

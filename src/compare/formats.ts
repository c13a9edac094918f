/**
 * Recognisers for values that are expected to vary between two runs of the same request: ids, tokens
 * and clocks. The `match: <format>` noise rules use them, and the noise-learning stage reuses them to
 * name what it saw varying (`value varies (uuid)`).
 */

/** What {@link formatOf} can name. `iso-timestamp` covers ISO-8601 date-times and RFC 1123 dates. */
export type ValueFormat = 'uuid' | 'iso-timestamp' | 'epoch' | 'jwt' | 'hex' | 'number-like';

/** The format names a `match` rule may use (see `NoiseRule` in the config schema). */
export type FormatMatcher = 'uuid' | 'timestamp' | 'jwt' | 'hex' | 'number-like';

/** An RFC 9562 UUID in its canonical text form, any version. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JWT_RE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
// Eight digits minimum keeps short words made of a–f ("cafe", "bead") from counting as ids.
const HEX_RE = /^(0x)?[0-9a-f]{8,}$/i;
const NUMBER_LIKE_RE = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const RFC1123_RE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} (GMT|UTC|[+-]\d{4})$/;

// Plausible epochs: 2001-09-09 to 2100-01-01, in seconds or in milliseconds. Anything else is a number
// that merely happens to change (a count, a price) and must not be waved through as a clock.
const EPOCH_S = { min: 1e9, max: 4_102_444_800 };
const EPOCH_MS = { min: EPOCH_S.min * 1000, max: EPOCH_S.max * 1000 };

export function isUuid(v: unknown): boolean {
  return typeof v === 'string' && UUID_PATTERN.test(v);
}

export function isJwt(v: unknown): boolean {
  return typeof v === 'string' && v.length <= 16_384 && JWT_RE.test(v);
}

export function isHex(v: unknown): boolean {
  return typeof v === 'string' && HEX_RE.test(v);
}

/** A number, or a string that reads as one (`"12.50"`, `"-3"`, `"1e5"`). */
export function isNumberLike(v: unknown): boolean {
  return (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && NUMBER_LIKE_RE.test(v));
}

/** An ISO-8601 date-time or RFC 1123 date string that also parses to a real date. */
export function isDateTimeString(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 64) return false;
  return (ISO_RE.test(v) || RFC1123_RE.test(v)) && !Number.isNaN(Date.parse(v));
}

/** A number in a plausible epoch range, seconds or milliseconds. */
export function isEpoch(v: unknown): boolean {
  return epochUnitOf(v) !== null;
}

/** The unit a number would have as a plausible epoch (`s` or `ms`), or `null`. */
export function epochUnitOf(v: unknown): 's' | 'ms' | null {
  if (typeof v !== 'number' || !Number.isFinite(v)) return null;
  if (v >= EPOCH_S.min && v <= EPOCH_S.max) return 's';
  return v >= EPOCH_MS.min && v <= EPOCH_MS.max ? 'ms' : null;
}

/**
 * The most specific format of a value, or `null`. Order matters where formats overlap: a UUID is not
 * reported as hex, and an all-digit string is `number-like` before it is `hex`. Plain numbers are only
 * ever `epoch` (a number is trivially number-like; naming that would say nothing).
 */
export function formatOf(value: unknown): ValueFormat | null {
  if (typeof value === 'number') return isEpoch(value) ? 'epoch' : null;
  if (typeof value !== 'string') return null;
  if (isUuid(value)) return 'uuid';
  if (isJwt(value)) return 'jwt';
  if (isDateTimeString(value)) return 'iso-timestamp';
  if (isNumberLike(value)) return 'number-like';
  if (isHex(value)) return 'hex';
  return null;
}

/**
 * Whether one value has the format a rule names. `timestamp` accepts date strings and epoch numbers;
 * requiring both sides to be of the same family is the rule's job (see `noise/format-match.ts`).
 */
export function matchesFormat(value: unknown, matcher: FormatMatcher): boolean {
  switch (matcher) {
    case 'uuid':
      return isUuid(value);
    case 'jwt':
      return isJwt(value);
    case 'hex':
      return isHex(value);
    case 'number-like':
      return isNumberLike(value);
    case 'timestamp':
      return isDateTimeString(value) || isEpoch(value);
  }
}

import { jsonTypeOf } from '../compare/index.js';
import { epochUnitOf, isDateTimeString, isHex, isJwt, isNumberLike, isUuid } from '../compare/formats.js';

const STRING_FORMATS: Array<[string, (v: unknown) => boolean]> = [
  ['uuid', isUuid],
  ['jwt', isJwt],
  ['iso-timestamp', isDateTimeString],
  ['number-like', isNumberLike],
  ['hex', isHex],
];

/**
 * Every shape a value has: its JSON type and each recognised string format — `string:uuid`,
 * `string:iso-timestamp`, `string`, `number`, `object`. Learned noise lets a value vary only while its
 * shape holds: a timestamp that becomes a number is a change, not noise.
 * Formats overlap: a random hex id that happens to be all digits (`123456789012`) is hex *and*
 * number-like, and must not read as a change of format next to `a1b2c3d4e5f6`. Two values keep their
 * shape when their sets share one.
 * A number is one shape whatever its magnitude or sign: a random integer that happens to fall in the
 * epoch range (`1366923993`) is no more a clock than `-1738793727`. Whether a key holds a clock is
 * decided over all its values ({@link EpochTracker}), never from one value.
 */
export function shapesOf(value: unknown): string[] {
  const type = jsonTypeOf(value);
  if (type !== 'string') return [type];
  const formats = STRING_FORMATS.filter(([, test]) => test(value)).map(([name]) => `string:${name}`);
  return formats.length ? formats : ['string'];
}

/** A readable kind for a varying value: `value varies (uuid)`, `value varies (string)`. */
export function describeVariation(shapes: Iterable<string>): string {
  const names = [...new Set([...shapes].map((s) => s.split(':')[1] ?? s.split(':')[0]!))].sort();
  return `value varies (${names.join(', ') || 'any'})`;
}

/** Clocks of one key (recording, baseline, candidate) lie within this many seconds of each other. */
const MAX_SPREAD_S = 2 * 366 * 86_400;

/**
 * Whether the numbers seen at a key are a clock: every one a plausible epoch integer, all in the same
 * unit (seconds or milliseconds), all within two years of each other. Random integers fail one of
 * these almost at once (a negative one, one of another magnitude, a spread of decades).
 */
export class EpochTracker {
  private unit: 's' | 'ms' | null | undefined;
  private min = Infinity;
  private max = -Infinity;

  add(value: unknown): void {
    if (typeof value !== 'number' || this.unit === null) return;
    const unit = Number.isInteger(value) ? epochUnitOf(value) : null;
    if (unit === null || (this.unit !== undefined && this.unit !== unit)) {
      this.unit = null;
      return;
    }
    this.unit = unit;
    const seconds = unit === 'ms' ? value / 1000 : value;
    this.min = Math.min(this.min, seconds);
    this.max = Math.max(this.max, seconds);
    if (this.max - this.min > MAX_SPREAD_S) this.unit = null;
  }

  /** True when at least two numbers were seen and all of them read as one clock. */
  isClock(): boolean {
    return this.unit !== null && this.unit !== undefined && this.max > this.min;
  }
}

import { jsonTypeOf } from '../compare/index.js';
import { isDateTimeString, isEpoch, isHex, isJwt, isNumberLike, isUuid } from '../compare/formats.js';

const STRING_FORMATS: Array<[string, (v: unknown) => boolean]> = [
  ['uuid', isUuid],
  ['jwt', isJwt],
  ['iso-timestamp', isDateTimeString],
  ['number-like', isNumberLike],
  ['hex', isHex],
];

/**
 * Every shape a value has: its JSON type and each recognised format — `string:uuid`,
 * `string:iso-timestamp`, `number:epoch`, `string`, `object`. Learned noise lets a value vary only
 * while its shape holds: a timestamp that becomes an epoch number is a change, not noise.
 * Formats overlap: a random hex id that happens to be all digits
 * (`123456789012`) is hex *and* number-like, and must not read as a change of format next to
 * `a1b2c3d4e5f6`. Two values keep their shape when their sets share one.
 */
export function shapesOf(value: unknown): string[] {
  const type = jsonTypeOf(value);
  if (type === 'number') return isEpoch(value) ? ['number:epoch'] : ['number'];
  if (type !== 'string') return [type];
  const formats = STRING_FORMATS.filter(([, test]) => test(value)).map(([name]) => `string:${name}`);
  return formats.length ? formats : ['string'];
}

/** A readable kind for a varying value: `value varies (uuid)`, `value varies (string)`. */
export function describeVariation(shapes: Iterable<string>): string {
  const names = [...new Set([...shapes].map((s) => s.split(':')[1] ?? s.split(':')[0]!))].sort();
  return `value varies (${names.join(', ') || 'any'})`;
}

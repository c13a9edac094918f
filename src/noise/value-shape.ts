import { formatOf, jsonTypeOf } from '../compare/index.js';

/**
 * The shape of a value: its JSON type and, where one is recognised, its format — `string:uuid`,
 * `string:iso-timestamp`, `number:epoch`, `string`, `object`. Learned noise lets a value vary only
 * while its shape holds: a timestamp that becomes an epoch number is a change, not noise.
 */
export function shapeOf(value: unknown): string {
  const type = jsonTypeOf(value);
  const format = formatOf(value);
  return format ? `${type}:${format}` : type;
}

/** A readable kind for a varying value: `value varies (uuid)`, `value varies (string)`. */
export function describeVariation(shapes: Iterable<string>): string {
  const names = [...new Set([...shapes].map((s) => s.split(':')[1] ?? s.split(':')[0]!))].sort();
  return `value varies (${names.join(', ') || 'any'})`;
}

import { createHmac } from 'node:crypto';

/**
 * A redacted value becomes `[REDACTED:<8 hex>]`, the hex being the start of HMAC-SHA256(key, value):
 * equal secrets get equal placeholders (so a token seen in a login response can be followed into
 * the requests that use it), and without the key a placeholder tells nothing about its value.
 */
export const PLACEHOLDER_PATTERN = /\[REDACTED:[0-9a-f]{8}\]/g;

const EXACT = /^\[REDACTED:[0-9a-f]{8}\]$/;
const HAS = /\[REDACTED:[0-9a-f]{8}\]/;

export function placeholderOf(key: Buffer, value: string): string {
  return `[REDACTED:${createHmac('sha256', key).update(value).digest('hex').slice(0, 8)}]`;
}

export function isPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && EXACT.test(value);
}

export function containsPlaceholder(value: string): boolean {
  return HAS.test(value);
}

/** Every distinct placeholder in a string, in order of first appearance. */
export function placeholdersIn(value: string): string[] {
  return [...new Set(value.match(PLACEHOLDER_PATTERN) ?? [])];
}

/**
 * Two values that differ only in their placeholders: both sides carried a secret there, whose
 * values cannot (and need not) be compared. A redacted field is not a regression.
 */
export function equalButForPlaceholders(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string' || a === b) return false;
  if (!HAS.test(a) || !HAS.test(b)) return false;
  return a.replace(PLACEHOLDER_PATTERN, '[REDACTED]') === b.replace(PLACEHOLDER_PATTERN, '[REDACTED]');
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import { redactJsonText } from '../../../src/redact/json-secrets.js';
import { compileSecretRules } from '../../../src/redact/secret-rules.js';

const rules = compileSecretRules(defaultConfig().redact);
const redact = (value: string): string => `[REDACTED:${value.length}]`;

// Keys drawn so that documents are often free of secrets (the fast path) and often not.
const key = fc.constantFrom('id', 'name', 'items', 'meta', 'score', 'password', 'accessToken', 'api-key', 'user[password]', 'tokens', 'x');
const doc = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), tie('object'), tie('array')),
  object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  array: fc.array(tie('value'), { maxLength: 4 }),
})).object;

describe('redactJsonText: the parse-and-walk fast path agrees with the scan', () => {
  it('valid JSON redacts exactly as the same text behind a BOM (which does not parse, so is scanned)', () => {
    let plain = 0;
    let secret = 0;
    fc.assert(
      fc.property(doc, fc.boolean(), (value, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const fast = redactJsonText(text, rules, redact);
        const scanned = redactJsonText(`\ufeff${text}`, rules, redact);
        expect(fast).toBe(scanned === null ? null : scanned.slice(1));
        if (fast === null) plain++;
        else secret++;
      }),
      { seed: 16, numRuns: 400 },
    );
    // Both paths were exercised.
    expect(plain).toBeGreaterThan(50);
    expect(secret).toBeGreaterThan(50);
  });

  it('an escaped secret key is found by the fast path too', () => {
    expect(redactJsonText('{"pass\\u0077ord":"hunter22","id":1}', rules, redact)).toBe('{"pass\\u0077ord":"[REDACTED:8]","id":1}');
    expect(redactJsonText('{"a":[{"b":{"client_secret":{"k":"v12345"}}}]}', rules, redact)).toBe('{"a":[{"b":{"client_secret":{"k":"[REDACTED:6]"}}}]}');
    expect(redactJsonText('{"id":1,"items":[{"name":"x"}]}', rules, redact)).toBeNull();
  });
});

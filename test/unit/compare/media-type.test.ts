import { describe, expect, it } from 'vitest';
import { table } from '../../../src/cli/format.js';
import { hasJsonContentType, isJsonMediaType, mediaTypeOf, parseMediaType } from '../../../src/compare/header-values.js';

describe('one answer to "is this JSON?"', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    ['application/problem+json', true],
    ['application/vnd.api+json; ext="x"', true],
    ['text/json', true],
    ['application/json; charset', true],
    ['application/jsonl', false],
    ['application/json-seq', false],
    ['text/plain', false],
    ['', false],
    ['json', false],
  ])('%s → %s', (value, json) => {
    expect(isJsonMediaType(parseMediaType(value).type)).toBe(json);
    expect(hasJsonContentType([['Content-Type', value]])).toBe(json);
  });

  it('parses media type and charset by RFC 9110, lower-cased, and keeps the type of a header with broken parameters', () => {
    expect(parseMediaType('Text/HTML; Charset="ISO-8859-1"')).toEqual({ type: 'text/html', charset: 'iso-8859-1' });
    expect(parseMediaType('application/json; charset')).toEqual({ type: 'application/json' });
    expect(parseMediaType(undefined)).toEqual({ type: '' });
    expect(mediaTypeOf([['x', 'y']])).toEqual({ type: '' });
  });
});

describe('the one text table', () => {
  it('right-aligns numeric columns and strips control characters from cells', () => {
    const out = table(['route', 'n'], [['/a\u001b[31m\nred', 7], ['/bb', 12]]);
    expect([...out].filter((c) => c !== '\n' && (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127))).toEqual([]);
    expect(out.split('\n')).toEqual(['  route         n', '  /a?[31m red   7', '  /bb          12']);
  });
});

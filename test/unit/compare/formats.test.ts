import { describe, expect, it } from 'vitest';
import { formatOf, matchesFormat } from '../../../src/compare/index.js';
import type { FormatMatcher } from '../../../src/compare/index.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

describe('formatOf', () => {
  it.each<[unknown, ReturnType<typeof formatOf>]>([
    ['3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f', 'uuid'],
    ['3F2B8C1E-9D4A-4C1B-8E2F-0A1B2C3D4E5F', 'uuid'],
    [JWT, 'jwt'],
    ['2024-05-01T12:30:00Z', 'iso-timestamp'],
    ['2024-05-01T12:30:00.123+02:00', 'iso-timestamp'],
    ['2024-05-01 12:30', 'iso-timestamp'],
    ['Wed, 01 May 2024 12:30:00 GMT', 'iso-timestamp'],
    [1714566600, 'epoch'],
    [1714566600123, 'epoch'],
    [1714566600.5, 'epoch'],
    ['12.50', 'number-like'],
    ['-3', 'number-like'],
    ['12345678', 'number-like'],
    ['deadbeefcafe', 'hex'],
    ['0xDEADBEEF', 'hex'],
    // not formats
    ['2024-05-01', null],
    ['2024-13-45T99:99:00Z', null],
    ['cafe', null],
    ['hello', null],
    [42, null],
    [999_999_999, null],
    [true, null],
    [null, null],
    [{}, null],
  ])('%j → %s', (value, expected) => expect(formatOf(value)).toBe(expected));
});

describe('matchesFormat', () => {
  it.each<[unknown, FormatMatcher, boolean]>([
    ['3f2b8c1e-9d4a-4c1b-8e2f-0a1b2c3d4e5f', 'uuid', true],
    ['3f2b8c1e9d4a4c1b8e2f0a1b2c3d4e5f', 'uuid', false],
    ['3f2b8c1e9d4a4c1b8e2f0a1b2c3d4e5f', 'hex', true],
    ['12345678', 'hex', true],
    [JWT, 'jwt', true],
    ['a.b.c', 'jwt', false],
    ['2024-05-01T12:30:00Z', 'timestamp', true],
    ['Wed, 01 May 2024 12:30:00 GMT', 'timestamp', true],
    [1714566600, 'timestamp', true],
    [17, 'timestamp', false],
    ['1714566600', 'timestamp', false],
    [12.5, 'number-like', true],
    ['1e5', 'number-like', true],
    ['1.2.3', 'number-like', false],
    ['', 'number-like', false],
  ])('%j as %s → %s', (value, matcher, expected) => expect(matchesFormat(value, matcher)).toBe(expected));
});

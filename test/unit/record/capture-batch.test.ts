import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packBatch, unpackBatch } from '../../../src/record/capture-batch.js';
import type { Capture, HeaderPairs, StoredBody } from '../../../src/types.js';

// Header text as parsers hand it over (latin1-decoded, so any char up to U+00FF), NUL included for
// the fallback, and the empty string.
const headerText = fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 12 });
const headers: fc.Arbitrary<HeaderPairs> = fc.array(fc.tuple(headerText, headerText), { maxLength: 6 });
const body: fc.Arbitrary<StoredBody> = fc.oneof(
  fc.constant<StoredBody>({ bytes: null, size: 0, truncated: false }),
  fc.uint8Array({ maxLength: 64 }).map((b): StoredBody => ({ bytes: Buffer.from(b), size: b.length, truncated: false })),
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map((b): StoredBody => ({ bytes: Buffer.from(b), size: b.length + 100, truncated: true })),
);
const capture: fc.Arbitrary<Capture> = fc.record({
  startedAt: fc.nat(),
  upstream: fc.constant('http://127.0.0.1:1'),
  request: fc.record({ method: fc.constantFrom('GET', 'POST'), url: fc.string({ maxLength: 20 }), headers, body }),
  response: fc.option(fc.record({ status: fc.integer({ min: 100, max: 599 }), headers, body }), { nil: null }),
  timing: fc.record({ ttfbMs: fc.option(fc.double({ min: 0, max: 1e4, noNaN: true }), { nil: null }), totalMs: fc.double({ min: 0, max: 1e4, noNaN: true }) }),
  failure: fc.constant(null),
});

/** As JSON: bodies become their bytes (Buffer's toJSON), whatever buffer they are a view of. */
const plain = (c: Capture): unknown => JSON.parse(JSON.stringify(c));

describe('capture batches (the handover to the writer thread)', () => {
  it('come back equal to what was packed, through a structured clone, for any headers and bodies', () => {
    fc.assert(
      fc.property(fc.array(capture, { maxLength: 8 }), (captures) => {
        const batch = packBatch(captures, 0, 0);
        // What postMessage does to everything but the transferred buffer.
        const received = { ...structuredClone({ ...batch, bodies: undefined }), bodies: batch.bodies };
        expect(unpackBatch(received).map(plain)).toEqual(captures.map(plain));
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });

  it('keep an empty header list apart from a list of one empty pair', () => {
    const base: Capture = { startedAt: 1, upstream: 'u', request: { method: 'GET', url: '/', headers: [], body: { bytes: null, size: 0, truncated: false } }, response: { status: 200, headers: [['', '']], body: { bytes: null, size: 0, truncated: false } }, timing: { ttfbMs: 1, totalMs: 1 }, failure: null };
    const [back] = unpackBatch(packBatch([base], 0, 0));
    expect(back!.request.headers).toEqual([]);
    expect(back!.response!.headers).toEqual([['', '']]);
  });
});

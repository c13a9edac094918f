import { describe, expect, it } from 'vitest';
import { bodyKey, CleanBodies } from '../../../src/redact/clean-bodies.js';

// Bodies of one length that differ only by a counter in the middle, where the sampled bytes do not look.
const body = (n: number): Buffer => {
  const b = Buffer.alloc(4096, 0x61);
  b.write(String(n).padStart(6, '0'), 2000, 'latin1');
  return b;
};
const CTX = 'json||';

describe('clean-body memory under key collisions', () => {
  it('the bodies collide: same key, different bytes', () => {
    expect(bodyKey(CTX, body(1))).toBe(bodyKey(CTX, body(2)));
    expect(body(1).equals(body(2))).toBe(false);
  });

  it('a repeating body gets remembered after bodies that never come back took its key, and then stays', () => {
    const memory = new CleanBodies();
    const seen = (b: Buffer): number | undefined => {
      const key = bodyKey(CTX, b)!;
      const at = memory.cleanAt(key, CTX, b);
      if (at === undefined) memory.add(key, CTX, b, 0);
      return at;
    };
    // A stream of one-off bodies (a counter in each) fills the key first.
    for (let n = 1; n <= 50; n++) seen(body(n));
    // Then a body that repeats: remembered within a few sightings, not scanned forever.
    const repeating = body(999_999);
    const answers = Array.from({ length: 20 }, () => seen(repeating));
    expect(answers.slice(10).every((a) => a === 0)).toBe(true);
    // One-off bodies interleaved with it do not push it out.
    for (let n = 100; n < 140; n++) {
      seen(body(n));
      expect(seen(repeating)).toBe(0);
    }
  });

  it('a body found clean at an older version is never answered as clean at a newer one without being added again', () => {
    const memory = new CleanBodies();
    const b = body(7);
    const key = bodyKey(CTX, b)!;
    memory.add(key, CTX, b, 1);
    memory.add(key, CTX, b, 1);
    expect(memory.cleanAt(key, CTX, b)).toBe(1);
    memory.add(key, CTX, b, 3);
    expect(memory.cleanAt(key, CTX, b)).toBe(3);
  });
});

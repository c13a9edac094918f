/**
 * A seeded pseudo-random source for fake upstreams and fixtures, so a test that looks random replays
 * the same values on every run (mulberry32: small, fast, and plenty for test data).
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** One of the items. */
  pick<T>(items: readonly T[]): T;
  /** `bytes` random bytes as lower-case hex. */
  hex(bytes: number): string;
  /** A version-4-shaped UUID. */
  uuid(): string;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

export function seededRandom(seed: number): SeededRandom {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const hex = (bytes: number): string => Array.from({ length: bytes }, () => int(256).toString(16).padStart(2, '0')).join('');
  return {
    next,
    int,
    pick: (items) => items[int(items.length)]!,
    hex,
    uuid: () => {
      const h = hex(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[int(4)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}

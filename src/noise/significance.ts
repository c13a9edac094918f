/**
 * Is the candidate's difference rate on a key really above the noise source's, or could the gap be
 * chance? Diffy's thresholds alone assume many samples: with six exchanges, a shuffled list that the
 * baseline happened to return in recorded order three times (and the candidate never) clears the 20%
 * relative threshold by luck. This one-sided test asks how likely a gap at least this large is when
 * both rates are in fact equal.
 */

function logFactorial(n: number): number {
  // Exact sum for small n, Stirling with its 1/(12n) correction beyond: error < 1e-10 there.
  if (n < 256) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  return n * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI * n) + 1 / (12 * n);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** Standard normal upper tail, P(Z > z) (Abramowitz and Stegun 26.2.17, |error| < 7.5e-8). */
function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  const t = 1 / (1 + 0.2316419 * z);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}

/**
 * One-sided p-value that `raw` of `n` candidate exchanges differing exceeds `noise` of `n` noise-source
 * exchanges differing by chance alone: Fisher's exact test on the 2×2 table for small samples, the
 * two-proportion z-test (pooled) beyond them.
 */
export function excessPValue(raw: number, noise: number, n: number): number {
  if (raw <= noise) return 1;
  const k = raw + noise; // exchanges that differed, over both sides (2n in all)
  if (n > 500) {
    const p = k / (2 * n);
    const se = Math.sqrt(p * (1 - p) * (2 / n));
    return se === 0 ? (raw > noise ? 0 : 1) : normalUpperTail((raw - noise) / n / se);
  }
  // Hypergeometric: of the k differing exchanges, how many fall on the candidate's side.
  const total = logChoose(2 * n, k);
  let p = 0;
  for (let a = raw; a <= Math.min(k, n); a++) p += Math.exp(logChoose(n, a) + logChoose(n, k - a) - total);
  return Math.min(1, p);
}

import type { FaultKind } from '../fault-kind.js';
import { waitOrClose } from '../../stub/stub-answer.js';

/** A standard normal deviate from two uniforms (Box–Muller): the lognormal's exponent. */
function normal(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(0) is never taken
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The delay a latency fault adds, in ms: fixed, plus uniform jitter, or lognormal around a median. */
export function latencyMs(params: { ms?: number; jitter?: number; median?: number; sigma?: number }, random: () => number): number {
  const base = params.median !== undefined ? params.median * Math.exp((params.sigma ?? 0.5) * normal(random)) : 0;
  return (params.ms ?? 0) + base + (params.jitter ? random() * params.jitter : 0);
}

/** Toxiproxy's `latency`: the answer, late. */
export const latency: FaultKind<'latency'> = {
  name: 'latency',
  async apply(params, ctx) {
    await waitOrClose(ctx.response, latencyMs(params, () => ctx.random()));
    ctx.send();
  },
};

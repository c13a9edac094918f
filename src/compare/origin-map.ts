import type { Difference } from '../types/comparison.js';
import type { CompareContext } from './contracts.js';

/** One way the target's own address can appear in what it answers, and what the recording had there. */
interface Replacement {
  from: string;
  to: string;
}

export interface OriginMap {
  /**
   * The reading under which the difference vanishes, as `filteredBy` names it
   * (`origin mapping (http://127.0.0.1:41233 read as http://staging:8080)`), or null when none does.
   */
  explain(d: Difference): string | null;
}

function parse(origin: string | undefined): URL | null {
  if (!origin) return null;
  try {
    return new URL(origin);
  } catch {
    return null;
  }
}

/** A reading of the target's address: its replacements, longest first (an origin before the authority inside it). */
interface Reading {
  pairs: Replacement[];
  description: string;
}

function reading(pairs: Replacement[], description: string): Reading {
  const all = [...pairs, ...pairs.map((p) => ({ from: encodeURIComponent(p.from), to: encodeURIComponent(p.to) }))].filter((p) => p.from !== p.to);
  return { pairs: all.sort((a, b) => b.from.length - a.from.length), description };
}

function apply(value: string, r: Reading): string {
  let out = value;
  // Asked about every differing string of a noisy body, where the address almost never occurs: a
  // search allocates nothing, while split/join copied every value once per pair.
  for (const p of r.pairs) if (out.includes(p.from)) out = out.split(p.from).join(p.to);
  return out;
}

/**
 * A server that echoes its own address (`"url": "http://127.0.0.1:41233/get"`, `"Host":
 * "127.0.0.1:41233"`) answers differently on another port for reasons of environment, not behaviour.
 * In each differing string value or text hunk, the target's origin and authority (also
 * percent-encoded) read as the recorded upstream's; failing that, its authority reads as the Host the
 * recorded request carried (a proxy that preserved the client's Host). A difference that then
 * vanishes is explained; a value that still differs (another path or id next to the echoed origin)
 * is not. `null` when there is nothing to map (no origins known, or the same on both sides).
 */
export function createOriginMap(ctx: CompareContext): OriginMap | null {
  const target = parse(ctx.candidateOrigin);
  const recorded = parse(ctx.recordedOrigin);
  if (!target || !recorded || target.origin === recorded.origin) return null;
  const readings = [
    reading([{ from: target.origin, to: recorded.origin }, { from: target.host, to: recorded.host }], `origin mapping (${target.origin} read as ${recorded.origin})`),
  ];
  if (ctx.recordedHost && ctx.recordedHost !== recorded.host && ctx.recordedHost !== target.host) {
    readings.push(reading([{ from: target.host, to: ctx.recordedHost }], `origin mapping (host ${target.host} read as the recorded Host ${ctx.recordedHost})`));
  }
  return {
    explain(d) {
      if (typeof d.before !== 'string' || typeof d.after !== 'string') return null;
      const { before, after } = d;
      return readings.find((r) => apply(after, r) === before)?.description ?? null;
    },
  };
}

/** Differences the target's echoed address explains (tagged with the reading), and the rest. */
export function splitEchoed(diffs: readonly Difference[], map: OriginMap | null): { echoed: Difference[]; rest: Difference[] } {
  if (!map) return { echoed: [], rest: [...diffs] };
  const echoed: Difference[] = [];
  const rest: Difference[] = [];
  for (const d of diffs) {
    const why = map.explain(d);
    if (why) echoed.push({ ...d, filteredBy: why });
    else rest.push(d);
  }
  return { echoed, rest };
}

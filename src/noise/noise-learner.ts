import { foldPointer } from '../compare/index.js';
import type { Config } from '../config/schema.js';
import type { Comparison, Difference, LearnedNoise } from '../types.js';
import { excessPValue } from './significance.js';
import { describeVariation, shapesOf } from './value-shape.js';
import { routeKey } from '../routes/route-key.js';

/**
 * Noise learned as Diffy does, without Diffy's blind spot.
 *
 * For every route and difference key (target + pointer with indices folded to `*`), count over the
 * run the exchanges where the candidate differs from the recording (`raw`) and those where a second
 * instance of the recorded code — the baseline, or a repeat of the same request — differs from it too
 * (`noise`). Out of `total` exchanges compared on that route, the key is a *regression* when both
 *
 *   (raw − noise) / (raw + noise) > relativeThreshold   (default 0.20), and
 *   (raw − noise) / total        > absoluteThreshold   (default 0.0003)
 *
 * and the excess is unlikely to be chance (one-sided Fisher exact test, p < significance, default 0.05:
 * with six exchanges, a shuffled list the baseline happened to return in recorded order three times
 * would otherwise clear the 20% by luck), and *noisy* otherwise. Keys whose varying values all have a volatile format (uuid, timestamp, epoch,
 * jwt, hex) are noisy whatever the rates: such values vary by nature, and with few samples a clock that
 * happened to tick in two candidate responses but one baseline response would otherwise look like a
 * change. A candidate difference on a noisy key is filtered only while the value keeps
 * its shape (JSON type and recognised format, see value-shape.ts): a timestamp turned epoch number, a
 * number turned string, is still reported. A field that appears or disappears is filtered only when the
 * noise source showed that same operation on that key.
 */

interface KeyStats {
  method: string;
  route: string;
  target: Difference['target'];
  path: string;
  raw: number;
  noise: number;
  /** Operations the noise source showed here (add / remove / replace). */
  noiseOps: Set<string>;
  /** Shapes of the values the noise source showed here (before and after). */
  noiseShapes: Set<string>;
  examples: unknown[];
}

const MAX_EXAMPLES = 4;

function keyOf(method: string, route: string, d: Difference): string {
  return `${routeKey(method, route)}\u0000${d.target}\u0000${foldPointer(d.path)}`;
}

/** Which exchange a comparison belongs to: its results carry these fields. */
export interface ExchangeRef {
  exchangeId: number;
  method: string;
  route: string;
}

export interface LearnedModel {
  /**
   * Re-classify a candidate comparison: differences on learned-noisy keys move to `filtered`.
   * Idempotent: applying it again to the same exchange (or to its result) changes nothing and counts
   * nothing twice, so a second pass (a re-publish, `replayguard report`) cannot inflate the figures.
   */
  apply(exchange: ExchangeRef, comparison: Comparison): Comparison;
  /** What was learned and used, for summaries, reports and `replayguard noise`. */
  learned(): LearnedNoise[];
}

export class NoiseLearner {
  private readonly keys = new Map<string, KeyStats>();
  private readonly totals = new Map<string, number>();

  constructor(
    private readonly thresholds: Readonly<Config['noise']>,
    private readonly source: LearnedNoise['source'],
  ) {}

  private stats(method: string, route: string, d: Difference): KeyStats {
    const k = keyOf(method, route, d);
    let s = this.keys.get(k);
    if (!s) {
      s = { method, route, target: d.target, path: d.target === 'body' ? foldPointer(d.path) : d.path, raw: 0, noise: 0, noiseOps: new Set(), noiseShapes: new Set(), examples: [] };
      this.keys.set(k, s);
    }
    return s;
  }

  /**
   * One exchange: the candidate's differences from the recording, and the noise source's (baseline,
   * or the candidate asked again) differences from the recording. Each key counts once per exchange.
   */
  observe(method: string, route: string, candidate: readonly Difference[], noise: readonly Difference[]): void {
    const key = routeKey(method, route);
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
    const seen = new Set<KeyStats>();
    for (const d of noise) {
      const s = this.stats(method, route, d);
      if (!seen.has(s)) {
        s.noise++;
        seen.add(s);
      }
      s.noiseOps.add(d.op);
      if (d.op !== 'add') for (const shape of shapesOf(d.before)) s.noiseShapes.add(shape);
      if (d.op !== 'remove') for (const shape of shapesOf(d.after)) s.noiseShapes.add(shape);
      if (s.examples.length < MAX_EXAMPLES && d.op === 'replace') s.examples.push(d.after);
    }
    const counted = new Set<KeyStats>();
    for (const d of candidate) {
      const s = this.stats(method, route, d);
      if (!counted.has(s)) {
        s.raw++;
        counted.add(s);
      }
    }
  }

  /** Decide, once every exchange was observed. */
  finish(): LearnedModel {
    const { relativeThreshold, absoluteThreshold, significance } = this.thresholds;
    const noisy = new Map<string, KeyStats>();
    for (const [k, s] of this.keys) {
      if (s.noise === 0) continue;
      const total = this.totals.get(routeKey(s.method, s.route)) ?? 1;
      const excess = s.raw - s.noise;
      const relative = s.raw + s.noise === 0 ? 0 : excess / (s.raw + s.noise);
      const absolute = excess / total;
      const regression = relative > relativeThreshold && absolute > absoluteThreshold && excessPValue(s.raw, s.noise, total) < significance;
      if (!regression || volatileOnly(s.noiseShapes)) noisy.set(k, s);
    }
    const source = this.source;
    // Exchanges whose differences each noisy key filtered, by id: a set, so applying twice counts once.
    const hits = new Map<KeyStats, Set<number>>();
    return {
      apply({ exchangeId, method, route }, comparison) {
        if (comparison.differences.length === 0) return comparison;
        const kept: Difference[] = [];
        const filtered: Difference[] = [...comparison.filtered];
        const hit = new Set<KeyStats>();
        for (const d of comparison.differences) {
          const s = noisy.get(keyOf(method, route, d));
          if (s && keepsShape(d, s)) {
            filtered.push({ ...d, filteredBy: `learned noise (${source}): ${s.path || d.target} ${describeKind(s)}` });
            hit.add(s);
          } else kept.push(d);
        }
        if (hit.size === 0) return comparison;
        for (const s of hit) {
          let ids = hits.get(s);
          if (!ids) hits.set(s, (ids = new Set()));
          ids.add(exchangeId);
        }
        return { ...comparison, differences: kept, filtered, verdict: kept.length ? 'regression' : 'noise' };
      },
      learned() {
        return [...noisy.values()]
          .filter((s) => hits.has(s))
          .map((s) => ({ method: s.method, route: s.route, target: s.target, path: s.path, kind: describeKind(s), source, exchanges: hits.get(s)!.size, examples: s.examples }))
          .sort((a, b) => b.exchanges - a.exchanges || a.route.localeCompare(b.route) || a.path.localeCompare(b.path));
      },
    };
  }
}

const VOLATILE_FORMATS = new Set(['uuid', 'iso-timestamp', 'epoch', 'jwt', 'hex']);

function volatileOnly(shapes: ReadonlySet<string>): boolean {
  if (shapes.size === 0) return false;
  for (const shape of shapes) if (!VOLATILE_FORMATS.has(shape.split(':')[1] ?? '')) return false;
  return true;
}

function describeKind(s: KeyStats): string {
  const ops = [...s.noiseOps];
  if (ops.length === 1 && ops[0] !== 'replace') return ops[0] === 'add' ? 'sometimes added' : 'sometimes removed';
  return describeVariation([...s.noiseShapes]);
}

/** A difference on a noisy key is noise only if the noise source showed the same kind of change. */
function keepsShape(d: Difference, s: KeyStats): boolean {
  if (!s.noiseOps.has(d.op)) return false;
  if (d.op !== 'replace') return true;
  // The candidate's new value must have the recorded value's shape, and that shape must be one the
  // noise source also produced: a varying uuid stays a uuid, a varying timestamp stays a timestamp.
  const after = new Set(shapesOf(d.after));
  return shapesOf(d.before).some((shape) => after.has(shape) && s.noiseShapes.has(shape));
}

import { foldPointer, unescapeSegment } from '../compare/index.js';
import { isDataKey } from '../routes/data-key.js';
import type { Config, NoiseRule } from '../config/schema.js';
import { isMutating } from '../replay/scheduler.js';
import type { Comparison, Difference, LearnedNoise, NoiseTests, UnreproducedGroup } from '../types.js';
import { benjaminiHochberg } from './false-discovery.js';
import { KeyVariety, parentOf } from './key-variety.js';
import { driftMessage, explainDrift, isHarmlessStatusDrift, reproductionKey } from './reproduction.js';
import { routeKey } from '../routes/route-key.js';
import { excessPValue } from './significance.js';
import { ValueDomain } from './value-domain.js';
import { describeVariation, EpochTracker, shapesOf } from './value-shape.js';

/**
 * Noise learned as Diffy does, without Diffy's blind spots.
 *
 * For every route and difference key (target + pointer with indices and data-like keys folded to
 * `*`), count over the run the exchanges where the candidate differs from the recording (`raw`) and
 * those where a second instance of the recorded code — the baseline, or a repeat of the same request
 * — differs from it too (`noise`). Out of `total` exchanges compared on that route, the key is a
 * *regression* when both
 *
 *   (raw − noise) / (raw + noise) > relativeThreshold   (default 0.20), and
 *   (raw − noise) / total        > absoluteThreshold   (default 0.0003)
 *
 * and the excess is unlikely to be chance: a one-sided Fisher exact test per key, its p-values
 * corrected across every key tested in the run (Benjamini–Hochberg at `significance`, default 0.05),
 * since a hundred keys tested at 5 % each flag five on an unchanged build. Otherwise it is *noisy*.
 * Keys whose varying values all have a volatile format (uuid, timestamp, jwt, hex, or numbers that
 * are consistently one clock), and keys that vary within a small domain, are noisy whatever the rates.
 *
 * A candidate difference on a noisy key is filtered only while the value keeps its shape (JSON type
 * and recognised format, see value-shape.ts) and, when the key has a small domain (value-domain.ts),
 * stays inside it. A field that appears or disappears is filtered only when the noise source showed
 * that same operation on that key.
 *
 * Drift is not variation (reproduction.ts): where the candidate and the baseline agree with each
 * other and not with the recording — a status on one exchange, any other key on most of its
 * exchanges — the difference is `unreproduced`, never noise, unless it is recognisably harmless (a
 * recorded 304 with a stale etag, a clock that moved on), which is filtered and explained.
 */

interface KeyStats {
  method: string;
  route: string;
  target: Difference['target'];
  path: string;
  raw: number;
  noise: number;
  /** Exchanges where the candidate's differences here were exactly the baseline's. */
  agree: number;
  /** Exchanges where only one side differed here, or both differently. */
  disagree: number;
  /** Operations the noise source showed here (add / remove / replace). */
  noiseOps: Set<string>;
  /** Shapes of the values the noise source showed here (before and after). */
  noiseShapes: Set<string>;
  domain: ValueDomain;
  clock: EpochTracker;
  /** Every key added or removed here was data (an id, hash or date folded to `*`), not an index. */
  dataKeys: boolean | undefined;
  examples: unknown[];
}

const MAX_EXAMPLES = 4;

/** The pointer with its parent folded (indices, data-like keys) and its own last key as it was. */
function foldParent(pointer: string): string {
  const parent = parentOf(pointer);
  return `${foldPointer(parent)}${pointer.slice(parent.length)}`;
}
/** A key other than the status drifts only on this many agreeing exchanges (and ≥ 90 % of those that differ). */
const MIN_DRIFT_EXCHANGES = 5;
const DRIFT_SHARE = 0.9;

function keyOf(method: string, route: string, d: Difference): string {
  return `${routeKey(method, route)}\u0000${d.target}\u0000${d.target === 'body' ? foldPointer(d.path) : d.path}`;
}

/** Which exchange a comparison belongs to: its results carry these fields. */
export interface ExchangeRef {
  exchangeId: number;
  method: string;
  route: string;
}

export interface LearnedModel {
  /**
   * Re-classify a candidate comparison: differences on learned-noisy keys move to `filtered`, drifted
   * ones are marked `unreproduced`. Idempotent: applying it again to the same exchange (or to its
   * result) changes nothing and counts nothing twice.
   */
  apply(exchange: ExchangeRef, comparison: Comparison): Comparison;
  /** What was learned and used, for summaries, reports and `replayguard noise`. */
  learned(): LearnedNoise[];
  /** What the replay did not reproduce, most widespread first, harmless drift last. */
  unreproduced(): UnreproducedGroup[];
  /** How many keys were tested for an excess over the noise source, and at which level. */
  tests(): NoiseTests;
}

interface DriftGroup {
  target: Difference['target'];
  path: string;
  change: string;
  harmless: boolean;
  cause: string;
  exchanges: Set<number>;
  writes: Set<number>;
  routes: Set<string>;
}

export class NoiseLearner {
  private readonly keys = new Map<string, KeyStats>();
  private readonly totals = new Map<string, number>();
  private readonly variety = new KeyVariety();

  constructor(
    private readonly thresholds: Readonly<Config['noise']>,
    private readonly source: LearnedNoise['source'],
  ) {}

  private stats(method: string, route: string, d: Difference): KeyStats {
    const k = keyOf(method, route, d);
    let s = this.keys.get(k);
    if (!s) {
      s = {
        method,
        route,
        target: d.target,
        path: d.target === 'body' ? foldPointer(d.path) : d.path,
        raw: 0,
        noise: 0,
        agree: 0,
        disagree: 0,
        noiseOps: new Set(),
        noiseShapes: new Set(),
        domain: new ValueDomain(),
        clock: new EpochTracker(),
        dataKeys: undefined,
        examples: [],
      };
      this.keys.set(k, s);
    }
    return s;
  }

  /**
   * One exchange: the candidate's differences from the recording (marked `onBaseline` where the
   * baseline showed the same), and the noise source's (baseline, or the candidate asked again)
   * differences from the recording. Each key counts once per exchange. In an exchange whose status
   * drifted (candidate and baseline agree on another status than recorded) only what still differs
   * between the two sides is observed.
   */
  observe(method: string, route: string, candidate: readonly Difference[], noise: readonly Difference[]): void {
    if (candidate.some((d) => d.target === 'status' && d.onBaseline)) {
      // Not reproduced: what both sides share is drift, never noise. What still varies between them
      // (a clock, a request id) is variation like anywhere else.
      const shared = new Set(candidate.filter((d) => d.onBaseline).map(reproductionKey));
      candidate = candidate.filter((d) => !d.onBaseline);
      noise = noise.filter((d) => !shared.has(reproductionKey(d)));
    }
    const key = routeKey(method, route);
    this.totals.set(key, (this.totals.get(key) ?? 0) + 1);
    const perKey = new Map<KeyStats, { cand: Difference[]; base: Difference[] }>();
    const entry = (d: Difference) => {
      const s = this.stats(method, route, d);
      let e = perKey.get(s);
      if (!e) perKey.set(s, (e = { cand: [], base: [] }));
      return e;
    };
    for (const d of noise) entry(d).base.push(d);
    for (const d of candidate) entry(d).cand.push(d);
    const structural: string[] = [];
    for (const [s, { cand, base }] of perKey) {
      if (base.length) {
        s.noise++;
        for (const d of base) {
          s.noiseOps.add(d.op);
          if (d.op !== 'add') this.seen(s, d.before, 'recorded');
          if (d.op !== 'remove') this.seen(s, d.after, 'baseline');
          if (s.examples.length < MAX_EXAMPLES && d.op === 'replace') s.examples.push(d.after);
        }
      }
      if (cand.length) {
        s.raw++;
        // The recorded value once per exchange: the baseline's differences already carry it.
        if (!base.length) for (const d of cand) if (d.op !== 'add') this.seen(s, d.before, 'recorded', false);
        for (const d of cand) if (d.op !== 'remove') s.clock.add(d.after);
      }
      if (this.source === 'baseline') {
        if (cand.length > 0 && cand.length === base.length && cand.every((d) => d.onBaseline)) s.agree++;
        else s.disagree++;
      }
      if (s.target === 'body') {
        for (const d of [...cand, ...base]) {
          if (d.op === 'replace' || !d.path.startsWith('/')) continue;
          structural.push(foldParent(d.path));
          s.dataKeys = s.dataKeys !== false && isDataKey(unescapeSegment(d.path.slice(d.path.lastIndexOf('/') + 1)));
        }
      }
    }
    this.variety.exchange(method, route, structural);
  }

  /** A value the recording or the noise source showed (`shapes`: count its shape as one that varies). */
  private seen(s: KeyStats, value: unknown, side: 'recorded' | 'baseline', shapes = true): void {
    if (shapes) for (const shape of shapesOf(value)) s.noiseShapes.add(shape);
    s.domain.add(value, side);
    s.clock.add(value);
  }

  /** Decide, once every exchange was observed. */
  finish(): LearnedModel {
    const { relativeThreshold, absoluteThreshold, significance } = this.thresholds;
    const noisy = new Map<string, KeyStats>();
    const drifted = new Map<string, KeyStats>();
    const tested: Array<{ k: string; s: KeyStats; p: number; flagged: boolean }> = [];
    for (const [k, s] of this.keys) {
      const diffExchanges = s.agree + s.disagree;
      if (this.source === 'baseline' && s.agree >= (s.target === 'status' ? 1 : MIN_DRIFT_EXCHANGES) && s.agree >= DRIFT_SHARE * diffExchanges) {
        drifted.set(k, s);
        continue;
      }
      if (s.noise === 0) continue;
      // Variation within a small domain (a random boolean, an enum) is noise at any rate: the domain
      // check, not the rate, catches a change there (a value never seen before).
      if (domainOf(s) !== null) {
        noisy.set(k, s);
        continue;
      }
      const total = this.totals.get(routeKey(s.method, s.route)) ?? 1;
      const excess = s.raw - s.noise;
      const relative = s.raw + s.noise === 0 ? 0 : excess / (s.raw + s.noise);
      const absolute = excess / total;
      tested.push({ k, s, p: excessPValue(s.raw, s.noise, total), flagged: relative > relativeThreshold && absolute > absoluteThreshold });
    }
    // Benjamini–Hochberg over every key tested; `significance: 1` turns the test off, as it did per key.
    const bh = benjaminiHochberg(
      tested.map((t) => t.p),
      significance,
    );
    tested.forEach((t, i) => {
      const regression = t.flagged && (significance >= 1 || bh.rejected[i]!);
      if (!regression || volatileOnly(t.s)) noisy.set(t.k, t.s);
    });
    const varying = this.variety.varying();
    const tests: NoiseTests = { keys: tested.length, level: significance, method: 'Benjamini–Hochberg', significant: bh.rejected.filter(Boolean).length };

    const source = this.source;
    const hits = new Map<string, Set<number>>();
    const hit = (id: string, exchangeId: number): void => {
      let ids = hits.get(id);
      if (!ids) hits.set(id, (ids = new Set()));
      ids.add(exchangeId);
    };
    const groups = new Map<string, DriftGroup>();
    const drift = (ref: ExchangeRef, d: Difference, clock: boolean): { harmless: boolean; cause: string } => {
      const path = d.target === 'body' ? foldPointer(d.path) : d.path;
      const { cause, harmless } = explainDrift(d, clock);
      const id = `${d.target}\u0000${path}\u0000${d.change}`;
      let g = groups.get(id);
      if (!g) groups.set(id, (g = { target: d.target, path, change: d.change, harmless, cause, exchanges: new Set(), writes: new Set(), routes: new Set() }));
      g.exchanges.add(ref.exchangeId);
      if (isMutating(ref.method)) g.writes.add(ref.exchangeId);
      g.routes.add(routeKey(ref.method, ref.route));
      return { harmless, cause };
    };

    return {
      apply(ref, comparison) {
        if (comparison.differences.length === 0) return comparison;
        const { method, route } = ref;
        const kept: Difference[] = [];
        const filtered: Difference[] = [...comparison.filtered];
        let changed = false;
        const statusDrift = comparison.differences.find((d) => d.target === 'status' && d.onBaseline);
        const staleConditional = statusDrift !== undefined && isHarmlessStatusDrift(statusDrift);
        if (statusDrift) drift(ref, statusDrift, false);
        for (const d of comparison.differences) {
          if (statusDrift && (d.onBaseline || staleConditional)) {
            // The exchange did not replay what was recorded: what both sides share is part of that.
            changed = true;
            if (staleConditional) filtered.push({ ...d, filteredBy: `recording drift: status 304 → 200 on both target and baseline (stale etag); nothing to compare with` });
            else kept.push({ ...d, unreproduced: true });
            continue;
          }
          const k = keyOf(method, route, d);
          const dr = drifted.get(k);
          // On a clock that drifted, a tick between the two sides is the same harmless drift.
          const clock = dr !== undefined && volatileOnly(dr);
          if (dr && (d.onBaseline || (clock && keepsShape(d, dr)))) {
            changed = true;
            const { harmless, cause } = drift(ref, d, clock);
            if (harmless) filtered.push({ ...d, filteredBy: `recording drift: ${dr.path || d.target} on both target and baseline (${cause})` });
            else kept.push({ ...d, unreproduced: true });
            continue;
          }
          const s = noisy.get(k);
          if (s && keepsShape(d, s) && inDomain(d, s)) {
            changed = true;
            filtered.push({ ...d, filteredBy: `learned noise (${source}): ${s.path || d.target} ${describeKind(s)}` });
            hit(k, ref.exchangeId);
            continue;
          }
          const parent = d.target === 'body' && d.op !== 'replace' ? varying.get(`${method} ${route}\u0000${parentOf(foldParent(d.path))}`) : undefined;
          if (parent) {
            changed = true;
            filtered.push({ ...d, filteredBy: `learned noise (${source}): keys vary under ${parent}` });
            hit(`keys\u0000${method} ${route}\u0000${parent}`, ref.exchangeId);
            continue;
          }
          kept.push(d);
        }
        if (!changed) return comparison;
        const verdict = kept.some((d) => !d.unreproduced) ? 'regression' : kept.length ? 'unreproduced' : 'noise';
        return { ...comparison, differences: kept, filtered, verdict };
      },
      learned() {
        const out: LearnedNoise[] = [];
        for (const [k, s] of noisy) {
          const ids = hits.get(k);
          if (!ids) continue;
          out.push({ method: s.method, route: s.route, target: s.target, path: s.path, kind: describeKind(s), source, exchanges: ids.size, examples: s.examples, suggestion: suggest(s) });
        }
        for (const [id, ids] of hits) {
          if (!id.startsWith('keys\u0000')) continue;
          const [, routeKey, path] = id.split('\u0000') as [string, string, string];
          const space = routeKey.indexOf(' ');
          out.push({ method: routeKey.slice(0, space), route: routeKey.slice(space + 1), target: 'body', path, kind: 'keys vary', source, exchanges: ids.size, examples: [], suggestion: { rule: { path, keys: 'vary' } } });
        }
        return out.sort((a, b) => b.exchanges - a.exchanges || a.route.localeCompare(b.route) || a.path.localeCompare(b.path));
      },
      unreproduced() {
        return [...groups.values()]
          .map((g): UnreproducedGroup => {
            const base = { target: g.target, path: g.path, change: g.change, exchanges: g.exchanges.size, writes: g.writes.size, routes: [...g.routes].sort(), harmless: g.harmless, cause: g.cause };
            return { ...base, message: driftMessage(base) };
          })
          .sort((a, b) => Number(a.harmless) - Number(b.harmless) || b.exchanges - a.exchanges || a.message.localeCompare(b.message));
      },
      tests: () => tests,
    };
  }
}

const VOLATILE_FORMATS = new Set(['uuid', 'iso-timestamp', 'jwt', 'hex']);

/** Every varying value had a volatile format, or every number was one clock. */
function volatileOnly(s: KeyStats): boolean {
  if (s.noiseShapes.size === 0) return false;
  for (const shape of s.noiseShapes) {
    if (shape === 'number' && s.clock.isClock()) continue;
    if (!VOLATILE_FORMATS.has(shape.split(':')[1] ?? '')) return false;
  }
  return true;
}

function describeKind(s: KeyStats): string {
  const ops = [...s.noiseOps];
  if (ops.length === 1 && ops[0] !== 'replace') return ops[0] === 'add' ? 'sometimes added' : 'sometimes removed';
  const domain = domainOf(s);
  if (domain && ops.length === 1) return `value varies within {${domain.map((v) => JSON.stringify(v)).join(', ')}}`;
  if ([...s.noiseShapes].every((x) => x === 'number') && s.clock.isClock()) return 'value varies (epoch)';
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

/** The key's small set of values, unless they are clocks, ids or tokens (which vary by nature). */
function domainOf(s: KeyStats): unknown[] | null {
  return volatileOnly(s) ? null : s.domain.values();
}

/** A key with a domain accepts only values from it: a never-seen enum value is a change. */
function inDomain(d: Difference, s: KeyStats): boolean {
  if (d.op === 'remove' || domainOf(s) === null) return true;
  return s.domain.has(d.after);
}

const FORMAT_RULE: Record<string, NoiseRule['match']> = {
  'string:uuid': 'uuid',
  'string:iso-timestamp': 'timestamp',
  'string:jwt': 'jwt',
  'string:hex': 'hex',
  'string:number-like': 'number-like',
};

/**
 * The narrowest rule that keeps filtering this noise without a baseline: a domain, a format, a clock,
 * or at least the JSON type. Never an ignore: a rule must not hide a field that disappears, a status,
 * a whole body or a change of structure, so a key that was sometimes added or removed gets none.
 */
function suggest(s: KeyStats): LearnedNoise['suggestion'] {
  // Keys that come and go and were ids or dates: the object's keys are data.
  if (s.dataKeys && s.path.endsWith('/*') && !s.noiseOps.has('replace')) return { rule: { path: parentOf(s.path), keys: 'vary' } };
  if ([...s.noiseOps].some((op) => op !== 'replace')) return undefined;
  if (s.target === 'header') return { ignoreHeader: s.path };
  if (s.target !== 'body' || !s.path.startsWith('/')) return undefined;
  const domain = domainOf(s);
  if (domain) return { rule: { path: s.path, match: 'domain', values: domain as Array<string | number | boolean | null> } };
  // One format for every value seen (overlapping formats, such as an all-digit hex id, fall back to the type).
  const shapes = [...s.noiseShapes];
  const format = shapes.length === 1 ? FORMAT_RULE[shapes[0]!] : undefined;
  if (format) return { rule: { path: s.path, match: format } };
  if (shapes.every((x) => x === 'number') && s.clock.isClock()) return { rule: { path: s.path, match: 'timestamp' } };
  return { rule: { path: s.path, match: 'type' } };
}

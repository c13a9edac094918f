import { canonicalJson } from '../compare/json-value.js';
import type { Difference, UnreproducedGroup } from '../types.js';

/**
 * Telling drift from variation. A second instance of the recorded code (the baseline) that differs
 * from the recording is usually noise: values that vary. But when the candidate and the baseline
 * *agree* with each other and both differ from the recording, nothing varies: the replay does not
 * reproduce what was recorded (credentials or data missing, a stale recording, another environment).
 * Learning that as noise is how a run with every write answered 401 passes; it must say so instead.
 */

/** Two differences are the same when this key is: same place, operation and new value. */
export function reproductionKey(d: Difference): string {
  return `${d.target}\u0000${d.path}\u0000${d.op}\u0000${d.op === 'remove' ? '' : canonicalJson(d.after)}`;
}

/**
 * The candidate's differences, each marked `onBaseline` when the baseline showed the very same one
 * (same place, operation and new value).
 */
export function markReproduced(candidate: readonly Difference[], baseline: readonly Difference[]): Difference[] {
  if (baseline.length === 0) return [...candidate];
  const seen = new Set(baseline.map(reproductionKey));
  return candidate.map((d) => (seen.has(reproductionKey(d)) ? { ...d, onBaseline: true } : d));
}

/** A status change on both sides that is not a change of behaviour: a recorded 304 whose etag is stale. */
export function isHarmlessStatusDrift(d: Difference): boolean {
  return d.target === 'status' && d.before === 304 && d.after === 200;
}

function statusCause(before: unknown, after: unknown): { cause: string; harmless: boolean } {
  const to = typeof after === 'number' ? after : 0;
  if (before === 304 && to === 200) return { cause: 'the recorded conditional request no longer matches (a stale etag or date): harmless, the full body is sent again', harmless: true };
  if (to === 401 || to === 403 || to === 407) return { cause: 'are credentials missing or expired? (pass --header, or re-record the login)', harmless: false };
  if (to === 404 || to === 410) return { cause: 'is data missing on the target (not seeded as when recorded, or created by requests that failed)?', harmless: false };
  if (to === 429) return { cause: 'is the target rate-limiting the replay? (lower --concurrency or set --rate)', harmless: false };
  if (to >= 500) return { cause: 'is a dependency of the target down or not configured?', harmless: false };
  return { cause: 'is the recording stale (re-record), or the environment different from the recorded one?', harmless: false };
}

/** Why the replay might not reproduce a drifted difference, and whether that drift is harmless. */
export function explainDrift(d: Pick<Difference, 'target' | 'before' | 'after'>, clock: boolean): { cause: string; harmless: boolean } {
  if (d.target === 'status') return statusCause(d.before, d.after);
  if (clock) return { cause: 'a clock value: time moved on since the recording; harmless', harmless: true };
  return { cause: 'the target and the baseline agree with each other, not with the recording: is the recording stale, or their data different?', harmless: false };
}

/** `status 201 → 401`, `header location value changed`, `/count value changed`. */
export function driftLabel(g: Pick<UnreproducedGroup, 'target' | 'path' | 'change'>): string {
  if (g.target === 'status') return `status ${g.change}`;
  if (g.target === 'header') return `header ${g.path} ${g.change}`;
  return `${g.path || 'body'} ${g.change}`;
}

/** `status 201 → 401 on 11 writes on both target and baseline: are credentials missing or expired? …` */
export function driftMessage(g: Omit<UnreproducedGroup, 'message'>): string {
  const unit = g.writes === g.exchanges ? 'write' : g.writes === 0 ? 'read' : 'exchange';
  return `${driftLabel(g)} on ${g.exchanges} ${unit}${g.exchanges === 1 ? '' : 's'} on both target and baseline: ${g.cause}`;
}

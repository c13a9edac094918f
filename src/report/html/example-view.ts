import { diffLines } from 'diff';
import type { AppliedMapping, Difference, HeaderPairs, ObservedResponse, RecordedResponse, ReplayResult, Verdict } from '../../types.js';
import { FAULT_HEADER } from '../../faults/fault-kind.js';
import { describeDifference, formatValue } from '../format.js';
import { bodyView, bodyViewWeight, type BodyView, type BodyViewOptions } from './body-view.js';

export interface DiffView {
  target: Difference['target'];
  op: Difference['op'];
  path: string;
  label: string;
  signature: string;
  before?: string;
  after?: string;
  filteredBy?: string;
}

export interface SideView {
  status: number;
  headers: HeaderPairs;
  body: BodyView;
  totalMs: number | null;
}

/** One exchange as embedded in the page: everything the drill-down shows, nothing more. */
export interface ExampleView {
  id: number;
  seq: number;
  method: string;
  url: string;
  route: string;
  verdict: Verdict;
  request: { headers: HeaderPairs; body: BodyView };
  /** The request actually sent to the candidate, when stateful replay or overrides changed it (secrets as placeholders). */
  sent: { url: string; headers: HeaderPairs; body: string | null } | null;
  /** Recorded values replaced on the way (ids, secrets), with where each was learned. */
  mappings: AppliedMapping[];
  recorded: SideView | null;
  candidate: SideView | null;
  baseline: SideView | null;
  differences: DiffView[];
  filtered: DiffView[];
  /** Recorded → candidate line diff when both bodies are text: [marker, text] with -1/0/1. */
  textDiff: Array<[-1 | 0 | 1, string]> | null;
  notes: string[];
  error: string | null;
}

const MAX_DIFFS = 100; // per exchange; the group counts already tell the scale
const VALUE_CHARS = 300;
const HEADER_CHARS = 2000;

function diffView(d: Difference): DiffView {
  const v: DiffView = { target: d.target, op: d.op, path: d.path, label: describeDifference(d), signature: d.signature };
  if ('before' in d && d.op !== 'add') v.before = formatValue(d.before, VALUE_CHARS);
  if ('after' in d && d.op !== 'remove') v.after = formatValue(d.after, VALUE_CHARS);
  if (d.filteredBy) v.filteredBy = d.filteredBy;
  return v;
}

function capHeaders(h: HeaderPairs): HeaderPairs {
  return h.slice(0, 200).map(([n, v]) => [n.slice(0, 200), v.length > HEADER_CHARS ? `${v.slice(0, HEADER_CHARS)}…` : v]);
}

function side(r: RecordedResponse | ObservedResponse | null, totalMs: number | null, opts: BodyViewOptions): SideView | null {
  if (!r) return null;
  return { status: r.status, headers: capHeaders(r.headers), body: bodyView(r.body, r.headers, opts), totalMs };
}

function lineDiff(a: BodyView, b: BodyView): ExampleView['textDiff'] {
  if (a.kind !== 'text' || b.kind !== 'text') return null;
  return diffLines(a.text, b.text).map((p) => [p.added ? 1 : p.removed ? -1 : 0, p.value]);
}

/**
 * The stub faults behind an exchange, when the target passes its dependency's `x-replayguard-fault`
 * header on (see README, "Dependencies and failure modes"): shown next to the exchange.
 */
function faultsInPlay(r: ReplayResult): string | null {
  const of = (x: ObservedResponse | null): string | undefined => x?.headers.find(([n]) => n.toLowerCase() === FAULT_HEADER)?.[1];
  const cand = of(r.candidate);
  const base = of(r.baseline);
  if (!cand && !base) return null;
  return `faults in play: candidate ${cand ?? 'none'}; baseline ${base ?? 'none'}`;
}

/** Decode and cap one result for embedding; the Buffers of the result are not retained. */
export function exampleView(r: ReplayResult, opts: BodyViewOptions = {}): { view: ExampleView; weight: number } {
  const recorded = side(r.recorded, r.recordedTiming.totalMs, opts);
  const candidate = side(r.candidate, r.candidate?.timing.totalMs ?? null, opts);
  const baseline = side(r.baseline, r.baseline?.timing.totalMs ?? null, opts);
  const diffs = r.comparison?.differences ?? [];
  const filtered = r.comparison?.filtered ?? [];
  const notes = [...(r.comparison?.notes ?? [])];
  if (diffs.length > MAX_DIFFS) notes.push(`${diffs.length} differences: first ${MAX_DIFFS} listed`);
  if (filtered.length > MAX_DIFFS) notes.push(`${filtered.length} filtered differences: first ${MAX_DIFFS} listed`);
  const faults = faultsInPlay(r);
  if (faults) notes.push(faults);
  const error = r.error ? `${r.error.kind} (${r.error.code}): ${r.error.message}` : r.skippedReason ? `skipped: ${r.skippedReason}` : null;
  const view: ExampleView = {
    id: r.exchangeId,
    seq: r.seq,
    method: r.method,
    url: r.url,
    route: r.route,
    verdict: r.verdict,
    request: { headers: capHeaders(r.request.headers), body: bodyView(r.request.body, r.request.headers, opts) },
    sent: r.sent ? { url: r.sent.url, headers: capHeaders(r.sent.headers), body: r.sent.body === undefined ? null : r.sent.body.slice(0, HEADER_CHARS) } : null,
    mappings: (r.mappings ?? []).slice(0, MAX_DIFFS),
    recorded,
    candidate,
    baseline,
    differences: diffs.slice(0, MAX_DIFFS).map(diffView),
    filtered: filtered.slice(0, MAX_DIFFS).map(diffView),
    textDiff: recorded && candidate ? lineDiff(recorded.body, candidate.body) : null,
    notes,
    error,
  };
  const weight =
    2000 +
    [view.request.body, recorded?.body, candidate?.body, baseline?.body].reduce((n, b) => n + (b ? bodyViewWeight(b) : 0), 0) +
    (view.textDiff ? view.textDiff.reduce((n, [, t]) => n + t.length, 0) : 0);
  return { view, weight };
}

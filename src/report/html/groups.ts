import type { ReplayResult, Verdict } from '../../types.js';
import { routeKey, signatureLabel } from '../format.js';
import { noiseSnippet } from '../noise-snippet.js';
import { signatureHits } from '../signature-groups.js';
import { exampleView, type ExampleView } from './example-view.js';

export type GroupVerdict = Exclude<Verdict, 'pass'>;

/** One behaviour change on one route, as the page lists it. */
export interface Group {
  /** Stable across regenerations of the same run, so a `#group=` link keeps pointing at it. */
  id: string;
  method: string;
  route: string;
  verdict: GroupVerdict;
  signature: string;
  label: string;
  filteredBy?: string;
  /** Exchanges of the route showing it (each counted once). */
  exchanges: number;
  exampleIds: number[];
  /** Ready-to-paste config that files a regression group under noise, or null. */
  snippet: string | null;
  snippetNote: string | null;
}

export interface GroupCaps {
  examplesPerGroup: number;
  bodyCapBytes: number;
  /** Exchanges counted in a group but not embedded as examples (per-group limit or page budget). */
  examplesNotEmbedded: number;
  /** True when the page budget stopped embedding examples altogether. */
  budgetReached: boolean;
  /** Distinct groups past `maxGroups`, counted only in the totals. */
  groupsDropped: number;
}

export interface GroupAccumulatorOptions {
  /** @default 5 */
  examplesPerGroup?: number;
  /** Decoded body bytes kept per body. @default 32 KiB */
  bodyCapBytes?: number;
  /** Rough bytes of embedded examples at most, keeping the page small enough to open. @default 12 MB */
  budgetBytes?: number;
  /** @default 5000 */
  maxGroups?: number;
}

interface GroupState extends Omit<Group, 'snippet' | 'snippetNote'> {
  before?: unknown;
  after?: unknown;
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function primitive(v: unknown): unknown {
  return v === null || typeof v !== 'object' ? v : Array.isArray(v) ? [] : {};
}

/**
 * Folds results into groups as they arrive. Counts are kept for every result; examples only for the
 * first few of each group and within a byte budget, decoded at once so no Buffer outlives onResult.
 */
export function createGroupAccumulator(options: GroupAccumulatorOptions = {}) {
  const perGroup = options.examplesPerGroup ?? 5;
  const bodyCapBytes = options.bodyCapBytes ?? 32 * 1024;
  const budget = options.budgetBytes ?? 12_000_000;
  const maxGroups = options.maxGroups ?? 5000;
  const groups = new Map<string, GroupState>();
  const ids = new Set<string>();
  const examples = new Map<number, ExampleView>();
  const caps: GroupCaps = { examplesPerGroup: perGroup, bodyCapBytes, examplesNotEmbedded: 0, budgetReached: false, groupsDropped: 0 };
  let spent = 0;

  function groupFor(key: string, make: () => Omit<GroupState, 'id' | 'exchanges' | 'exampleIds'>): GroupState | null {
    const found = groups.get(key);
    if (found) return found;
    if (groups.size >= maxGroups) {
      caps.groupsDropped++;
      return null;
    }
    let id = `g${fnv1a(key)}`;
    for (let n = 2; ids.has(id); n++) id = `g${fnv1a(key)}-${n}`;
    ids.add(id);
    const g: GroupState = { ...make(), id, exchanges: 0, exampleIds: [] };
    groups.set(key, g);
    return g;
  }

  function add(r: ReplayResult): void {
    const rk = routeKey(r.method, r.route);
    const base = { method: r.method, route: r.route };
    const hits = new Set<GroupState>();
    for (const hit of signatureHits(r)) {
      const g = groupFor(hit.key, () =>
        hit.verdict === 'noise'
          ? { ...base, verdict: 'noise', signature: hit.signature, label: signatureLabel(hit.signature), filteredBy: hit.filteredBy }
          : {
              ...base,
              verdict: hit.verdict,
              signature: hit.signature,
              label: hit.verdict === 'unreproduced' ? `not reproduced: ${signatureLabel(hit.signature)} (on the baseline too)` : signatureLabel(hit.signature),
              before: primitive(hit.difference.before),
              after: primitive(hit.difference.after),
            },
      );
      if (g) hits.add(g);
    }
    if (r.verdict === 'error' || r.verdict === 'skipped') {
      const what = r.verdict === 'error' ? `${r.error?.kind ?? 'error'} (${r.error?.code ?? 'unknown'})` : (r.skippedReason ?? r.error?.message ?? 'skipped');
      const g = groupFor(`${rk}\0${r.verdict}\0${what}`, () => ({
        ...base,
        verdict: r.verdict as GroupVerdict,
        signature: `${r.verdict}:${what}`,
        label: r.verdict === 'error' ? `transport ${what}` : `skipped: ${what}`,
      }));
      if (g) hits.add(g);
    }
    if (r.verdict === 'unreproduced' && !r.comparison && r.error) {
      // Not sent at all: grouped by its cause (which secrets it needs), since there is no difference.
      const what = r.error.message;
      const g = groupFor(`${rk}\0unreproduced\0${what}`, () => ({ ...base, verdict: 'unreproduced', signature: `unreproduced:${r.error!.code}`, label: `not reproduced: ${what}` }));
      if (g) hits.add(g);
    }

    let view: ExampleView | null = null;
    for (const g of hits) {
      g.exchanges++;
      if (g.exampleIds.length >= perGroup || caps.budgetReached) {
        caps.examplesNotEmbedded++;
        continue;
      }
      if (!view && !examples.has(r.exchangeId)) {
        const made = exampleView(r, { capBytes: bodyCapBytes });
        if (spent + made.weight > budget) {
          caps.budgetReached = true;
          caps.examplesNotEmbedded++;
          continue;
        }
        spent += made.weight;
        view = made.view;
        examples.set(r.exchangeId, view);
      }
      g.exampleIds.push(r.exchangeId);
    }
  }

  function snapshot(): { groups: Group[]; examples: ExampleView[]; caps: GroupCaps } {
    const out: Group[] = [...groups.values()].map(({ before, after, ...g }) => {
      if (g.verdict !== 'regression') return { ...g, snippet: null, snippetNote: null };
      const s = noiseSnippet({ method: g.method, route: g.route, signature: g.signature, before, after });
      return { ...g, snippet: s.config ? JSON.stringify(s.config) : null, snippetNote: s.explanation };
    });
    return { groups: out, examples: [...examples.values()], caps: { ...caps } };
  }

  return { add, snapshot };
}

export type GroupAccumulator = ReturnType<typeof createGroupAccumulator>;

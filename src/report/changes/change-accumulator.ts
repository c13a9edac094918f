import { createHash } from 'node:crypto';
import type { Change, ChangeKind, ChangeSignature, ReplayResult } from '../../types/run.js';
import { plural, routeKey } from '../plain-format.js';
import { parseSignature, signatureLabel } from '../format.js';
import { signatureHits } from '../signature-groups.js';
import { CHANGE_RANK, changeKindOf, crossRouteKey, TRANSPORT_PREFIX, transportSignature } from './change-kind.js';
import { jaccard, mixId, SKETCH_SIZE, sketchAdd, sketchUnion, type Sketch } from './exchange-sketch.js';

/** Signatures whose exchange sets overlap this much (Jaccard) are one change. */
export const CO_OCCURRENCE = 0.9;

type ChangeVerdict = 'regression' | 'noise';

/** One signature on one route, as counted. */
interface Entry {
  route: string;
  signature: string;
  filteredBy: Set<string>;
  exchanges: number;
  sketch: Sketch;
}

/** The same signature across routes: a change before co-occurrence merging. */
interface Candidate {
  key: string;
  kind: ChangeKind;
  label: string;
  entries: Entry[];
  exchanges: number;
  sketch: Sketch;
}

function labelOf(signature: string): string {
  return signature.startsWith(TRANSPORT_PREFIX) ? `transport ${signature.slice(TRANSPORT_PREFIX.length)}` : signatureLabel(signature);
}

/**
 * Which co-occurring differences are one change: a status or transport change absorbs whatever comes
 * with it (a 500 page replaces the whole body); headers that always change together are one change
 * (a new framework underneath); body differences only when they are the same kind of change (five
 * fields removed together) or a removal with an addition (a rename). A field removed and another
 * whose type changed on the same responses stay two changes: a person would list both.
 */
function mayMerge(lead: Candidate, other: Candidate): boolean {
  if (CHANGE_RANK[lead.kind] === 0) return true;
  if (lead.kind === 'header' || other.kind === 'header') return lead.kind === other.kind;
  const a = parseSignature(lead.entries[0]!.signature).change;
  const b = parseSignature(other.entries[0]!.signature).change;
  return a === b || (a === 'removed' && b === 'added') || (a === 'added' && b === 'removed');
}

function titleOf(members: Candidate[]): string {
  const lead = members[0]!;
  if (members.length === 1) return lead.label;
  if (members.every((m) => m.kind === 'header')) {
    const names = members.map((m) => m.label.replace(/^header /, ''));
    const shown = names.slice(0, 3).join(', ');
    return `${members.length} header differences, always together: ${shown}${names.length > 3 ? ', …' : ''}`;
  }
  return `${lead.label}, with ${plural(members.length - 1, 'more difference')} always together`;
}

/**
 * Groups signatures into changes as results arrive: the same target, pointer pattern and change across
 * routes is one change, and changes that occur on (nearly) the same exchanges merge. Memory grows with
 * routes × signatures (a bounded sketch each), never with the number of results.
 */
export function createChangeAccumulator() {
  const entries: Record<ChangeVerdict, Map<string, Entry>> = { regression: new Map(), noise: new Map() };

  function count(verdict: ChangeVerdict, route: string, signature: string, hash: number, filteredBy?: string): void {
    const key = `${route}\0${signature}`;
    let e = entries[verdict].get(key);
    if (!e) {
      e = { route, signature, filteredBy: new Set(), exchanges: 0, sketch: [] };
      entries[verdict].set(key, e);
    }
    if (filteredBy !== undefined) e.filteredBy.add(filteredBy);
    e.exchanges++;
    sketchAdd(e.sketch, hash);
  }

  function add(r: ReplayResult): void {
    const route = routeKey(r.method, r.route);
    const hash = mixId(r.exchangeId);
    const seen = new Set<string>();
    for (const hit of signatureHits(r)) {
      if (hit.verdict === 'unreproduced') continue; // reported on their own, before everything else
      const once = `${hit.verdict}\0${hit.signature}`;
      if (seen.has(once)) {
        if (hit.filteredBy !== undefined) entries.noise.get(`${route}\0${hit.signature}`)?.filteredBy.add(hit.filteredBy);
        continue;
      }
      seen.add(once);
      count(hit.verdict, route, hit.signature, hash, hit.filteredBy);
    }
    if (r.verdict === 'error') count('regression', route, transportSignature(r.error), hash);
  }

  function changesOf(verdict: ChangeVerdict): Change[] {
    const byKey = new Map<string, Candidate>();
    for (const e of entries[verdict].values()) {
      const key = crossRouteKey(e.signature);
      let c = byKey.get(key);
      if (!c) {
        c = { key, kind: changeKindOf(e.signature), label: labelOf(e.signature), entries: [], exchanges: 0, sketch: [] };
        byKey.set(key, c);
      }
      c.entries.push(e);
      c.exchanges += e.exchanges; // an exchange has one route: the routes' sets are disjoint
      c.sketch = sketchUnion(c.sketch, e.sketch);
    }
    for (const c of byKey.values()) {
      // The label of the most widespread pattern names the change (`/*/id` and `/id` are one); on a
      // tie, the plainest (fewest wildcards).
      const stars = (sig: string) => sig.split('/*').length;
      const top = [...c.entries].sort((a, b) => b.exchanges - a.exchanges || stars(a.signature) - stars(b.signature) || (a.signature < b.signature ? -1 : 1))[0]!;
      c.label = labelOf(top.signature);
    }
    const candidates = [...byKey.values()].sort(
      (a, b) => CHANGE_RANK[a.kind] - CHANGE_RANK[b.kind] || b.exchanges - a.exchanges || (a.key < b.key ? -1 : 1),
    );

    // Greedy clustering against each cluster's lead (the most breaking, most widespread member), so a
    // cluster never drifts away from what it started as.
    const clusters: Candidate[][] = [];
    for (const c of candidates) {
      const home = clusters.find((members) => {
        const lead = members[0]!;
        if (!mayMerge(lead, c)) return false;
        // Jaccard ≥ t needs the smaller set to be at least t of the larger: a cheap test first.
        if (Math.min(lead.exchanges, c.exchanges) < CO_OCCURRENCE * Math.max(lead.exchanges, c.exchanges)) return false;
        return jaccard(lead.sketch, c.sketch) >= CO_OCCURRENCE;
      });
      if (home) home.push(c);
      else clusters.push([c]);
    }

    const changes = clusters.map((members): Change => {
      const lead = members[0]!;
      let union: Sketch = [];
      for (const m of members) union = sketchUnion(union, m.sketch);
      const exchanges = union.length < SKETCH_SIZE ? union.length : Math.max(...members.map((m) => m.exchanges));
      const signatures: ChangeSignature[] = members
        .flatMap((m) => m.entries)
        .map((e) => ({
          route: e.route,
          signature: e.signature,
          exchanges: e.exchanges,
          ...(verdict === 'noise' ? { filteredBy: [...e.filteredBy].sort() } : {}),
        }))
        .sort((a, b) => b.exchanges - a.exchanges || (a.route < b.route ? -1 : a.route > b.route ? 1 : a.signature < b.signature ? -1 : 1));
      const definition = `${verdict}\n${members.map((m) => m.key).sort().join('\n')}`;
      return {
        id: `c${createHash('sha256').update(definition).digest('hex').slice(0, 10)}`,
        title: titleOf(members),
        kind: lead.kind,
        routes: [...new Set(signatures.map((s) => s.route))].sort(),
        exchanges,
        signatures,
      };
    });
    return changes.sort((a, b) => CHANGE_RANK[a.kind] - CHANGE_RANK[b.kind] || b.exchanges - a.exchanges || (a.title < b.title ? -1 : 1));
  }

  return {
    add,
    /** Ranked changes of regressions (and transport errors), and of noise. */
    build(): { changes: Change[]; noiseChanges: Change[] } {
      return { changes: changesOf('regression'), noiseChanges: changesOf('noise') };
    },
  };
}

export type ChangeAccumulator = ReturnType<typeof createChangeAccumulator>;

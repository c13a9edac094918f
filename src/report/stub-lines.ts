import type { StubRunStats } from '../types.js';
import { formatCount, plural } from './plain-format.js';

/**
 * What each stub (`--stubs`) served during the run, as plain lines every reporter uses (console,
 * Markdown, the page): a headline per stub, the faults injected per rule, and each miss with the
 * closest recorded request and the fields that differ. No Node dependencies: the page bundles it.
 */
export interface StubSection {
  headline: string;
  faults: string[];
  misses: string[];
}

const MAX_MISSES = 20;

function value(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

export function stubSections(stubs: readonly StubRunStats[] | undefined): StubSection[] {
  return (stubs ?? []).map((s) => {
    const injected = s.faults.reduce((n, f) => n + f.injected, 0);
    const headline = `${s.url} (session "${s.session}"): ${plural(s.requests, 'request')}, ${formatCount(s.hits)} matched, ${plural(s.misses, 'miss').replace('misss', 'misses')}${s.forwarded ? ` (${formatCount(s.forwarded)} forwarded)` : ''}, ${plural(injected, 'fault')} injected`;
    const faults = s.faults.map((f) => `fault "${f.rule}" (${f.kind}${f.match.length ? ` on ${f.match.join(', ')}` : ''}): ${formatCount(f.injected)} injected`);
    const misses = s.missDetails.slice(0, MAX_MISSES).map((m) => {
      const near = m.closest[0];
      const why = near ? `closest recorded ${near.url}: ${near.differences.map((d) => `${d.field} ${value(d.recorded)} → ${value(d.received)}`).join(', ') || 'no field differs'}` : `nothing recorded for ${m.method} ${m.route}`;
      return `miss ${m.method} ${m.url} ×${formatCount(m.count)}: ${why}`;
    });
    if (s.missDetails.length > MAX_MISSES) misses.push(`… and ${formatCount(s.missDetails.length - MAX_MISSES)} more distinct misses (the stub's /__replayguard/stats lists them)`);
    return { headline, faults, misses };
  });
}

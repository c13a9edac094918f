import type { Approval, SessionInfo } from '../types/exchange.js';

/**
 * Revisions of a session (`replayguard approve`), one definition for every backend: revision 1 is
 * the session as recorded, under its own name; revision n ≥ 2 is a session row of its own named
 * `<name>@<n>` that points back to the name (`base_name`). A reference `name@n` picks a revision; a
 * bare name picks the newest *complete* one (a revision is complete once ended: a copy cut short is
 * never replayed by default).
 */

/** `nightly@2` → { base: 'nightly', revision: 2 }; null for a reference without a revision. */
export function parseRevisionRef(ref: string): { base: string; revision: number } | null {
  const m = /^(.+)@([1-9]\d{0,8})$/.exec(ref);
  return m ? { base: m[1]!, revision: Number(m[2]) } : null;
}

export function revisionName(base: string, revision: number): string {
  return `${base}@${revision}`;
}

/** The revision columns of a session row, as SessionInfo carries them (nothing for revision 1). */
export function revisionOf(row: { revision?: number | null; base_name?: string | null }): Pick<SessionInfo, 'revision' | 'baseName'> {
  return row.base_name && row.revision && row.revision > 1 ? { revision: Number(row.revision), baseName: row.base_name } : {};
}

/**
 * The lookups `findSession` makes, in order, for a backend to run against its own tables:
 * `exact(name)`, `revision1(base)`, `revisionN(base, n)`, `newest(base)` (the newest complete
 * revision ≥ 2, if any). Returns the row found.
 */
export async function findSessionRow<R extends { base_name?: string | null; name: string }>(
  ref: string,
  q: {
    exact(name: string): Promise<R | undefined>;
    revision1(base: string): Promise<R | undefined>;
    revisionN(base: string, n: number): Promise<R | undefined>;
    newest(base: string): Promise<R | undefined>;
  },
): Promise<R | undefined> {
  const exact = await q.exact(ref);
  if (exact) return exact.base_name ? exact : ((await q.newest(exact.name)) ?? exact);
  const parsed = parseRevisionRef(ref);
  if (!parsed) return undefined;
  return parsed.revision === 1 ? q.revision1(parsed.base) : q.revisionN(parsed.base, parsed.revision);
}

/** An approval row (both backends store the same columns) as an Approval. */
export interface ApprovalRow {
  id: number;
  session: string;
  revision: number;
  kind: string;
  approved_by: string;
  approved_at: number;
  run: number;
  results: string;
  changes: string;
  exchanges: number;
}

export function toApproval(r: ApprovalRow): Approval {
  return {
    id: Number(r.id),
    session: r.session,
    revision: Number(r.revision),
    as: r.kind === 'noise' ? 'noise' : 'behaviour',
    by: r.approved_by,
    at: Number(r.approved_at),
    run: Number(r.run),
    results: r.results,
    changes: JSON.parse(r.changes) as Array<{ id: string; title: string }>,
    exchanges: Number(r.exchanges),
  };
}

import { ReplayguardError } from '../errors.js';
import { transportSignature } from '../report/changes/change-kind.js';
import { routeKey } from '../routes/route-key.js';
import type { Change, ReplayResult, RunSummary } from '../types/run.js';

/** What to approve: changes by id, routes by key (`GET /users/:id`), or every regression. */
export interface ApprovalSelection {
  changes: readonly string[];
  routes: readonly string[];
  all: boolean;
}

/** An exchange left as recorded, and why. */
export interface Refusal {
  seq: number;
  request: string;
  reason: string;
}

/** Decides, result by result, which regressions an approval covers. */
export interface ApprovalSelector {
  /** The changes selected (all the run's changes with --all, those of the routes with --route). */
  readonly changes: readonly Change[];
  /** `approve`, `skip` (not selected) or a refusal (selected, but not approvable as a whole). */
  judge(result: ReplayResult): 'approve' | 'skip' | Refusal;
}

/** The regression signatures of a result (an error counts as its transport signature, as in changes). */
function signaturesOf(r: ReplayResult): string[] {
  if (r.verdict === 'error') return [transportSignature(r.error)];
  return [...new Set((r.comparison?.differences ?? []).filter((d) => !d.unreproduced).map((d) => d.signature))];
}

/**
 * Checks the selection against the run (an unknown id or route is a usage error that lists the known
 * ones) and answers for each result. An exchange is approved only as a whole: one that also shows a
 * change nobody selected is refused, and named, rather than approving that change silently.
 */
export function createApprovalSelector(summary: RunSummary, selection: ApprovalSelection): ApprovalSelector {
  if (!selection.all && !selection.changes.length && !selection.routes.length) {
    throw new ReplayguardError('RG_ERR_USAGE', { details: 'approve needs what to approve: --change ID (repeatable), --route "GET /users/:id" (repeatable) or --all', command: 'approve' });
  }
  const byId = new Map(summary.changes.map((c) => [c.id, c]));
  const unknown = selection.changes.filter((id) => !byId.has(id));
  if (unknown.length) {
    const known = summary.changes.map((c) => `${c.id} (${c.title})`).join(', ') || 'none: this run has no regressions';
    throw new ReplayguardError('RG_ERR_USAGE', { details: `run ${summary.run.id} has no change ${unknown.join(', ')}; its changes: ${known}`, command: 'approve' });
  }
  const regressedRoutes = new Set(summary.routes.filter((r) => r.regression > 0 || r.error > 0).map((r) => routeKey(r.method, r.route)));
  const badRoutes = selection.routes.filter((r) => !regressedRoutes.has(r));
  if (badRoutes.length) {
    throw new ReplayguardError('RG_ERR_USAGE', {
      details: `no regression on ${badRoutes.map((r) => `"${r}"`).join(', ')} in run ${summary.run.id}; routes with regressions: ${[...regressedRoutes].join(', ') || 'none'}`,
      command: 'approve',
    });
  }

  const changeOf = new Map<string, Change>();
  for (const c of summary.changes) for (const s of c.signatures) changeOf.set(`${s.route}\0${s.signature}`, c);
  const routes = new Set(selection.routes);
  const ids = new Set(selection.changes);
  const chosen = (route: string, c: Change | undefined) => selection.all || routes.has(route) || (c !== undefined && ids.has(c.id));
  const changes = summary.changes.filter((c) => selection.all || ids.has(c.id) || c.routes.some((r) => routes.has(r)));

  return {
    changes,
    judge(r) {
      if (r.verdict !== 'regression' && r.verdict !== 'error') return 'skip';
      const route = routeKey(r.method, r.route);
      const mine = signaturesOf(r).map((s) => changeOf.get(`${route}\0${s}`));
      if (!mine.some((c) => chosen(route, c))) return 'skip';
      const request = `${r.method} ${r.url}`;
      const other = mine.find((c) => !chosen(route, c));
      if (other) return { seq: r.seq, request, reason: `it also shows change ${other.id} (${other.title}), which is not approved; approve both, or the route` };
      if (r.verdict === 'error' || !r.candidate) return { seq: r.seq, request, reason: `the target gave no response (${r.error?.kind ?? 'error'}): there is nothing to approve` };
      return 'approve';
    },
  };
}

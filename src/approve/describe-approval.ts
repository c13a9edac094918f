import type { Approval } from '../types/exchange.js';

/**
 * One line per approval, the same in `ls` and every report:
 * `nightly@2 approved by github:ada on 2026-12-02T06:40:00.000Z as behaviour from run #3: /id number → string (4 exchanges)`.
 * No Node dependencies (the report page uses it).
 */
export function describeApproval(a: Approval): string {
  const titles = a.changes.map((c) => c.title).join('; ') || 'no change';
  const what = a.as === 'behaviour' ? ` (${a.exchanges} exchange${a.exchanges === 1 ? '' : 's'})` : ' (as noise rules)';
  return `${a.session}@${a.revision} approved by ${a.by} on ${new Date(a.at).toISOString()} from run #${a.run}: ${titles}${what}`;
}

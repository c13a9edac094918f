import { formatCount, plural } from '../../plain-format.js';
import { h } from './dom.js';
import type { ReportContext } from './report-context.js';

/** What the page left out (caps, budget) and when it was made. */
export function footerView({ data }: ReportContext): HTMLElement {
  const k = data.caps;
  const parts = [`At most ${k.examplesPerGroup} examples per group are embedded; bodies are cut at ${formatCount(k.bodyCapBytes / 1024)} KB after decoding.`];
  if (k.examplesNotEmbedded) parts.push(`${plural(k.examplesNotEmbedded, 'exchange')} counted in groups without an embedded example.`);
  if (k.budgetReached) parts.push('The page size budget was reached: later groups have no examples; see results.db.');
  if (k.groupsDropped) parts.push(`${plural(k.groupsDropped, 'further group')} beyond the limit counted only in the totals.`);
  parts.push(`Generated ${new Date(data.generatedAt).toISOString()}. This file makes no network requests.`);
  return h('footer', { id: 'caps' }, parts.join(' '));
}

import { formatCount } from '../../plain-format.js';
import { h } from './dom.js';
import type { ReportContext } from './report-context.js';
import { tableSection } from './table-section.js';

const COLUMNS = [{ title: 'What' }, { title: 'Routes' }, { title: 'Exchanges', num: true }, { title: 'Likely cause' }];

function what(g: ReportContext['summary']['unreproduced'][number]): string {
  if (g.target === 'request') return `not sent: needs ${g.path}`;
  if (g.target === 'status') return `status ${g.change}`;
  if (g.target === 'header') return `header ${g.path} ${g.change}`;
  return `${g.path || 'body'} ${g.change}`;
}

/**
 * What the replay did not reproduce, before anything else: where the target and the baseline agree
 * with each other and not with the recording (or a request could not be sent), no verdict about the
 * candidate can be trusted, so the causes to check lead the page. Harmless drift is listed last.
 */
export function unreproducedView({ summary }: ReportContext): HTMLElement | null {
  if (!summary.unreproduced.length) return null;
  const failing = summary.unreproduced.filter((g) => !g.harmless).length;
  const intro = h(
    'p',
    { class: 'muted' },
    failing
      ? `The replay did not reproduce the recording here (${formatCount(failing)} cause${failing === 1 ? '' : 's'} to check): these exchanges judge the environment, not the candidate.`
      : 'Differences from the recording on both the target and the baseline, recognised as harmless.',
  );
  const ordered = [...summary.unreproduced].sort((a, b) => Number(a.harmless) - Number(b.harmless));
  const rows = ordered.map((g) =>
    h(
      'tr',
      g.harmless ? { class: 'muted' } : null,
      h('td', { class: 'mono' }, what(g)),
      h('td', { class: 'mono' }, g.routes.slice(0, 5).join(', ') + (g.routes.length > 5 ? ` \u2026 ${g.routes.length - 5} more` : '')),
      h('td', { class: 'num' }, formatCount(g.exchanges)),
      h('td', null, g.harmless ? `harmless: ${g.cause}` : g.cause),
    ),
  );
  return tableSection('unreproduced', 'Not reproduced', intro, COLUMNS, rows);
}

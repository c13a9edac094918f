import type { Verdict } from '../../../types.js';
import { h } from './dom.js';

/** The symbol shown with each verdict, in the page and in its filters. */
export const ICON: Record<Verdict, string> = { unreproduced: '?', regression: '\u2717', error: '\u26a0', noise: '\u2248', skipped: '\u00bb', pass: '\u2713' };

export function verdictTag(v: Verdict): HTMLSpanElement {
  return h('span', { class: `v-${v}` }, `${ICON[v]} ${v}`);
}

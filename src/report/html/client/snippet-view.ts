import type { Group } from '../groups.js';
import { h } from './dom.js';

/** Copies to the clipboard; where the Clipboard API is refused (file:// pages often are), selects a textarea. */
function copyText(text: string, btn: HTMLButtonElement): void {
  const done = (ok: boolean): void => {
    btn.textContent = ok ? 'Copied \u2713' : 'Press Ctrl+C to copy';
    setTimeout(() => {
      btn.textContent = 'Copy';
    }, 2000);
  };
  const fallback = (): void => {
    const ta = h('textarea', { class: 'sr', 'aria-hidden': 'true' });
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try {
      // Deprecated, but the one way left to copy from a page the Clipboard API refuses.
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    document.body.removeChild(ta);
    btn.focus();
    done(ok);
  };
  if (typeof navigator.clipboard?.writeText === 'function') navigator.clipboard.writeText(text).then(() => done(true), fallback);
  else fallback();
}

/** For a regression group, the ready-to-paste noise rule; for a noise group, the rule that filtered it. */
export function snippetView(g: Group): HTMLElement | null {
  if (g.verdict === 'noise') return h('div', { class: 'snippet' }, 'Filtered by ', h('code', null, g.filteredBy), h('div', { class: 'muted' }, 'Signature ', h('code', null, g.signature)));
  if (g.verdict !== 'regression') return null;
  if (!g.snippet) return h('div', { class: 'snippet' }, h('strong', null, 'No noise rule for this change. '), g.snippetNote);
  const snippet = g.snippet;
  const btn = h('button', { class: 'btn', type: 'button', 'data-copy': 'snippet' }, 'Copy');
  btn.addEventListener('click', () => copyText(snippet, btn));
  return h(
    'div',
    { class: 'snippet' },
    h('div', { class: 'row' }, h('strong', null, 'Not a regression? Mark it as noise'), btn),
    h('div', { class: 'muted' }, `${g.snippetNote ?? ''} Merge into replayguard.config.json.`),
    h('pre', { class: 'snippet-text' }, snippet),
  );
}

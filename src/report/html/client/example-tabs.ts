import { formatCount } from '../../plain-format.js';
import type { ExampleView } from '../example-view.js';
import { h } from './dom.js';

/**
 * Tabs built per page: opening a group costs the same whether it embeds 5 examples or 5,000 (the
 * accumulator's `examplesPerGroup` is open to API callers), and the rest is a "show more" away.
 */
export const TAB_PAGE = 20;

export interface ExampleTabs {
  /** The tab list and its "show more" button. */
  el: HTMLElement;
  /** The exchange id of the selected tab, or null before any is selected. */
  readonly selected: number | null;
  has(id: number): boolean;
  /** Scrolls the strip (not the page) to the selected tab, which a link may have picked pages in. */
  reveal(): void;
  /**
   * Marks `id`'s tab selected, building pages until it is there (a link may point past the first
   * page); returns the tab, or null when the group has no such example.
   */
  select(id: number): HTMLButtonElement | null;
}

/** The tab strip of a group's examples (`ids`, all embedded in `examples`); `onPick` hears clicks. */
export function exampleTabs(ids: readonly number[], examples: ReadonlyMap<number, ExampleView>, onPick: (id: number) => void): ExampleTabs {
  const index = new Map(ids.map((id, i) => [id, i]));
  const built = new Map<number, HTMLButtonElement>();
  // One listener for the whole strip rather than one per tab.
  const list = h('div', {
    class: 'tabs',
    role: 'tablist',
    'aria-label': 'examples',
    onclick: (e) => {
      const tab = e.target instanceof Element ? e.target.closest('.tab') : null;
      if (tab) onPick(Number(tab.getAttribute('data-example')));
    },
  });
  const more = h('button', { class: 'linkish more', type: 'button', 'data-more': 'examples' });
  let shown = 0;
  let current: HTMLButtonElement | null = null;
  let selected: number | null = null;

  function tab(id: number): HTMLButtonElement {
    const ex = examples.get(id)!;
    const label = `${ex.method} ${ex.url}`;
    const b = h('button', { class: 'tab', type: 'button', role: 'tab', 'aria-selected': 'false', 'data-example': id, title: label }, label);
    built.set(id, b);
    return b;
  }

  /** Builds tabs up to `end` (exclusive) in one insertion. */
  function showUpTo(end: number): void {
    const frag = document.createDocumentFragment();
    for (const id of ids.slice(shown, Math.min(end, ids.length))) frag.appendChild(tab(id));
    list.appendChild(frag);
    shown = Math.min(end, ids.length);
    const left = ids.length - shown;
    more.hidden = left === 0;
    more.textContent = `Show ${formatCount(Math.min(TAB_PAGE, left))} more examples (${formatCount(left)} not shown yet)`;
  }

  more.addEventListener('click', () => {
    const first = ids[shown];
    showUpTo(shown + TAB_PAGE);
    // Keyboard users go on from the first new tab rather than from a button that may have vanished.
    if (first !== undefined) built.get(first)?.focus();
  });
  showUpTo(TAB_PAGE);

  return {
    el: h('div', { class: 'example-tabs' }, list, more),
    get selected() {
      return selected;
    },
    has: (id) => index.has(id),
    reveal() {
      // The strip is positioned, so a tab's offsetTop is measured from it.
      if (current) list.scrollTop = current.offsetTop - list.clientHeight / 2;
    },
    select(id) {
      const i = index.get(id);
      if (i === undefined) return null;
      if (i >= shown) showUpTo((Math.floor(i / TAB_PAGE) + 1) * TAB_PAGE);
      current?.setAttribute('aria-selected', 'false');
      current = built.get(id)!;
      current.setAttribute('aria-selected', 'true');
      selected = id;
      return current;
    },
  };
}

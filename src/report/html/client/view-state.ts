import type { GroupVerdict } from '../groups.js';

/**
 * What the reader is looking at, kept whole in the URL hash
 * (`#v=regression&r=GET%20%2Fusers%2F%3Aid&q=email&g=<group>&x=<exchange>`), so a link points at a
 * group, or at one exchange of it.
 */
export interface ViewState {
  /** Verdicts whose groups are shown. */
  v: Record<GroupVerdict, boolean>;
  /** Route filter (`METHOD /route`), or ''. */
  r: string;
  /** Search text. */
  q: string;
  /** Open group id. */
  g: string;
  /** Selected example (exchange id) in the open group. */
  x: string;
}

export const GROUP_VERDICTS: readonly GroupVerdict[] = ['unreproduced', 'regression', 'error', 'noise', 'skipped'];

export function initialViewState(): ViewState {
  return { v: { unreproduced: true, regression: true, error: true, noise: true, skipped: true }, r: '', q: '', g: '', x: '' };
}

export function readHash(state: ViewState, hash: string): void {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const shown = p.get('v')?.split(',') ?? GROUP_VERDICTS;
  for (const v of GROUP_VERDICTS) state.v[v] = shown.includes(v);
  state.r = p.get('r') ?? '';
  state.q = p.get('q') ?? '';
  state.g = p.get('g') ?? '';
  state.x = p.get('x') ?? '';
}

export function hashOf(state: ViewState): string {
  const p = new URLSearchParams();
  const shown = GROUP_VERDICTS.filter((v) => state.v[v]);
  if (shown.length !== GROUP_VERDICTS.length) p.set('v', shown.join(','));
  for (const k of ['r', 'q', 'g', 'x'] as const) if (state[k]) p.set(k, state[k]);
  return p.toString();
}

/**
 * Writes the state into the address bar without adding history entries. While the page applies a
 * hash it was given (`applying`), nothing is written back.
 */
export function createHashWriter(state: ViewState): { write(): void; applying<T>(fn: () => T): T } {
  let applying = false;
  return {
    write() {
      if (applying) return;
      const s = hashOf(state);
      try {
        history.replaceState(null, '', s ? `#${s}` : location.pathname + location.search);
      } catch {
        location.hash = s;
      }
    },
    applying(fn) {
      applying = true;
      try {
        return fn();
      } finally {
        applying = false;
      }
    },
  };
}

/**
 * Long runs of lines (bodies) go into the page a slice at a time: the first `first` at once, so what
 * the reader sees on opening is there on the next frame, and the rest in slices of about SLICE_MS
 * once that frame is out. Opening an exchange then costs about the same whether its bodies have 50
 * lines or 20,000, and the page never stops answering while a long body is built.
 */

/** More than a `.code` block shows before it scrolls (520 px of 18.6 px lines). */
export const FIRST_LINES = 60;
const SLICE_MS = 8;

/** Moves items into `frag` while `more()` holds; true when `items` is exhausted. */
function take(items: Iterator<Node>, frag: DocumentFragment, more: () => boolean): boolean {
  while (more()) {
    const r = items.next();
    if (r.done) return true;
    frag.appendChild(r.value);
  }
  return false;
}

/** Appends every item of `items` to `parent`: `first` now, the others after the next paint. */
export function fillIncrementally(parent: Element, items: Iterator<Node>, first = FIRST_LINES): void {
  let n = 0;
  const head = document.createDocumentFragment();
  const done = take(items, head, () => n++ < first);
  parent.appendChild(head);
  if (done) return;
  const step = (): void => {
    // A block taken off the page (another example picked) is not worth finishing.
    if (!parent.isConnected) return;
    const until = performance.now() + SLICE_MS;
    const frag = document.createDocumentFragment();
    const finished = take(items, frag, () => performance.now() < until);
    parent.appendChild(frag);
    if (!finished) setTimeout(step, 0);
  };
  // A timeout set from an animation frame runs once that frame has been painted.
  requestAnimationFrame(() => setTimeout(step, 0));
}

/**
 * The client's only way to build DOM. Every recorded value reaches the page through `h()`, which
 * creates text nodes and sets attributes: no HTML is ever parsed from data (lint forbids innerHTML
 * and its relatives in this folder).
 */

export type Child = Node | string | number | null | undefined | false | readonly Child[];
type PropValue = string | number | boolean | null | undefined | ((event: Event) => void);
export type Props = Record<string, PropValue>;

export function append(el: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child as readonly Child[]) append(el, c);
    return;
  }
  if (typeof child === 'object') {
    el.appendChild(child as Node);
    return;
  }
  el.appendChild(document.createTextNode(String(child)));
}

/** An element with attributes (`class`, `on*` listeners, others as strings) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = String(v);
    else if (typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

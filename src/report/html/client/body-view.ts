import { escapeSegment } from '../../../compare/json-pointer.js';
import type { HeaderPairs } from '../../../types.js';
import { formatCount } from '../../plain-format.js';
import type { BodyView } from '../body-view.js';
import type { ExampleView } from '../example-view.js';
import { h, type Child } from './dom.js';

/**
 * Bodies as DOM. JSON is pretty-printed line by line from the parsed value so a difference's pointer
 * can mark its own lines (gutter symbol, strike or underline, background) in place.
 */

export type MarkKind = 'removed' | 'added' | 'changed' | 'noise';
export interface Mark {
  kind: MarkKind;
  title: string;
}
/** Marks by JSON pointer. */
export type Marks = Record<string, Mark>;

const MARK_SYM: Record<MarkKind, string> = { removed: '\u2212', added: '+', changed: '~', noise: '\u2248' };
const MAX_JSON_VALUES = 20_000;

function line(depth: number, mark: Mark | null | undefined, parts: Child): HTMLDivElement {
  const el = h(
    'div',
    { class: `ln${mark ? ` mk-${mark.kind}` : ''}`, title: mark ? mark.title : null },
    h('span', { class: 'g', 'aria-hidden': 'true' }, mark ? MARK_SYM[mark.kind] : ' '),
    h('span', { class: 'c' }, parts),
  );
  el.style.paddingLeft = `${depth * 2}ch`;
  if (mark) el.setAttribute('data-mark', mark.kind);
  return el;
}

function scalar(v: unknown): HTMLSpanElement {
  if (typeof v === 'string') return h('span', { class: 's' }, JSON.stringify(v));
  if (typeof v === 'number') return h('span', { class: 'n' }, String(v));
  return h('span', { class: 'b' }, String(v));
}

function jsonView(value: unknown, marks: Marks): HTMLDivElement {
  const out = h('div', { class: 'code json' });
  let count = 0;
  const walk = (v: unknown, ptr: string, key: string | null, depth: number, comma: boolean, inherited: Mark | null): void => {
    if (++count > MAX_JSON_VALUES) return;
    const mark = marks[ptr] ?? inherited;
    const label = key === null ? null : [h('span', { class: 'k' }, JSON.stringify(key)), ': '];
    const tail = comma ? ',' : '';
    if (v !== null && typeof v === 'object') {
      const isArr = Array.isArray(v);
      const entries: Array<[string, unknown]> = isArr ? v.map((item, i) => [String(i), item]) : Object.entries(v);
      if (!entries.length) {
        out.appendChild(line(depth, mark, [label, isArr ? '[]' : '{}', tail]));
        return;
      }
      out.appendChild(line(depth, mark, [label, isArr ? '[' : '{']));
      entries.forEach(([k, item], i) => walk(item, `${ptr}/${escapeSegment(k)}`, isArr ? null : k, depth + 1, i < entries.length - 1, mark));
      out.appendChild(line(depth, mark, [isArr ? ']' : '}', tail]));
    } else {
      out.appendChild(line(depth, mark, [label, scalar(v), tail]));
    }
  };
  walk(value, '', null, 0, false, null);
  if (count > MAX_JSON_VALUES) out.appendChild(h('div', { class: 'note' }, 'long body: first 20,000 values shown'));
  return out;
}

function textView(text: string): HTMLDivElement {
  return h('div', { class: 'code' }, text.split('\n').map((t) => line(0, null, t)));
}

/** `side` -1 shows the recorded text (removed parts marked), 1 the candidate text (added parts marked). */
function textDiffView(parts: NonNullable<ExampleView['textDiff']>, side: -1 | 1): HTMLDivElement {
  const out = h('div', { class: 'code' });
  for (const [op, text] of parts) {
    if (op === -side) continue;
    const mark: Mark | null = op === 0 ? null : op < 0 ? { kind: 'removed', title: 'only in recorded' } : { kind: 'added', title: 'only in candidate' };
    for (const t of text.replace(/\n$/, '').split('\n')) out.appendChild(line(0, mark, t));
  }
  return out;
}

function hexHead(base64: string): HTMLDivElement {
  const bin = atob(base64);
  const rows: HTMLDivElement[] = [];
  for (let i = 0; i < bin.length; i += 16) {
    const hex: string[] = [];
    let ascii = '';
    for (let j = i; j < Math.min(i + 16, bin.length); j++) {
      const c = bin.charCodeAt(j);
      hex.push(c.toString(16).padStart(2, '0'));
      ascii += c >= 32 && c < 127 ? bin[j] : '.';
    }
    rows.push(line(0, null, `${i.toString(16).padStart(4, '0')}  ${hex.join(' ')}  ${ascii}`));
  }
  return h('div', { class: 'code' }, rows);
}

/** A body; `side` picks which half of a text diff to show (0: no diff). */
export function bodyElement(body: BodyView, marks: Marks | null, textDiff: ExampleView['textDiff'], side: -1 | 0 | 1): HTMLDivElement {
  if (body.kind === 'none') return h('div', { class: 'note' }, 'no body');
  const notes = body.notes.map((n) => h('div', { class: 'note' }, n));
  if (body.kind === 'json') return h('div', null, notes, jsonView(body.value, marks ?? {}));
  if (body.kind === 'text') return h('div', null, notes, textDiff && side !== 0 ? textDiffView(textDiff, side) : textView(body.text));
  return h('div', null, notes, h('div', { class: 'note' }, `binary body, ${formatCount(body.size)} bytes, sha256 ${body.sha256}`), hexHead(body.headBase64));
}

/** Headers as a table, with the ones a difference names marked (marks by lower-case name). */
export function headerTable(headers: HeaderPairs, marked: Record<string, string> | null): HTMLElement {
  if (!headers.length) return h('div', { class: 'note' }, 'no headers');
  return h(
    'table',
    { class: 'hdrs' },
    h(
      'tbody',
      null,
      headers.map(([name, value]) => {
        const hit = marked?.[name.toLowerCase()];
        return h('tr', { class: hit ? 'ln mk-changed' : null, title: hit ?? null }, h('td', null, hit ? '~ ' : '', name), h('td', null, value));
      }),
    ),
  );
}

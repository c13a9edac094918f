import { escapeSegment } from '../../../compare/json-pointer.js';
import type { HeaderPairs } from '../../../types.js';
import { formatCount } from '../../plain-format.js';
import type { BodyView } from '../body-view.js';
import type { ExampleView } from '../example-view.js';
import { h, type Child } from './dom.js';
import { fillIncrementally } from './incremental.js';

/**
 * Bodies as DOM. JSON is pretty-printed line by line from the parsed value so a difference's pointer
 * can mark its own lines (gutter symbol, strike or underline, background) in place. Lines are made
 * lazily and put in a screenful first (./incremental.ts), so a long body does not hold up the page.
 */

export type MarkKind = 'removed' | 'added' | 'changed' | 'noise';
export interface Mark {
  kind: MarkKind;
  title: string;
}
/** Marks by JSON pointer. */
export type Marks = Record<string, Mark>;

const MAX_JSON_VALUES = 20_000;

/**
 * One line of a body. Its gutter symbol comes from the stylesheet (`.cl::before`, by mark kind): two
 * fewer elements per line, which is a third of a body's DOM, built and styled on every opening.
 */
function line(depth: number, mark: Mark | null | undefined, parts: Child): HTMLDivElement {
  const el = h('div', { class: mark ? `ln cl mk-${mark.kind}` : 'ln cl', title: mark ? mark.title : null, 'data-mark': mark ? mark.kind : null }, parts);
  if (depth) el.style.paddingLeft = `${depth * 2}ch`;
  return el;
}

function scalar(v: unknown): HTMLSpanElement {
  if (typeof v === 'string') return h('span', { class: 's' }, JSON.stringify(v));
  if (typeof v === 'number') return h('span', { class: 'n' }, String(v));
  return h('span', { class: 'b' }, String(v));
}

/** The pretty-printed lines of a JSON value, each with its marks, made one at a time as they are taken. */
function* jsonLines(value: unknown, marks: Marks): Generator<HTMLDivElement> {
  let count = 0;
  function* walk(v: unknown, ptr: string, key: string | null, depth: number, comma: boolean, inherited: Mark | null): Generator<HTMLDivElement> {
    if (++count > MAX_JSON_VALUES) return;
    const mark = marks[ptr] ?? inherited;
    const label = key === null ? null : [h('span', { class: 'k' }, JSON.stringify(key)), ': '];
    const tail = comma ? ',' : '';
    if (v !== null && typeof v === 'object') {
      const isArr = Array.isArray(v);
      const entries: Array<[string, unknown]> = isArr ? v.map((item, i) => [String(i), item]) : Object.entries(v);
      if (!entries.length) {
        yield line(depth, mark, [label, isArr ? '[]' : '{}', tail]);
        return;
      }
      yield line(depth, mark, [label, isArr ? '[' : '{']);
      for (let i = 0; i < entries.length; i++) {
        const [k, item] = entries[i]!;
        yield* walk(item, `${ptr}/${escapeSegment(k)}`, isArr ? null : k, depth + 1, i < entries.length - 1, mark);
      }
      yield line(depth, mark, [isArr ? ']' : '}', tail]);
    } else {
      yield line(depth, mark, [label, scalar(v), tail]);
    }
  }
  yield* walk(value, '', null, 0, false, null);
  if (count > MAX_JSON_VALUES) yield h('div', { class: 'note' }, 'long body: first 20,000 values shown');
}

function* textLines(text: string): Generator<HTMLDivElement> {
  for (const t of text.split('\n')) yield line(0, null, t);
}

/** `side` -1 shows the recorded text (removed parts marked), 1 the candidate text (added parts marked). */
function* textDiffLines(parts: NonNullable<ExampleView['textDiff']>, side: -1 | 1): Generator<HTMLDivElement> {
  for (const [op, text] of parts) {
    if (op === -side) continue;
    const mark: Mark | null = op === 0 ? null : op < 0 ? { kind: 'removed', title: 'only in recorded' } : { kind: 'added', title: 'only in candidate' };
    for (const t of text.replace(/\n$/, '').split('\n')) yield line(0, mark, t);
  }
}

/** A code block whose lines are built as they go in: the first screenful now, the rest after the next paint. */
function codeBlock(cls: string, lines: Iterator<HTMLDivElement>): HTMLDivElement {
  const out = h('div', { class: cls });
  fillIncrementally(out, lines);
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
  if (body.kind === 'json') return h('div', null, notes, codeBlock('code json', jsonLines(body.value, marks ?? {})));
  if (body.kind === 'text') return h('div', null, notes, codeBlock('code', textDiff && side !== 0 ? textDiffLines(textDiff, side) : textLines(body.text)));
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

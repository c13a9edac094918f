import { diffLines } from 'diff';
import type { Difference } from '../types.js';
import { capValue } from './cap-value.js';
import { makeDifference } from './difference.js';

/** Hunks reported per body at most; the rest is summarised in a note. */
export const MAX_TEXT_HUNKS = 50;
/** Time the line diff may take before the body is reported as one change (Myers is O(N·D)). */
const DIFF_TIMEOUT_MS = 2000;

export interface TextDiffResult {
  differences: Difference[];
  notes: string[];
}

/**
 * Line diff (the `diff` package's `diffLines`), one difference per hunk of adjacent changed lines:
 * `line changed` when lines were replaced, `lines added`, `lines removed`. `path` is `line N`, N being
 * the hunk's first line in the *recorded* text (for pure additions: the recorded line they precede),
 * so every hunk is located in one document, as JSON pointers are.
 */
export function diffText(recorded: string, candidate: string): TextDiffResult {
  if (recorded === candidate) return { differences: [], notes: [] };
  const changes = diffLines(recorded, candidate, { timeout: DIFF_TIMEOUT_MS });
  if (changes === undefined) {
    return {
      differences: [makeDifference({ target: 'body', op: 'replace', path: 'line 1', before: capValue(recorded), after: capValue(candidate), change: 'line changed' })],
      notes: [`text diff gave up after ${DIFF_TIMEOUT_MS} ms; the body is reported as one change`],
    };
  }

  const hunks: Difference[] = [];
  let line = 1;
  let removed: string[] = [];
  let added: string[] = [];
  let start = 1;
  const flush = (): void => {
    if (removed.length === 0 && added.length === 0) return;
    const change = removed.length === 0 ? 'lines added' : added.length === 0 ? 'lines removed' : 'line changed';
    const diff = makeDifference({ target: 'body', op: 'replace', path: `line ${start}`, change });
    if (removed.length > 0) diff.before = capValue(removed.join(''));
    if (added.length > 0) diff.after = capValue(added.join(''));
    hunks.push(diff);
    removed = [];
    added = [];
  };
  for (const part of changes) {
    if (!part.added && !part.removed) {
      flush();
      line += part.count;
      continue;
    }
    if (removed.length === 0 && added.length === 0) start = line;
    if (part.removed) {
      removed.push(part.value);
      line += part.count;
    } else {
      added.push(part.value);
    }
  }
  flush();

  if (hunks.length <= MAX_TEXT_HUNKS) return { differences: hunks, notes: [] };
  return {
    differences: hunks.slice(0, MAX_TEXT_HUNKS),
    notes: [`${hunks.length - MAX_TEXT_HUNKS} more changed text hunks not listed`],
  };
}

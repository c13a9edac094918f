import type { Difference } from '../types.js';
import { makeDifference } from './difference.js';

/** `{ target: 'status', op: 'replace', path: '', change: '404 → 500' }` when the codes differ. */
export function compareStatus(recorded: number, candidate: number): Difference[] {
  if (recorded === candidate) return [];
  return [makeDifference({ target: 'status', op: 'replace', path: '', before: recorded, after: candidate, change: `${recorded} → ${candidate}` })];
}

import { createHash } from 'node:crypto';
import type { Difference } from '../types.js';
import { makeDifference } from './difference.js';

/** What a binary body is reduced to in a difference: enough to tell two bodies apart, nothing more. */
export interface BinaryDigest {
  size: number;
  sha256: string;
}

export function digestOf(bytes: Buffer): BinaryDigest {
  return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** One `bytes changed` difference when the bodies' hashes differ; nothing when they are identical. */
export function diffBinary(recorded: Buffer, candidate: Buffer): Difference[] {
  if (recorded.equals(candidate)) return [];
  return [
    makeDifference({ target: 'body', op: 'replace', path: '', before: digestOf(recorded), after: digestOf(candidate), change: 'bytes changed' }),
  ];
}

import type { ServerResponse } from 'node:http';
import { isHopByHop } from '../http/hop-by-hop.js';
import type { HeaderPairs } from '../types.js';

/** What the stub is about to send: a recorded answer, a near-miss 502, or what a passthrough got. */
export interface StubAnswer {
  status: number;
  headers: HeaderPairs;
  /** Bytes as recorded on the wire (still content-encoded). */
  body: Buffer | null;
  /** HEAD, 204 and 304 answers carry no body whatever the recording's headers say. */
  bodiless: boolean;
}

/**
 * The answer's headers as sent: hop-by-hop ones removed (they described the recorded connection), the
 * length set from the bytes actually held (a recording truncated at the size cap still ends cleanly),
 * plus `extra` (the `x-replayguard-fault` label).
 */
export function answerHeaders(answer: StubAnswer, extra: HeaderPairs = []): string[] {
  const flat: string[] = [];
  let declaredLength: string | undefined;
  for (const [name, value] of answer.headers) {
    const lower = name.toLowerCase();
    if (isHopByHop(lower)) continue;
    if (lower === 'content-length') {
      declaredLength = value;
      continue;
    }
    flat.push(name, value);
  }
  const length = answer.bodiless ? declaredLength : String(answer.body?.length ?? 0);
  if (length !== undefined) flat.push('content-length', length);
  for (const [n, v] of extra) flat.push(n, v);
  return flat;
}

/** Send the whole answer now. */
export function sendAnswer(res: ServerResponse, answer: StubAnswer, extra: HeaderPairs = []): void {
  if (res.destroyed) return;
  res.writeHead(answer.status, answerHeaders(answer, extra));
  res.end(answer.bodiless ? undefined : (answer.body ?? undefined));
}

/** A JSON answer of the stub's own (near-miss 502, health, stats). */
export function jsonAnswer(status: number, value: unknown): StubAnswer {
  return { status, headers: [['content-type', 'application/json']], body: Buffer.from(JSON.stringify(value, null, 2)), bodiless: false };
}

/** Resolves after `ms`, or as soon as the response is closed (client gone, stub stopping). */
export function waitOrClose(res: ServerResponse, ms: number): Promise<void> {
  if (ms <= 0 || res.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.once('close', done);
  });
}

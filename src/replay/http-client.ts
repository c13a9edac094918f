import type { ConnectionOptions } from 'node:tls';
import { Pool } from 'undici';
import { BodyTap } from '../http/body-tap.js';
import { pairsFromObject } from '../http/header-pairs.js';
import { classifyTransportFailure } from '../http/transport-failure.js';
import { createSharedDeadline } from './shared-deadline.js';
import type { ExchangeFailure, HeaderPairs, ObservedResponse } from '../types.js';

export interface OutgoingRequest {
  method: string;
  /** Origin-form path and query. */
  path: string;
  headers: HeaderPairs;
  body: Buffer | null;
}

export type SendOutcome = { ok: true; response: ObservedResponse } | { ok: false; failure: ExchangeFailure };

export interface TargetClient {
  readonly origin: string;
  send(request: OutgoingRequest): Promise<SendOutcome>;
  close(): Promise<void>;
}

function failureOf(err: unknown, timeoutMs: number): ExchangeFailure {
  const failure = classifyTransportFailure(err);
  return failure.kind === 'timeout' ? { ...failure, message: `no complete response within ${timeoutMs} ms` } : failure;
}

/** A keep-alive connection pool to one origin (candidate or baseline), sized to the concurrency. */
export function createTargetClient(origin: string, options: { connections: number; timeoutMs: number; maxBodyBytes: number; tls?: ConnectionOptions | undefined }): TargetClient {
  const pool = new Pool(origin, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connectTimeout: Math.min(options.timeoutMs, 10_000),
    keepAliveTimeout: 4_000,
    ...(options.tls ? { connect: options.tls } : {}),
  });
  const deadlineSignal = createSharedDeadline(options.timeoutMs);
  return {
    origin,
    async send(req) {
      const t0 = performance.now();
      // One deadline for the whole response, head and body: undici's headersTimeout and bodyTimeout
      // only bound each pause, so a target dribbling a byte every 500 ms would hold a 1 s timeout
      // forever (and hang CI).
      const deadline = deadlineSignal();
      try {
        const res = await pool.request({
          method: req.method as 'GET',
          path: req.path,
          headers: req.headers.flat(),
          body: req.body ?? undefined,
          signal: deadline,
        });
        const ttfbMs = performance.now() - t0;
        const tap = new BodyTap(options.maxBodyBytes);
        for await (const chunk of res.body) tap.observe(chunk as Buffer);
        const totalMs = performance.now() - t0;
        return { ok: true, response: { status: res.statusCode, headers: pairsFromObject(res.headers), body: tap.result(), timing: { ttfbMs, totalMs } } };
      } catch (err) {
        if (deadline.aborted) return { ok: false, failure: { kind: 'timeout', code: 'ETIMEDOUT', message: `no complete response within ${options.timeoutMs} ms` } };
        return { ok: false, failure: failureOf(err, options.timeoutMs) };
      }
    },
    close: () => pool.close(),
  };
}

import { Pool, errors as undiciErrors } from 'undici';
import { BodyTap } from '../record/body-tap.js';
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
  const e = err as { code?: string; message?: string; name?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? e.name ?? 'ERROR';
  const message = e.cause?.message && e.cause.message !== e.message ? `${e.message} (${e.cause.message})` : (e.message ?? String(err));
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError || code === 'UND_ERR_CONNECT_TIMEOUT' || e.name === 'TimeoutError') {
    return { kind: 'timeout', code, message: `no complete response within ${timeoutMs} ms` };
  }
  const inner = e.cause?.code ?? code;
  if (inner === 'ECONNREFUSED' || inner === 'ENOTFOUND' || inner === 'EAI_AGAIN') return { kind: 'refused', code: inner, message };
  if (inner === 'ECONNRESET' || inner === 'UND_ERR_SOCKET' || inner === 'EPIPE' || inner === 'UND_ERR_CLOSED') return { kind: 'reset', code: inner, message };
  return { kind: 'error', code, message };
}

/** A keep-alive connection pool to one origin (candidate or baseline), sized to the concurrency. */
export function createTargetClient(origin: string, options: { connections: number; timeoutMs: number; maxBodyBytes: number }): TargetClient {
  const pool = new Pool(origin, {
    connections: options.connections,
    pipelining: 1,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connectTimeout: Math.min(options.timeoutMs, 10_000),
    keepAliveTimeout: 4_000,
  });
  return {
    origin,
    async send(req) {
      const t0 = performance.now();
      // undici's headersTimeout and bodyTimeout bound the wait (for the head, and for each pause in
      // the body) without a timer object per request.
      try {
        const res = await pool.request({
          method: req.method as 'GET',
          path: req.path,
          headers: req.headers.flat(),
          body: req.body ?? undefined,
        });
        const ttfbMs = performance.now() - t0;
        const tap = new BodyTap(options.maxBodyBytes);
        for await (const chunk of res.body) tap.observe(chunk as Buffer);
        const totalMs = performance.now() - t0;
        const headers: HeaderPairs = [];
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue;
          if (Array.isArray(v)) for (const item of v) headers.push([k, item]);
          else headers.push([k, v]);
        }
        return { ok: true, response: { status: res.statusCode, headers, body: tap.result(), timing: { ttfbMs, totalMs } } };
      } catch (err) {
        return { ok: false, failure: failureOf(err, options.timeoutMs) };
      }
    },
    close: () => pool.close(),
  };
}

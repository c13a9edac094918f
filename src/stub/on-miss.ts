import { request as undiciRequest } from 'undici';
import type { Config } from '../config/schema.js';
import { pairsFromObject } from '../http/header-pairs.js';
import { isHopByHop } from '../http/hop-by-hop.js';
import { classifyTransportFailure } from '../http/transport-failure.js';
import { CaptureWriter } from '../record/capture-writer.js';
import { loadRedactionKey, redactionKeyFile } from '../redact/redaction-key.js';
import type { Capture, HeaderPairs } from '../types.js';
import type { RawRequest } from './request-shape.js';
import { jsonAnswer, type StubAnswer } from './stub-answer.js';

/** `--on-miss`: fail (502 with a near-miss explanation), forward, or forward and record. */
export type MissPolicy = { mode: 'fail' } | { mode: 'passthrough'; url: string } | { mode: 'record'; url: string };

export function parseMissPolicy(value: string): MissPolicy {
  if (value.startsWith('passthrough=')) return { mode: 'passthrough', url: value.slice('passthrough='.length).replace(/\/$/, '') };
  if (value.startsWith('record=')) return { mode: 'record', url: value.slice('record='.length).replace(/\/$/, '') };
  return { mode: 'fail' };
}

/** What a forwarded miss got: the answer to relay, and the exchange to record (record mode). */
export interface Forwarded {
  answer: StubAnswer;
  capture: Capture;
}

/** Forward a missed request to the real dependency; a transport failure is a 502 naming it. */
export async function forward(url: string, raw: RawRequest, timeoutMs: number): Promise<Forwarded> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const headers: HeaderPairs = raw.headers.filter(([n]) => !isHopByHop(n.toLowerCase()) && n.toLowerCase() !== 'host');
  const request = { method: raw.method, url: raw.url, headers: raw.headers, body: { bytes: raw.body, size: raw.body?.length ?? 0, truncated: false } };
  try {
    const res = await undiciRequest(url + raw.url, {
      method: raw.method as 'GET',
      headers: headers.flat(),
      body: raw.body && raw.body.length > 0 ? raw.body : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const ttfbMs = performance.now() - t0;
    const body = Buffer.from(await res.body.arrayBuffer());
    const responseHeaders = pairsFromObject(res.headers);
    const bodiless = raw.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
    return {
      answer: { status: res.statusCode, headers: responseHeaders, body, bodiless },
      capture: {
        startedAt,
        upstream: url,
        request,
        response: { status: res.statusCode, headers: responseHeaders, body: { bytes: body.length ? body : null, size: body.length, truncated: false } },
        timing: { ttfbMs, totalMs: performance.now() - t0 },
        failure: null,
      },
    };
  } catch (e) {
    const failure = classifyTransportFailure(e);
    return {
      answer: jsonAnswer(502, { error: 'replayguard stub: the request matched no recording and forwarding it failed', cause: failure.kind, code: failure.code, reason: failure.message, upstream: url }),
      capture: { startedAt, upstream: url, request, response: null, timing: { ttfbMs: null, totalMs: performance.now() - t0 }, failure },
    };
  }
}

/** The recorder's own writer, appending forwarded misses to the served session (redacted as recording does). */
export async function openMissRecorder(config: Readonly<Config>, dbFile: string, session: string, upstream: string, where: { env: Record<string, string | undefined>; cwd?: string }, log: (line: string) => void): Promise<CaptureWriter> {
  const { key } = loadRedactionKey({ env: where.env, keyFile: redactionKeyFile(config.db, where.cwd), create: true });
  const writer = new CaptureWriter({
    location: dbFile,
    session: { name: session, upstream, startedAt: Date.now() },
    redact: config.redact,
    redactionKey: new Uint8Array(key),
    routeTemplates: [...config.routes.templates],
    maxDecodedBytes: config.compare.maxDecodedBytes,
    maxQueueBytes: config.record.queue.maxBytes,
    flushMs: config.record.queue.flushMs,
    batchSize: config.record.queue.batchSize,
    onWarning: (m) => log(`replayguard stub: warning: ${m}`),
  });
  try {
    await writer.ready();
  } catch (e) {
    await writer.close().catch(() => {});
    throw e;
  }
  return writer;
}

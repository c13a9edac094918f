import type { Entry, Header } from 'har-format';
import { contentEncodings } from '../compare/header-values.js';
import { NO_BODY as EMPTY_BODY } from '../http/body-tap.js';
import { encodeContent } from '../http/content-coding.js';
import type { Capture, HeaderPairs, StoredBody } from '../types/exchange.js';

/** An entry turned into a capture, or the reason it cannot be replayed faithfully. */
export type EntryOutcome = { ok: true; origin: string; capture: Capture } | { ok: false; origin: string | null; reason: string };

/**
 * Headers a HAR writer adds that were never HTTP/1.1 header lines: HTTP/2 and HTTP/3 pseudo-headers
 * (`:authority`, `:path` …). Everything else is kept as written, in order.
 */
function pairsOf(headers: readonly Header[]): HeaderPairs {
  return headers.filter((h) => !h.name.startsWith(':')).map((h) => [h.name, h.value]);
}

function body(bytes: Buffer | null): StoredBody {
  return bytes && bytes.length ? { bytes, size: bytes.length, truncated: false } : EMPTY_BODY;
}

/** `text` as HAR describes it: base64 when `encoding` says so, else the text itself in UTF-8. */
function bytesOf(text: string | undefined, encoding: string | undefined): Buffer | null {
  if (text === undefined) return null;
  return encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
}

/** Statuses whose response has no body by definition (RFC 9110), so a HAR without content text is complete. */
const NO_BODY = new Set([204, 205, 304]);

/**
 * One HAR entry as a capture, in the stored form the recorder produces: the request in origin form,
 * the response body as on the wire. HAR keeps `content.text` decoded while the headers still name
 * the content-encoding, so the body is encoded again with it; a coding we cannot produce, a body the
 * HAR left out, a status 0 (blocked, failed), a protocol switch and a non-HTTP URL are reasons to skip.
 */
export function entryToCapture(entry: Entry): EntryOutcome {
  let url: URL;
  try {
    url = new URL(entry.request.url);
  } catch {
    return { ok: false, origin: null, reason: 'the request URL is not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, origin: null, reason: `not HTTP (${url.protocol.replace(/:$/, '')})` };
  const origin = url.origin;
  const res = entry.response;
  if (!res || res.status === 0) return { ok: false, origin, reason: 'no response (status 0: failed, blocked or cancelled)' };
  if (res.status === 101) return { ok: false, origin, reason: 'a protocol switch (WebSocket): not replayable' };
  if (res.status < 200 && res.status !== 101) return { ok: false, origin, reason: `an interim response (${res.status}) as the final one` };

  const post = entry.request.postData as (typeof entry.request.postData & { _encoding?: string }) | undefined;
  if (post && post.text === undefined && post.params?.length) return { ok: false, origin, reason: 'the request body is given only as params (no text)' };
  const requestBytes = bytesOf(post?.text, post?._encoding);

  const content = res.content as typeof res.content & { _truncated?: boolean };
  if (content._truncated) return { ok: false, origin, reason: 'the response body was truncated when exported' };
  const headers = pairsOf(res.headers);
  let responseBytes = bytesOf(content.text, content.encoding);
  if (responseBytes === null && content.size > 0 && !NO_BODY.has(res.status) && entry.request.method !== 'HEAD') {
    return { ok: false, origin, reason: 'the response body is not in the HAR' };
  }
  const chain = contentEncodings(headers);
  if (responseBytes && responseBytes.length && chain.length) {
    responseBytes = encodeContent(responseBytes, chain);
    if (!responseBytes) return { ok: false, origin, reason: `a content-encoding that cannot be reproduced (${chain.join(', ')})` };
  }

  const started = Date.parse(entry.startedDateTime);
  // HAR writes -1 for a phase that does not apply; the first byte arrives after every phase up to `wait`.
  const t = entry.timings;
  const phase = (v: number | undefined) => (typeof v === 'number' && v > 0 ? v : 0);
  const ttfb = t && typeof t.wait === 'number' && t.wait >= 0 ? phase(t.blocked) + phase(t.dns) + phase(t.connect) + phase(t.send) + t.wait : null;
  return {
    ok: true,
    origin,
    capture: {
      startedAt: Number.isFinite(started) ? started : 0,
      upstream: origin,
      request: { method: entry.request.method.toUpperCase(), url: `${url.pathname}${url.search}`, headers: pairsOf(entry.request.headers), body: body(requestBytes) },
      response: { status: res.status, headers, body: body(responseBytes) },
      timing: { ttfbMs: ttfb === null ? null : Math.max(0, ttfb), totalMs: Math.max(0, entry.time ?? 0) },
      failure: null,
    },
  };
}

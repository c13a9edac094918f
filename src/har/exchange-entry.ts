import type { Entry, Header, PostData } from 'har-format';
import { decodeBody } from '../compare/decode-body.js';
import { contentEncodings, headerValue } from '../compare/header-values.js';
import type { Exchange, HeaderPairs, StoredBody } from '../types/exchange.js';

const headersOf = (pairs: HeaderPairs): Header[] => pairs.map(([name, value]) => ({ name, value }));

/** Text when the bytes are valid UTF-8, else base64 (HAR's `encoding`), so any body survives a round trip. */
function textOf(bytes: Buffer): { text: string; encoding?: 'base64' } {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? { text } : { text: bytes.toString('base64'), encoding: 'base64' };
}

function queryOf(url: string): Entry['request']['queryString'] {
  const q = url.indexOf('?');
  if (q < 0) return [];
  return [...new URLSearchParams(url.slice(q + 1))].map(([name, value]) => ({ name, value }));
}

const bytesOf = (b: StoredBody): Buffer => b.bytes ?? Buffer.alloc(0);

/**
 * One stored exchange as a HAR 1.2 entry. Stored bodies are what went over the wire; HAR wants
 * `content.text` decoded, with `compression` the bytes saved, so the body is decoded (redacted values
 * stay redacted: the stored bytes already carry the placeholders). A body stored truncated is exported
 * as what was stored and marked `_truncated`, and an exchange that failed has status 0 and `_error`,
 * as browsers write them; importing skips both.
 */
export function exchangeToEntry(e: Exchange, maxDecodedBytes: number): Entry {
  const req = e.request;
  const reqBytes = bytesOf(req.body);
  const postData = reqBytes.length
    ? (() => {
        const t = textOf(reqBytes);
        // `_encoding` is ours (HAR allows custom fields with a leading underscore): HAR 1.2 has no base64 request bodies.
        return { mimeType: headerValue(req.headers, 'content-type') ?? '', text: t.text, ...(t.encoding ? { _encoding: t.encoding } : {}) } as PostData;
      })()
    : undefined;
  const res = e.response;
  let response: Entry['response'];
  if (res) {
    const decoded = contentEncodings(res.headers).length ? decodeBody(res.headers, res.body, maxDecodedBytes).bytes : bytesOf(res.body);
    const t = decoded.length ? textOf(decoded) : null;
    const wire = bytesOf(res.body).length;
    response = {
      status: res.status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headersOf(res.headers),
      content: {
        size: decoded.length,
        ...(decoded.length !== wire ? { compression: decoded.length - wire } : {}),
        mimeType: headerValue(res.headers, 'content-type') ?? 'x-unknown',
        ...(t ? { text: t.text, ...(t.encoding ? { encoding: t.encoding } : {}) } : {}),
        ...(res.body.truncated ? { _truncated: true } : {}),
      },
      redirectURL: headerValue(res.headers, 'location') ?? '',
      headersSize: -1,
      bodySize: wire,
    };
  } else {
    response = {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: 'x-unknown' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      // As Chromium writes a failed request: status 0 and the reason in `_error`.
      _error: e.failure ? `${e.failure.kind}: ${e.failure.message}` : 'no response',
    } as Entry['response'];
  }
  const total = Math.max(0, e.timing.totalMs);
  const wait = Math.min(total, Math.max(0, e.timing.ttfbMs ?? total));
  return {
    startedDateTime: new Date(e.startedAt).toISOString(),
    time: total,
    request: {
      method: req.method,
      url: `${e.upstream.replace(/\/$/, '')}${req.url}`,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headersOf(req.headers),
      queryString: queryOf(req.url),
      ...(postData ? { postData } : {}),
      headersSize: -1,
      bodySize: reqBytes.length,
    },
    response,
    cache: {},
    timings: { send: 0, wait, receive: total - wait },
    ...(req.body.truncated ? { _requestTruncated: true } : {}),
  };
}

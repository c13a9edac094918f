// Builds recordings databases for the replay and scale benchmarks with the real store
// (SqliteRecordingStore from dist), in big transactions. Responses equal what bench/upstream.mjs
// answers, so a replay against it compares equal (verdict "same") and exercises the whole pipeline.
import path from 'node:path';
import { DIST } from './lib.mjs';
import { jsonBody } from './upstream-body.mjs';

export const SMALL_BODY = jsonBody(1024);

export async function openStore(file) {
  const { SqliteRecordingStore } = await import(path.join(DIST, 'src/store/sqlite-recording-store.js'));
  return new SqliteRecordingStore(file);
}

/**
 * Append `n` GET exchanges to a session: `/items/<i>?page=<i%7>` (or `<prefix>/<i>?page=<i%7>`) with
 * browser-like request headers and a JSON response of `body` (default the upstream's ~1 KB body).
 * Batches of `batch` per transaction.
 */
export function appendExchanges(store, sessionId, { n, firstSeq = 1, upstream, body = SMALL_BODY, batch = 5000, prefix = '/items' }) {
  const resHeaders = [['content-type', 'application/json'], ['content-length', String(body.length)], ['date', 'Wed, 26 Nov 2026 12:00:00 GMT']];
  for (let done = 0; done < n; ) {
    const rows = [];
    const m = Math.min(batch, n - done);
    for (let j = 0; j < m; j++) {
      const i = firstSeq + done + j;
      rows.push({
        seq: i,
        route: `${prefix}/:id`,
        startedAt: 1_790_000_000_000 + i,
        upstream,
        request: {
          method: 'GET',
          url: `${prefix}/${i}?page=${i % 7}`,
          headers: [['host', 'staging.example:8080'], ['accept', 'application/json'], ['user-agent', 'bench/1.0'], ['x-request-id', `req-${i}`]],
          body: { bytes: null, size: 0, truncated: false },
        },
        response: { status: 200, headers: resHeaders, body: { bytes: body, size: body.length, truncated: false } },
        timing: { ttfbMs: 1.2, totalMs: 1.5 },
        failure: null,
      });
    }
    store.appendSync(sessionId, rows);
    done += m;
  }
}

import { request } from 'node:http';

/** What a plain node:http client saw: the head if any, body bytes that arrived, and how it ended. */
export interface RawOutcome {
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
  body: Buffer;
  /** `complete`, or the error the client met (code and message). */
  end: 'complete' | { code: string | undefined; message: string };
  elapsedMs: number;
}

/**
 * One request on a fresh connection (no agent), observed at the socket's level: faults that break a
 * response half-way must show as the half that arrived plus the error, which fetch would hide.
 */
export function rawRequest(url: string, options: { method?: string; body?: string; timeoutMs?: number } = {}): Promise<RawOutcome> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    let status: number | null = null;
    let headers: RawOutcome['headers'] = {};
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (end: RawOutcome['end']): void => {
      if (settled) return;
      settled = true;
      const body = Buffer.concat(chunks);
      resolve({ status, headers, bytes: body.length, body, end, elapsedMs: performance.now() - t0 });
    };
    const req = request(url, { method: options.method ?? 'GET', agent: false, headers: options.body ? { 'content-type': 'application/json' } : {} }, (res) => {
      status = res.statusCode ?? null;
      headers = res.headers;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish(res.complete ? 'complete' : { code: 'INCOMPLETE', message: 'the response ended before its declared length' }));
      res.on('aborted', () => finish({ code: 'ABORTED', message: 'aborted' }));
      res.on('error', (e: NodeJS.ErrnoException) => finish({ code: e.code, message: e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish({ code: e.code, message: e.message }));
    if (options.timeoutMs) {
      req.setTimeout(options.timeoutMs, () => {
        finish({ code: 'CLIENT_TIMEOUT', message: `no response within ${options.timeoutMs} ms` });
        req.destroy();
      });
    }
    req.end(options.body);
  });
}

import { FAULT_HEADER, type FaultKind } from '../fault-kind.js';

/** An error status instead of the recorded answer (429 with retry-after, 500, 503 …). */
export const status: FaultKind<'status'> = {
  name: 'status',
  apply(params, ctx) {
    const body = Buffer.from(params.body ?? JSON.stringify({ error: 'injected fault', status: params.code, rule: ctx.label }));
    const headers: string[] = [];
    const named = new Set(Object.keys(params.headers).map((h) => h.toLowerCase()));
    if (!named.has('content-type')) headers.push('content-type', params.body === undefined ? 'application/json' : 'text/plain');
    for (const [n, v] of Object.entries(params.headers)) headers.push(n, v);
    headers.push('content-length', String(body.length), FAULT_HEADER, ctx.label);
    ctx.response.writeHead(params.code, headers);
    ctx.response.end(body);
  },
};

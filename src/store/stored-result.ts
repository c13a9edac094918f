import type { ReplayResult, StoredBody } from '../types.js';

const noBytes = (b: StoredBody): StoredBody => ({ bytes: null, size: b.size, truncated: b.truncated });

function slim<T extends { headers: unknown; body: StoredBody }>(x: T | null): T | null {
  return x ? { ...x, headers: [], body: noBytes(x.body) } : null;
}

/**
 * A result as every results store keeps it, and so as every reporter sees it, live or regenerated.
 * A passing result says nothing its recording does not: status, sizes and timings stay; headers and
 * bodies are left to the recordings (by exchange id). Most results of a healthy run are passes, so
 * this is most of the write volume saved. Other verdicts are kept whole.
 */
export function storedForm(r: ReplayResult): ReplayResult {
  if (r.verdict !== 'pass') return r;
  return {
    ...r,
    request: { ...r.request, headers: [], body: noBytes(r.request.body) },
    recorded: slim(r.recorded),
    candidate: slim(r.candidate),
    baseline: slim(r.baseline),
  };
}

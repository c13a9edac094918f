import { describe, expect, it } from 'vitest';
import type { FaultPlan } from '../../../src/config/schema.js';
import { seededRandom } from '../../helpers/random.js';
import { rawRequest, type RawOutcome } from '../../helpers/raw-client.js';
import { recordDependency, startTestStub } from '../../helpers/stub.js';
import { pool } from '../../helpers/pool.js';

const PLAN: FaultPlan = {
  seed: 7,
  faults: [
    { match: 'GET /price/**', probability: 0.4, status: { code: 503, headers: {} } },
    { match: 'GET /price/**', probability: 0.3, reset: { when: 'before-headers' } },
    { match: 'POST /charge', calls: '2-', latency: { ms: 5, jitter: 10 } },
  ],
};

function outcome(o: RawOutcome): string {
  if (o.status === null) return `error ${typeof o.end === 'string' ? o.end : o.end.code}`;
  return `${o.status} ${o.headers['x-replayguard-fault'] ?? '-'}`;
}

/** Run `calls` at `concurrency`, returning each URL's outcomes sorted (identical requests are interchangeable). */
async function drive(url: string, calls: readonly string[], concurrency: number): Promise<Record<string, string[]>> {
  const seen: Record<string, string[]> = {};
  await pool(calls, concurrency, async (c) => {
    const [method, path] = c.split(' ') as [string, string];
    const o = await rawRequest(url + path, { method, body: method === 'POST' ? '{"amount":5}' : undefined });
    (seen[c] ??= []).push(outcome(o));
  });
  for (const list of Object.values(seen)) list.sort();
  return seen;
}

describe('fault decisions are reproducible', () => {
  it('two stubs with the same plan and seed inject the same faults whatever the order and concurrency', async () => {
    const distinct = [...Array.from({ length: 30 }, (_, i) => `GET /price/${i}`), 'POST /charge'];
    const calls = [...distinct.flatMap((c, i) => Array.from({ length: 1 + (i % 3) }, () => c)), 'POST /charge'];
    const db = await recordDependency(
      (_req, res) => void res.end('{"ok":true}'),
      calls.map((c) => ({ method: c.split(' ')[0]!, path: c.split(' ')[1]!, body: c.startsWith('POST') ? { amount: 5 } : undefined })),
    );
    const a = await startTestStub(db, { faults: PLAN });
    const b = await startTestStub(db, { faults: PLAN });
    const inOrder = await drive(a.url, calls, 1);
    const shuffled = await drive(b.url, seededRandom(11).shuffle(calls), 8);
    expect(shuffled).toEqual(inOrder);
    const injected = (s: typeof a): number[] => s.stats().faults.map((f) => f.injected);
    expect(injected(b)).toEqual(injected(a));
    // Not a trivial plan: both outcomes occur for the probabilistic rules, and repeats count.
    const all = Object.values(inOrder).flat();
    expect(all.filter((o) => o.includes('503')).length).toBeGreaterThan(3);
    expect(all.filter((o) => o.startsWith('error')).length).toBeGreaterThan(1);
    expect(all.filter((o) => o === '200 -').length).toBeGreaterThan(3);
    expect(inOrder['POST /charge']).toEqual(['200 #2 latency', '200 -'].sort());

    // Another seed decides otherwise (the seed is really used).
    const c = await startTestStub(db, { faults: PLAN, seed: 8 });
    expect(await drive(c.url, calls, 4)).not.toEqual(inOrder);
  });
});

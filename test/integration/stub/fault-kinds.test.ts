import { describe, expect, it } from 'vitest';
import { FAULT_KIND_NAMES, type FaultKindName, type FaultRuleConfig } from '../../../src/config/schema.js';
import { FAULT_KINDS } from '../../../src/faults/kinds/index.js';
import { rawRequest, type RawOutcome } from '../../helpers/raw-client.js';
import { recordDependency, startTestStub } from '../../helpers/stub.js';

const BODY = JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `item-${i}` })) });

async function recordItems(): Promise<string> {
  return recordDependency(
    (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(BODY);
    },
    [{ method: 'GET', path: '/items' }, { method: 'GET', path: '/other' }],
  );
}

/**
 * The contract every fault kind keeps, seen from a real client on a real socket: what the client
 * observes, and that the stub counts the injection under its rule. Timing bounds are lower bounds only.
 */
const CONTRACT: Record<FaultKindName, Array<{ name: string; rule: Omit<FaultRuleConfig, 'match'>; timeoutMs?: number; expect: (o: RawOutcome) => void }>> = {
  latency: [
    {
      name: 'a fixed delay of 300 ms takes at least 300 ms, then the recorded answer',
      rule: { latency: { ms: 300 } },
      expect: (o) => {
        expect(o.elapsedMs).toBeGreaterThanOrEqual(300);
        expect(o).toMatchObject({ status: 200, end: 'complete', bytes: BODY.length });
        expect(o.headers['x-replayguard-fault']).toBe('#0 latency');
      },
    },
    {
      name: 'a lognormal delay around its median (sigma 0) takes at least the median',
      rule: { latency: { median: 250, sigma: 0 } },
      expect: (o) => {
        expect(o.elapsedMs).toBeGreaterThanOrEqual(250);
        expect(o.status).toBe(200);
      },
    },
  ],
  status: [
    {
      name: 'another status with chosen headers',
      rule: { status: { code: 429, headers: { 'retry-after': '2' } } },
      expect: (o) => {
        expect(o).toMatchObject({ status: 429, end: 'complete' });
        expect(o.headers['retry-after']).toBe('2');
        expect(JSON.parse(o.body.toString())).toMatchObject({ error: 'injected fault', status: 429 });
      },
    },
  ],
  reset: [
    {
      name: 'a reset before the headers is a socket error and no response',
      rule: { reset: { when: 'before-headers' } },
      expect: (o) => {
        expect(o.status).toBeNull();
        expect(o.end).toMatchObject({ code: 'ECONNRESET', message: expect.stringMatching(/read ECONNRESET/) });
      },
    },
    {
      name: 'a reset after the headers delivers the head, then a socket error',
      rule: { reset: { when: 'after-headers' } },
      expect: (o) => {
        expect(o.status).toBe(200);
        expect(o.bytes).toBe(0);
        expect(o.end).not.toBe('complete');
      },
    },
  ],
  timeout: [
    {
      name: 'never answers: the client gives up',
      rule: { timeout: {} },
      timeoutMs: 400,
      expect: (o) => {
        expect(o.status).toBeNull();
        expect(o.end).toMatchObject({ code: 'CLIENT_TIMEOUT' });
        expect(o.elapsedMs).toBeGreaterThanOrEqual(400);
      },
    },
  ],
  bandwidth: [
    {
      name: 'the body trickles at the rate: n bytes take at least n / rate seconds',
      rule: { bandwidth: { bytesPerSecond: 8000 } },
      expect: (o) => {
        expect(o).toMatchObject({ status: 200, end: 'complete', bytes: BODY.length });
        expect(o.elapsedMs).toBeGreaterThanOrEqual((BODY.length / 8000) * 1000 * 0.9);
      },
    },
  ],
  truncate: [
    {
      name: 'exactly N body bytes arrive, then the connection closes',
      rule: { truncate: { bytes: 100 } },
      expect: (o) => {
        expect(o.status).toBe(200);
        expect(o.bytes).toBe(100);
        expect(o.body.equals(Buffer.from(BODY).subarray(0, 100))).toBe(true);
        expect(o.end).not.toBe('complete');
      },
    },
  ],
  malformed: [
    {
      name: 'garbage that is not HTTP: a parse error at the client',
      rule: { malformed: {} },
      expect: (o) => {
        expect(o.status).toBeNull();
        expect((o.end as { code: string }).code).toMatch(/^HPE_/);
      },
    },
  ],
  empty: [
    {
      name: 'the connection closes without a response: socket hang up, not a reset',
      rule: { empty: {} },
      expect: (o) => {
        expect(o.status).toBeNull();
        expect(o.end).toMatchObject({ message: 'socket hang up' });
      },
    },
  ],
};

describe('fault kinds (one contract for every kind)', () => {
  it('covers every kind the stub knows', () => {
    expect(Object.keys(CONTRACT).sort()).toEqual([...FAULT_KIND_NAMES].sort());
    expect(Object.keys(FAULT_KINDS).sort()).toEqual([...FAULT_KIND_NAMES].sort());
  });

  const cases = Object.entries(CONTRACT).flatMap(([kind, list]) => list.map((c) => ({ kind, ...c })));
  it.each(cases)('$kind: $name', async ({ kind, rule, timeoutMs, expect: check }) => {
    const stub = await startTestStub(await recordItems(), { faults: { seed: 1, faults: [{ match: 'GET /items', ...rule }] } });
    check(await rawRequest(`${stub.url}/items`, { timeoutMs }));
    // Requests the rule does not select are untouched, and the stub still serves.
    const other = await rawRequest(`${stub.url}/other`);
    expect(other).toMatchObject({ status: 200, end: 'complete' });
    expect(other.headers['x-replayguard-fault']).toBeUndefined();
    expect(stub.stats().faults).toEqual([{ rule: `#0 ${kind}`, kind, match: ['GET /items'], injected: 1 }]);
  });
});

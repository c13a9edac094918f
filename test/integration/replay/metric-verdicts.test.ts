import { describe, expect, it } from 'vitest';
import { gets, recordSession, replayRecorded } from '../../helpers/replay.js';
import { seededRandom } from '../../helpers/random.js';
import { startServer } from '../../helpers/servers.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';

/**
 * A service that "allocates" `perRequest` bytes (±10%, seeded) per request and says so in its own
 * Prometheus counter, as a Node service's allocation or CPU counters would.
 */
async function service(seed: number, perRequest: number) {
  const rand = seededRandom(seed);
  let allocated = 0;
  return startServer(async (req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE app_allocated_bytes_total counter\napp_allocated_bytes_total ${allocated}\n# TYPE app_heap_bytes gauge\napp_heap_bytes 5000000\n`);
      return;
    }
    allocated += perRequest * (0.9 + rand.next() * 0.2);
    await new Promise((r) => setTimeout(r, 8));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url: req.url }));
  });
}

describe('replay --target-metrics / --baseline-metrics', () => {
  it('flags a candidate that allocates 30% more per request, and not an identical one', async () => {
    const staging = await service(1, 1000);
    const { dbFile } = await recordSession(staging.url, gets(...Array.from({ length: 80 }, (_, i) => `/r/${i}`)));
    const judge = async (candidatePerRequest: number) => {
      const candidate = await service(2, candidatePerRequest);
      const baseline = await service(3, 1000);
      return replayRecorded(dbFile, candidate.url, {
        overrides: {
          replay: {
            baseline: baseline.url,
            concurrency: 1,
            metrics: { target: `${candidate.url}/metrics`, baseline: `${baseline.url}/metrics`, names: ['app_allocated_bytes_total', 'app_heap_bytes'], interval: 100 },
          },
        },
      });
    };
    const worse = await judge(1300);
    const alloc = worse.outcome.summary.metrics?.find((m) => m.name === 'app_allocated_bytes_total');
    expect(alloc, JSON.stringify(worse.outcome.summary.metrics)).toMatchObject({ flagged: true });
    expect(alloc!.effect).toBeGreaterThan(0.15);
    expect(worse.outcome.exitCode).toBe(1);
    expect(worse.outcome.exitReason).toMatch(/candidate metrics worse than the baseline's: app_allocated_bytes_total \+\d+%/);
    expect(worse.stdout).toMatch(/WORSE app_allocated_bytes_total/);

    const same = await judge(1000);
    expect(same.outcome.summary.metrics?.map((m) => m.flagged), JSON.stringify(same.outcome.summary.metrics)).toEqual([false, false]);
    expect(same.outcome.exitCode).toBe(0);
  }, LOADED_MACHINE_MS);
});

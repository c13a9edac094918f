import type { ServerResponse } from 'node:http';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gets, recordSession, replayRecorded } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';

/**
 * Property through real HTTP (the pure compare(x, x) property lives in test/unit/compare): whatever
 * JSON a server returns, recording it through the proxy and replaying against a server that returns
 * exactly the same bytes passes, with no difference and no note.
 */
describe('replaying exactly the recorded bytes', () => {
  it('passes for any JSON value', { timeout: 240_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue({ maxDepth: 4 }), { minLength: 1, maxLength: 6 }), fc.constantFrom('application/json', 'application/problem+json; charset=utf-8', 'text/plain'), async (values, type) => {
        const bodies = values.map((v) => Buffer.from(JSON.stringify(v) ?? 'null'));
        const handler = (req: { url?: string }, res: ServerResponse): void => {
          const body = bodies[Number(/\/v\/(\d+)/.exec(req.url ?? '')?.[1] ?? 0)]!;
          res.writeHead(200, { 'content-type': type, 'content-length': body.length });
          res.end(body);
        };
        const recorded = await startServer(handler);
        const replica = await startServer(handler);
        const { dbFile } = await recordSession(recorded.url, gets(...bodies.map((_, i) => `/v/${i}`)));
        const run = await replayRecorded(dbFile, replica.url, { overrides: { replay: { concurrency: 3 } } });
        expect(run.results).toHaveLength(bodies.length);
        for (const r of run.results) {
          expect(r.verdict).toBe('pass');
          expect(r.comparison).toEqual({ verdict: 'pass', differences: [], filtered: [], notes: [] });
        }
        expect(run.outcome.exitCode).toBe(0);
        await Promise.all([recorded.close(), replica.close()]);
      }),
      { numRuns: 6 },
    );
  });
});

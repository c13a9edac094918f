import { describe, expect, it } from 'vitest';
import { gets, recordSession, replayRecorded } from '../helpers/replay.js';
import { startServer } from '../helpers/servers.js';

describe('hostile: replay --timeout bounds the whole response (issue 12 item 4)', () => {
  it('a target sending one byte a second is a timeout error at 4 s, not a run that waits 40 s for 40 bytes', async () => {
    const mode = { dribble: false, written: 0, timers: [] as NodeJS.Timeout[] };
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      if (!mode.dribble || req.url !== '/dribble') return void res.end('x'.repeat(40));
      // 40 bytes over 40 s: every gap is well under the timeout, the whole is far past it. The timeout is
      // 4 s, not 1 s, so that /fast passes on a loaded machine (at load 25 it took over 1 s).
      const tick = setInterval(() => {
        if (res.destroyed) return clearInterval(tick);
        res.write('x');
        if (++mode.written === 40) {
          clearInterval(tick);
          res.end();
        }
      }, 1000);
      mode.timers.push(tick);
    });
    const { dbFile } = await recordSession(server.url, gets('/fast', '/dribble', '/after'));
    mode.dribble = true;
    try {
      const run = await replayRecorded(dbFile, server.url, { overrides: { replay: { timeout: 4000 } } });
      const bytesWhenDone = mode.written;
      expect(run.results.map((r) => [r.url, r.verdict])).toEqual([
        ['/fast', 'pass'],
        ['/dribble', 'error'],
        ['/after', 'pass'],
      ]);
      expect(run.results[1]!.error).toMatchObject({ kind: 'timeout', message: 'no complete response within 4000 ms' });
      // Four bytes fit in 4 s; twenty leave room for a loaded machine and are half of the response.
      expect(bytesWhenDone).toBeLessThan(20);
    } finally {
      for (const t of mode.timers) clearInterval(t);
    }
  });
});

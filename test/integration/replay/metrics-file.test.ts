import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMetrics, valueOf } from '../../helpers/prometheus.js';
import { gets, recordSession, runCliCaptured } from '../../helpers/replay.js';
import { startServer } from '../../helpers/servers.js';
import { tempDir } from '../../helpers/temp.js';
import { LOADED_MACHINE_MS } from '../../helpers/loaded-machine.js';

describe('replay --metrics-file', () => {
  it('writes the run as Prometheus text: exchanges by verdict, duration, exit code', async () => {
    const answer = (changed: boolean) => (req: { url?: string }, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, price: changed && req.url === '/p/3' ? 99 : 10 }));
    };
    const staging = await startServer(answer(false));
    const candidate = await startServer(answer(true));
    const { dbFile } = await recordSession(staging.url, gets('/p/1', '/p/2', '/p/3', '/p/4', '/p/5'));
    const dir = tempDir();
    const file = path.join(dir, 'replayguard.prom');
    const run = await runCliCaptured(['replay', '--db', dbFile, '--session', 'test', '--target', candidate.url, '--out', path.join(dir, 'out'), '--reporter', 'json', '--metrics-file', file], { cwd: dir });
    expect(run.code, run.err).toBe(1);
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
    const m = parseMetrics(readFileSync(file, 'utf8'));
    expect(m.families.get('replayguard_replay_exchanges')?.type).toBe('GAUGE');
    expect(valueOf(m, 'replayguard_replay_exchanges', { session: 'test', verdict: 'regression' })).toBe(1);
    expect(valueOf(m, 'replayguard_replay_exchanges', { session: 'test', verdict: 'pass' })).toBe(4);
    expect(valueOf(m, 'replayguard_replay_exchanges', { verdict: 'error' })).toBe(0);
    expect(m.samples.filter((s) => s.name === 'replayguard_replay_exchanges')).toHaveLength(6);
    expect(valueOf(m, 'replayguard_replay_exit_code')).toBe(1);
    expect(valueOf(m, 'replayguard_replay_duration_seconds')).toBeGreaterThan(0);
    expect(valueOf(m, 'replayguard_replay_last_run_timestamp_seconds')).toBeGreaterThan(1.7e9);
  }, LOADED_MACHINE_MS);
});

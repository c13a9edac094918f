import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { exitWithin } from '../../helpers/cli-process.js';
import { spawnStub } from '../../helpers/cli-stub.js';
import { recordDependency } from '../../helpers/stub.js';
import { tempDir } from '../../helpers/temp.js';

describe('replayguard stub (CLI)', () => {
  it('serves a session with a fault plan file, reports stats, and stops on SIGTERM', async () => {
    const db = await recordDependency((req, res) => void res.end(`answer ${req.url}`), [{ method: 'GET', path: '/price/1' }, { method: 'POST', path: '/charge', body: { amount: 1 } }]);
    const plan = path.join(tempDir(), 'plan.json');
    writeFileSync(plan, JSON.stringify({ seed: 7, faults: [{ name: 'charge down', match: 'POST /charge', calls: '1-2', status: { code: 503, headers: { 'retry-after': '1' } } }] }));
    const stub = await spawnStub(['--db', db, '--session', 'test', '--port', '0', '--faults', plan]);
    expect(stub.stderr()).toContain('fault plan: 1 rule, seed 7');
    expect(await (await request(`${stub.url}/price/1`)).body.text()).toBe('answer /price/1');
    const charge = async (): Promise<number> => {
      const r = await request(`${stub.url}/charge`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":1}' });
      await r.body.text();
      return r.statusCode;
    };
    expect([await charge(), await charge(), await charge()]).toEqual([503, 503, 200]);
    const stats = (await (await request(`${stub.url}/__replayguard/stats`)).body.json()) as { hits: number; faults: Array<{ rule: string; injected: number }> };
    expect(stats.hits).toBe(4);
    expect(stats.faults).toEqual([{ rule: 'charge down', kind: 'status', match: ['POST /charge'], injected: 2 }]);
    stub.child.kill('SIGTERM');
    expect(await exitWithin(stub, 30_000)).toEqual({ code: 0, signal: null });
    expect(stub.stderr()).toContain('4 hits, 0 misses, 2 faults injected');
  });

  it('refuses an invalid plan with RG_ERR_FAULT_PLAN and exit 2', async () => {
    const db = await recordDependency((_req, res) => void res.end('x'), [{ method: 'GET', path: '/x' }]);
    const plan = path.join(tempDir(), 'plan.json');
    writeFileSync(plan, JSON.stringify({ faults: [{ match: 'GET /x', status: { code: 503 }, reset: {} }] }));
    await expect(spawnStub(['--db', db, '--session', 'test', '--port', '0', '--faults', plan])).rejects.toThrow(/exited early with 2[\s\S]*RG_ERR_FAULT_PLAN[\s\S]*exactly one of/);
  });
});

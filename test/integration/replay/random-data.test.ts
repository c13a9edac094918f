import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigOverrides } from '../../../src/config/resolve-config.js';
import { learnedNoiseToConfig } from '../../../src/noise/learned-config.js';
import type { RunSummary } from '../../../src/types.js';
import { seededRandom, seedFrom } from '../../helpers/random.js';
import { gets, recordSession, replayRecorded } from '../../helpers/replay.js';
import { startServer, type TestServer } from '../../helpers/servers.js';

/**
 * Issue 11 acceptance: an API that answers with random data — as an OpenAPI mock server does —
 * replayed with a baseline and no configuration. Unchanged, it must come out clean run after run:
 * random integers of every magnitude (some in the epoch range, some negative), random booleans and
 * enums, objects keyed by random ids and by random names. A planted change is one signature; a
 * never-seen enum value is flagged although the field is noisy.
 *
 * Seeded: the values of each response come from the build's seed and the request, never from
 * Math.random, so a failure replays exactly.
 */
type Plant = 'none' | 'type-change' | 'new-enum' | 'removed-and-status';

const STATUSES = ['available', 'pending', 'sold'];
const NAMES = ['fluffy', 'grumpy', 'sleepy', 'happy', 'dusty', 'misty', 'rusty', 'snowy'];

function randomInt(rng: ReturnType<typeof seededRandom>): number {
  // Magnitudes from 1 to 15 digits, either sign: 1366923993 and -1738793727 are both just numbers.
  return (rng.int(2) ? -1 : 1) * Math.floor(rng.next() * 10 ** (1 + rng.int(15)));
}

async function randomApi(seed: number, plant: Plant = 'none'): Promise<TestServer> {
  const asked = new Map<string, number>();
  return startServer((req, res) => {
    const url = req.url ?? '/';
    const n = (asked.get(url) ?? 0) + 1;
    asked.set(url, n);
    const rng = seededRandom(seedFrom(seed, url, n));
    const send = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const m = /^\/pets\/(\d+)$/.exec(url);
    if (m) {
      const id = Number(m[1]);
      const attributes: Record<string, unknown> = {};
      for (let i = 0, k = 1 + rng.int(3); i < k; i++) attributes[rng.hex(6)] = { weight: randomInt(rng), label: rng.pick(NAMES) };
      const nicknames: Record<string, unknown> = {};
      for (let i = 0, k = 1 + rng.int(2); i < k; i++) nicknames[`${rng.pick(NAMES)}-${rng.int(100_000)}`] = rng.int(2) === 1;
      const status = plant === 'new-enum' && id % 4 === 0 ? 'reserved' : rng.pick(STATUSES);
      const count = randomInt(rng);
      return send({
        id,
        ...(plant === 'removed-and-status' ? {} : { name: `pet ${id}` }),
        count: plant === 'type-change' ? String(count) : count,
        score: rng.next() * 100,
        vaccinated: rng.int(2) === 1,
        status,
        attributes,
        nicknames,
      });
    }
    if (url.startsWith('/stats') && plant === 'removed-and-status') {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"boom"}');
      return;
    }
    if (url.startsWith('/stats')) return send({ visits: randomInt(rng), open: rng.int(2) === 1, mood: rng.pick(STATUSES) });
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  });
}

const SCRIPT = gets(...Array.from({ length: 16 }, (_, i) => `/pets/${i + 1}`), ...Array.from({ length: 8 }, (_, i) => `/stats?day=${i + 1}`));

// One recording for every run, as a team replays the same session against each build. Kept outside
// tempDir (which is emptied after each test) for the whole file.
let recordingDir = '';
let dbFile = '';
beforeAll(async () => {
  recordingDir = mkdtempSync(path.join(tmpdir(), 'rg-random-data-'));
  const staging = await randomApi(1);
  try {
    const session = await recordSession(staging.url, SCRIPT);
    dbFile = path.join(recordingDir, 'rec.db');
    copyFileSync(session.dbFile, dbFile);
  } finally {
    await staging.close();
  }
});
afterAll(() => rmSync(recordingDir, { recursive: true, force: true }));

async function replayWith(seed: number, plant: Plant, overrides: ConfigOverrides = {}, withBaseline = true) {
  const baseline = withBaseline ? await randomApi(1000 + seed) : null;
  const candidate = await randomApi(2000 + seed, plant);
  try {
    return await replayRecorded(dbFile, candidate.url, { overrides: { ...overrides, replay: { ...overrides.replay, ...(baseline ? { baseline: baseline.url } : {}) } } });
  } finally {
    await Promise.all([baseline?.close(), candidate.close()]);
  }
}

const regressionSignatures = (s: RunSummary): string[] =>
  s.signatures
    .filter((g) => g.verdict !== 'noise')
    .map((g) => `${g.method} ${g.route} ${g.signature}`)
    .sort();

describe('an unchanged random-data API is clean; planted changes are flagged (issue 11)', { timeout: 120_000 }, () => {
  it.each(Array.from({ length: 20 }, (_, i) => i + 1))('unchanged build, seeded run %i: exit 0, no regression signature', async (seed) => {
    const run = await replayWith(seed, 'none');
    expect(regressionSignatures(run.outcome.summary), JSON.stringify(run.results.filter((r) => r.verdict === 'regression').map((r) => [r.url, r.comparison?.differences, r.comparison?.filtered]))).toEqual([]);
    expect(run.outcome.exitCode).toBe(0);
    expect(run.outcome.summary.counts.regression + run.outcome.summary.counts.unreproduced).toBe(0);
    // The multiple-testing correction is shown with what it covered.
    expect(run.outcome.summary.noiseTests).toMatchObject({ level: 0.05, method: 'Benjamini–Hochberg' });
    expect(run.outcome.summary.noiseTests!.keys).toBeGreaterThan(5);
  });

  it('a number that became a string in a noisy field is one signature', async () => {
    const run = await replayWith(7, 'type-change');
    expect(run.outcome.exitCode).toBe(1);
    expect(regressionSignatures(run.outcome.summary)).toEqual(['GET /pets/:id body:/count:number → string']);
  });

  it('a never-seen enum value is flagged although the field varies within its domain', async () => {
    const run = await replayWith(8, 'new-enum');
    expect(run.outcome.exitCode).toBe(1);
    expect(regressionSignatures(run.outcome.summary)).toEqual(['GET /pets/:id body:/status:value changed']);
    const flagged = run.results.filter((r) => r.verdict === 'regression');
    expect(flagged.map((r) => r.url).sort()).toEqual(['/pets/12', '/pets/16', '/pets/4', '/pets/8']);
    for (const r of flagged) expect(r.comparison!.differences.map((d) => d.after)).toEqual(['reserved']);
    // The domain is what was learned for the field, values and all.
    const status = run.outcome.summary.learnedNoise.find((n) => n.path === '/status');
    expect(status?.kind).toBe('value varies within {"available", "pending", "sold"}');
  });

  it('the noise snippet of an unchanged run, committed, still flags a removed field and a status change without a baseline', async () => {
    const learnedRun = await replayWith(3, 'none');
    const snippet = learnedNoiseToConfig(learnedRun.outcome.summary.learnedNoise);
    const text = JSON.stringify(snippet);
    // As narrow as the evidence: no ignored path (nor the whole body), nothing about the status.
    expect(text).not.toContain('"ignore"');
    expect(text).toContain('"match":"domain"');
    expect(text).toContain('"keys":"vary"');
    const rules = Object.values(snippet.compare!.routes!).flatMap((r) => r.rules ?? []);
    expect(rules.every((r) => r.path.startsWith('/') && r.path !== '/')).toBe(true);

    const changed = await replayWith(4, 'removed-and-status', { compare: snippet.compare }, false);
    expect(changed.outcome.exitCode).toBe(1);
    expect(regressionSignatures(changed.outcome.summary)).toEqual(expect.arrayContaining(['GET /pets/:id body:/name:removed', 'GET /stats status::200 → 500']));
    for (const r of changed.results) expect(r.verdict, r.url).toBe('regression');
  });
});

import { request } from 'undici';
import { ReplayguardError, reasonOf } from '../errors.js';
import type { StubStatsSnapshot } from '../stub/stub-stats.js';
import type { StubRunStats } from '../types/run.js';

const STATS_PATH = '/__replayguard/stats';
const TIMEOUT_MS = 10_000;

async function readStats(url: string): Promise<StubStatsSnapshot> {
  try {
    const res = await request(url.replace(/\/$/, '') + STATS_PATH, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.body.text();
    if (res.statusCode !== 200) throw new ReplayguardError('RG_ERR_STUB_STATS', { url, reason: `${STATS_PATH} answered ${res.statusCode}` });
    const stats = JSON.parse(text) as StubStatsSnapshot;
    if (typeof stats.hits !== 'number' || !Array.isArray(stats.faults)) throw new ReplayguardError('RG_ERR_STUB_STATS', { url, reason: `${STATS_PATH} is not a replayguard stub's stats` });
    return stats;
  } catch (e) {
    if (e instanceof ReplayguardError) throw e;
    throw new ReplayguardError('RG_ERR_STUB_STATS', { url, reason: reasonOf(e) }, { cause: e });
  }
}

/** What happened at a stub between two snapshots: counters subtracted, misses that recurred or are new. */
export function statsBetween(url: string, before: StubStatsSnapshot, after: StubStatsSnapshot): StubRunStats {
  const earlier = new Map(before.missDetails.map((m) => [`${m.method} ${m.url}`, m.count]));
  const injected = new Map(before.faults.map((f) => [f.rule, f.injected]));
  return {
    url,
    session: after.session,
    requests: after.requests - before.requests,
    hits: after.hits - before.hits,
    misses: after.misses - before.misses,
    forwarded: after.forwarded - before.forwarded,
    missDetails: after.missDetails
      .map((m) => ({ ...m, count: m.count - (earlier.get(`${m.method} ${m.url}`) ?? 0) }))
      .filter((m) => m.count > 0),
    faults: after.faults.map((f) => ({ ...f, injected: f.injected - (injected.get(f.rule) ?? 0) })),
  };
}

/**
 * `--stubs URL,…`: each stub's stats are read before the replay (an unreachable stub stops it before
 * any request is sent) and after, and what the replay caused is the difference.
 */
export async function watchStubs(urls: readonly string[]): Promise<{ finish(): Promise<StubRunStats[]> }> {
  const before = await Promise.all(urls.map(readStats));
  return {
    async finish() {
      const after = await Promise.all(urls.map(readStats));
      return urls.map((u, i) => statsBetween(u, before[i]!, after[i]!));
    },
  };
}

/**
 * A stub miss fails the run: the target then met a 502 (or the live dependency) where the recording
 * should have answered, so its answers say nothing about the candidate. Never silent.
 */
export function withStubMisses(policy: { exitCode: number; reason: string }, stubs: readonly StubRunStats[]): { exitCode: number; reason: string } {
  const missed = stubs.filter((s) => s.misses > 0);
  if (missed.length === 0) return policy;
  const lines = missed.map((s) => `stub ${s.url} (session "${s.session}") answered ${s.misses} request${s.misses === 1 ? '' : 's'} nothing recorded matches`);
  return { exitCode: Math.max(policy.exitCode, 1), reason: policy.exitCode === 0 ? lines.join('; ') : `${policy.reason}; ${lines.join('; ')}` };
}

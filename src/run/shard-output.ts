import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Config } from '../config/schema.js';
import { ReplayguardError, reasonOf } from '../errors.js';
import type { LatencySample } from '../replay/latency.js';
import type { RunEvidence } from '../replay/result-stages.js';
import type { ShardSpec } from '../replay/shard-filter.js';
import type { Comparison, Difference } from '../types/comparison.js';

/**
 * What a sharded replay leaves in its `--out` besides the usual files, so `replayguard merge` can
 * make one run of the parts: `shard.json` (which part of what) and `evidence.jsonl` (the raw evidence
 * of the noise learner and the latency samples, one JSON line each, written as they come).
 */
export const SHARD_FILE = 'shard.json';
export const EVIDENCE_FILE = 'evidence.jsonl';

export interface ShardManifest {
  format: 1;
  /** replayguard's version: parts of different versions are not merged. */
  version: string;
  session: { name: string; startedAt: number; exchanges: number };
  shard: ShardSpec;
  /** Fingerprint of the settings that decide verdicts (see {@link comparableFingerprint}). */
  comparable: string;
  /** Where noise was learned from, or null when it was not. */
  learning: 'baseline' | 'repeat' | null;
}

/** A line of evidence.jsonl: an observation of the noise learner, or a latency sample. */
export type EvidenceLine =
  | { t: 'o'; id: number; m: string; r: string; c: Comparison; n: Difference[] }
  | { t: 'l'; m: string; r: string; s: LatencySample };

/** Where noise is learned from, as the engine decides it. */
export function learningSource(config: Readonly<Config>): ShardManifest['learning'] {
  if (!config.noise.learn) return null;
  if (config.replay.baseline) return 'baseline';
  return config.replay.repeat > 1 ? 'repeat' : null;
}

/**
 * The configuration that decides verdicts, fingerprinted: everything but what may differ per shard
 * job (where the candidate, baseline and recordings are, the output folder, the part, the pace and the
 * credentials). Shards that differ here compared differently and are not merged.
 */
export function comparableFingerprint(config: Readonly<Config>): string {
  const { target: _t, baseline, out: _o, shard: _s, concurrency: _c, rate: _r, timeout: _to, headers: _h, secrets: _se, tls: _tls, ...replay } = config.replay;
  const { db: _db, ...rest } = config;
  // Where the metrics are scraped is where each shard job runs, like the target; what is judged is not.
  const { target: _mt, baseline: metricsBaseline, ...metrics } = replay.metrics;
  const comparable = { ...rest, replay: { ...replay, baseline: baseline !== undefined, metrics: { ...metrics, scraped: metricsBaseline !== undefined } } };
  return createHash('sha256').update(JSON.stringify(comparable)).digest('hex').slice(0, 12);
}

export function writeManifest(outDir: string, manifest: ShardManifest): void {
  writeFileSync(path.join(outDir, SHARD_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

export function readManifest(dir: string): ShardManifest {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, SHARD_FILE), 'utf8')) as ShardManifest;
    if (m.format !== 1) throw new ReplayguardError('RG_ERR_MERGE_INPUT', { dir, reason: `${SHARD_FILE} has format ${String(m.format)}, this replayguard reads 1` });
    return m;
  } catch (e) {
    if (e instanceof ReplayguardError) throw e;
    throw new ReplayguardError('RG_ERR_MERGE_INPUT', { dir, reason: `${SHARD_FILE}: ${reasonOf(e)}` }, { cause: e });
  }
}

/** The evidence writer of a shard: lines are queued on a file stream, flushed by `close()`. */
export function evidenceWriter(outDir: string): RunEvidence & { close(): Promise<void> } {
  const out = createWriteStream(path.join(outDir, EVIDENCE_FILE));
  let failed: unknown = null;
  out.on('error', (e) => (failed = e));
  const line = (l: EvidenceLine): void => void out.write(`${JSON.stringify(l)}\n`);
  return {
    observe: (result, noise) => line({ t: 'o', id: result.exchangeId, m: result.method, r: result.route, c: result.comparison!, n: [...noise] }),
    latency: (m, r, s) => line({ t: 'l', m, r, s }),
    async close() {
      out.end();
      if (!out.closed && failed === null) await once(out, 'close');
      if (failed !== null) throw new ReplayguardError('RG_ERR_REPORT_WRITE', { reporter: 'shard evidence', file: path.join(outDir, EVIDENCE_FILE), dir: outDir, reason: reasonOf(failed) }, { cause: failed });
    },
  };
}

/** The evidence of a shard output, line by line (streamed: a large run is never held whole). */
export async function* readEvidence(dir: string): AsyncGenerator<EvidenceLine> {
  const file = path.join(dir, EVIDENCE_FILE);
  const input = createReadStream(file);
  let error: unknown = null;
  input.on('error', (e) => (error = e));
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) if (text) yield JSON.parse(text) as EvidenceLine;
  } catch (e) {
    error ??= e;
  }
  if (error !== null) throw new ReplayguardError('RG_ERR_MERGE_INPUT', { dir, reason: `${EVIDENCE_FILE}: ${reasonOf(error)}` }, { cause: error });
}

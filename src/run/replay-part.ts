import type { Config } from '../config/schema.js';
import { packageVersion } from '../package-version.js';
import type { RunEvidence } from '../replay/result-stages.js';
import { countShard, parseShard, shardFilter } from '../replay/shard-filter.js';
import type { RecordingStore } from '../store/store.js';
import type { Exchange, SessionInfo } from '../types.js';
import { comparableFingerprint, evidenceWriter, learningSource, writeManifest } from './shard-output.js';

/** The exchanges one replay covers: the whole session, or one shard of it with its evidence kept. */
export interface ReplayPart {
  total: number;
  exchanges: AsyncIterable<Exchange>;
  /** Set for a shard: the raw evidence `merge` needs. */
  evidence?: RunEvidence;
  /** Flush what the part wrote besides results (a shard's evidence). */
  close(): Promise<void>;
}

/**
 * The whole session, or with `replay.shard` set, the shard's exchanges (counted in a first pass, so
 * progress and the unreachable-target check see the shard's size), `shard.json` written and the
 * evidence recorded into the output folder.
 */
export async function openReplayPart(input: { config: Readonly<Config>; recordings: RecordingStore; session: SessionInfo; total: number; outDir: string }): Promise<ReplayPart> {
  const { config, recordings, session, total, outDir } = input;
  if (!config.replay.shard) return { total, exchanges: recordings.iterate(session.id), close: async () => {} };
  const spec = parseShard(config.replay.shard, config.replay.shardKey);
  const identities = config.replay.identities;
  const mine = await countShard(recordings.iterate(session.id), spec, identities);
  writeManifest(outDir, {
    format: 1,
    version: packageVersion(),
    session: { name: session.name, startedAt: session.startedAt, exchanges: total },
    shard: spec,
    comparable: comparableFingerprint(config),
    learning: learningSource(config),
  });
  const evidence = evidenceWriter(outDir);
  return { total: mine, exchanges: shardFilter(recordings.iterate(session.id), spec, identities), evidence, close: () => evidence.close() };
}

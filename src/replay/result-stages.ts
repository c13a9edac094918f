import type { LearnedModel, NoiseLearner } from '../noise/noise-learner.js';
import type { ResultsStore } from '../store/store.js';
import { storedForm } from '../store/stored-result.js';
import type { Difference } from '../types/comparison.js';
import type { LearnedNoise, NoiseTests, ReplayResult, UnreproducedGroup } from '../types/run.js';
import type { LatencySample } from './latency.js';
import type { Replayed } from './replay-exchange.js';

/**
 * The stages after replaying: persisting results, and either handing them on as they come or
 * learning noise first. Each takes and gives an async iterable, so the engine is their composition.
 */

/** What noise learning found over the run: the noise, what was not reproduced, the tests made. */
export interface Learned {
  learnedNoise: LearnedNoise[];
  unreproduced: UnreproducedGroup[];
  noiseTests: NoiseTests | null;
}

/**
 * The raw evidence behind a run's judgement, handed out as it is gathered: what the noise learner
 * observed and the latency samples. A sharded replay keeps it next to its results, so `replayguard
 * merge` decides noise and percentiles over the union of every shard's evidence, not over verdicts.
 */
export interface RunEvidence {
  /** One exchange as the learner observed it: the comparison before learning, and the noise source's differences. */
  observe(result: ReplayResult, noise: readonly Difference[]): void;
  latency(method: string, route: string, sample: LatencySample): void;
}

/** Final and provisional results, as the engine yields them. */
export type ResultEvent = { type: 'result'; result: ReplayResult } | { type: 'provisional'; result: ReplayResult };

/**
 * Append every result to the store, `batch` per transaction, and pass it on in its stored form. What is
 * pending is written however the stream ends (an unreachable target stops it early: what was replayed
 * stays on record).
 */
export async function* persistResults(items: AsyncIterable<Replayed>, store: ResultsStore, batch: number): AsyncGenerator<Replayed> {
  let pending: ReplayResult[] = [];
  try {
    for await (const item of items) {
      // Slimmed now (a pass keeps no headers or bodies), not by the store at the end of the batch: a
      // batch outlives the young generation, and the bodies it held were promoted and piled up in the
      // old one until a full GC, so RSS grew over the run.
      const result = storedForm(item.result);
      pending.push(result);
      if (pending.length >= batch) {
        await store.append(pending);
        pending = [];
      }
      yield result === item.result ? item : { ...item, result };
    }
  } finally {
    if (pending.length) await store.append(pending);
  }
}

/** Without noise learning: every result is final as it comes. */
export async function* finalResults(items: AsyncIterable<Replayed>): AsyncGenerator<ResultEvent> {
  for await (const { result } of items) yield { type: 'result', result: storedForm(result) };
}

export interface LearnNoiseOptions {
  learner: NoiseLearner;
  /** The store `items` were persisted to: the run is read back from it once learned. */
  store: ResultsStore;
  runId: number;
  batch: number;
  /** Told every observation (sharded replays keep them for `merge`). */
  evidence?: RunEvidence;
}

/**
 * Noise learning needs the whole run before it can judge any result: results pass as provisional
 * while the learner observes them, then the stored run is read back, each result re-classified with
 * the learned model (changes written back), and yielded as final. Returns what was learned.
 */
export async function* learnNoise(items: AsyncIterable<Replayed>, options: LearnNoiseOptions): AsyncGenerator<ResultEvent, Learned> {
  const { learner, store, runId, batch, evidence } = options;
  for await (const { result, noise } of items) {
    if (result.comparison) {
      learner.observe(result.method, result.route, result.comparison.differences, noise ?? []);
      evidence?.observe(result, noise ?? []);
    }
    yield { type: 'provisional', result: storedForm(result) };
  }
  const model: LearnedModel = learner.finish();
  let changed: ReplayResult[] = [];
  for await (const stored of store.results(runId)) {
    let result = stored;
    if (stored.comparison) {
      const comparison = model.apply(stored, stored.comparison);
      if (comparison !== stored.comparison) {
        result = { ...stored, comparison, verdict: comparison.verdict };
        changed.push(result);
        if (changed.length >= batch) {
          await store.reclassify(changed);
          changed = [];
        }
      }
    }
    yield { type: 'result', result };
  }
  await store.reclassify(changed);
  return { learnedNoise: model.learned(), unreproduced: model.unreproduced(), noiseTests: model.tests() };
}

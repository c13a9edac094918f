import type { Comparer } from '../compare/index.js';
import { markReproduced } from '../noise/reproduction.js';
import type { Difference } from '../types/comparison.js';
import type { Exchange, ExchangeFailure, StoredBody } from '../types/exchange.js';
import type { ObservedResponse, ReplayResult } from '../types/run.js';
import type { OutgoingRequest, SendOutcome, TargetClient } from './http-client.js';
import { IdMap } from './id-map.js';
import { isMutating } from './scheduler.js';

/**
 * One exchange replayed and compared. `noise` holds the differences a second instance of the code
 * showed (recording vs baseline, candidate vs its own repeat), for noise learning.
 */
export interface Replayed {
  result: ReplayResult;
  noise: Difference[] | null;
  /** Set when the candidate refused the connection (the unreachable-target check counts these). */
  connectFailure: ExchangeFailure | null;
}

export interface ExchangeReplayer {
  run(exchange: Exchange, runId: number): Promise<Replayed>;
}

export interface ExchangeReplayerOptions {
  candidate: TargetClient;
  baseline: TargetClient | null;
  /** Total sends of each exchange to the candidate (≥ 2 learns noise from the repeats). */
  repeat: number;
  comparer: Comparer;
  buildRequest: (exchange: Exchange) => OutgoingRequest;
  /** Bodies kept per result for the report. */
  storeCap: number;
  /** Carry ids created during the replay into later requests (see id-map.ts). */
  stateful: boolean;
}

function capBody(body: StoredBody, cap: number): StoredBody {
  if (!body.bytes || body.bytes.length <= cap) return body;
  return { bytes: body.bytes.subarray(0, cap), size: body.size, truncated: true };
}

function capObserved(r: ObservedResponse | null, cap: number): ObservedResponse | null {
  return r ? { ...r, body: capBody(r.body, cap) } : null;
}

/** Send, compare, and shape a ReplayResult; never throws for transport problems. */
export function createExchangeReplayer(options: ExchangeReplayerOptions): ExchangeReplayer {
  const { candidate, baseline, comparer, storeCap } = options;
  let order = 0;
  // One map per target: the candidate and the baseline each create their own ids.
  const candidateIds = new IdMap();
  const baselineIds = new IdMap();
  return {
    async run(exchange, runId) {
      const base = {
        runId,
        exchangeId: exchange.id,
        seq: exchange.seq,
        method: exchange.request.method,
        url: exchange.request.url,
        route: exchange.route,
        request: { ...exchange.request, body: capBody(exchange.request.body, storeCap) },
        recorded: exchange.response ? { ...exchange.response, body: capBody(exchange.response.body, storeCap) } : null,
        recordedTiming: exchange.timing,
      };
      const none = { comparison: null, candidate: null, baseline: null, error: null };
      if (!exchange.response) {
        const f = exchange.failure;
        return { result: { ...base, ...none, verdict: 'skipped', skippedReason: `the recorded exchange has no response (${f?.kind ?? 'failed'}: ${f?.message ?? 'unknown'})` }, noise: null, connectFailure: null };
      }
      if (exchange.request.body.truncated) {
        const b = exchange.request.body;
        return { result: { ...base, ...none, verdict: 'skipped', skippedReason: `the request body was stored truncated (${b.bytes?.length ?? 0} of ${b.size} bytes) and cannot be replayed faithfully` }, noise: null, connectFailure: null };
      }
      const built = options.buildRequest(exchange);
      const request = options.stateful ? candidateIds.rewriteRequest(built) : built;
      const baselineRequest = options.stateful ? baselineIds.rewriteRequest(built) : built;
      // Interleave candidate and baseline, alternating which goes first, so neither gains from warm
      // caches or suffers the other's load: their timings stay comparable.
      let cand: SendOutcome;
      let other: SendOutcome | null = null;
      if (baseline && order++ % 2 === 1) {
        other = await baseline.send(baselineRequest);
        cand = await candidate.send(request);
      } else {
        cand = await candidate.send(request);
        if (baseline) other = await baseline.send(baselineRequest);
      }
      const baselineResponse = other?.ok ? other.response : null;
      if (!cand.ok) {
        return {
          result: { ...base, ...none, verdict: 'error', baseline: capObserved(baselineResponse, storeCap), error: cand.failure },
          noise: null,
          connectFailure: cand.failure.kind === 'refused' ? cand.failure : null,
        };
      }
      const ctx = { method: exchange.request.method, route: exchange.route, recordedOrigin: exchange.upstream, candidateOrigin: candidate.origin };
      // Learn before comparing: the id a POST created is expected to differ from the recorded one.
      if (options.stateful && isMutating(exchange.request.method)) {
        candidateIds.learn(exchange.response, cand.response);
        if (baselineResponse) baselineIds.learn(exchange.response, baselineResponse);
      }
      let comparison = comparer.compare(exchange.response, options.stateful ? candidateIds.translateResponse(cand.response) : cand.response, ctx);
      let noise: Difference[] | null = null;
      if (baselineResponse) {
        const seen = options.stateful ? baselineIds.translateResponse(baselineResponse) : baselineResponse;
        const b = comparer.compare(exchange.response, seen, { ...ctx, candidateOrigin: baseline!.origin });
        noise = [...b.differences, ...b.filtered];
        // Where the baseline shows the very same difference, the recording may not be reproducible.
        comparison = { ...comparison, differences: markReproduced(comparison.differences, noise) };
      }
      for (let i = 1; i < options.repeat; i++) {
        const again = await candidate.send(request);
        if (!again.ok) continue;
        // Candidate against itself: whatever differs between two identical requests is noise. (Not
        // recording-vs-repeat: that would also show the real change and learn it as noise.)
        const r = comparer.compare({ ...cand.response }, again.response, { ...ctx, recordedOrigin: candidate.origin });
        noise = [...(noise ?? []), ...r.differences, ...r.filtered];
      }
      return {
        result: { ...base, verdict: comparison.verdict, comparison, candidate: capObserved(cand.response, storeCap), baseline: capObserved(baselineResponse, storeCap), error: null },
        noise,
        connectFailure: null,
      };
    },
  };
}

import { headerValue } from '../compare/header-values.js';
import type { Comparer } from '../compare/index.js';
import { markReproduced } from '../noise/reproduction.js';
import type { Redactor } from '../redact/redactor.js';
import type { Difference } from '../types/comparison.js';
import type { Exchange, ExchangeFailure, StoredBody } from '../types/exchange.js';
import type { AppliedMapping, ObservedResponse, ReplayResult, SentRequest } from '../types/run.js';
import type { OutgoingRequest, SendOutcome, TargetClient } from './http-client.js';
import { missingSecretsCause } from './missing-secrets.js';
import { IdMap } from './id-map.js';
import { PlaceholderMap, type SecretUse } from './placeholder-map.js';
import { judgeAgainstBaseline } from './baseline-oracle.js';
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
  /**
   * Candidate body bytes kept for a regression (`record.maxBodyBytes`, when larger than `storeCap`):
   * `replayguard approve` writes that response into a new revision without asking the candidate again.
   * @default storeCap
   */
  regressionCap?: number;
  /** Carry ids created during the replay into later requests (see id-map.ts). */
  stateful: boolean;
  /** Extra identity pointers (`replay.identities`). */
  identities?: readonly string[];
  /** Redacts what is stored of each exchange (the request sent, the targets' responses), as recording does. */
  redactor: Redactor;
  /** Secrets supplied with --secret, by normalized key name. */
  secrets: ReadonlyMap<string, string>;
  /** Told the names of secrets an exchange needs and nobody supplied (it is then not sent). */
  onMissingSecrets?: (names: string[], exchange: Exchange) => void;
  /** What the candidate is judged against (`--oracle`). @default 'recording' */
  oracle?: 'recording' | 'baseline';
}

function capBody(body: StoredBody, cap: number): StoredBody {
  if (!body.bytes || body.bytes.length <= cap) return body;
  return { bytes: body.bytes.subarray(0, cap), size: body.size, truncated: true };
}

function capObserved(r: ObservedResponse | null, cap: number): ObservedResponse | null {
  return r ? { ...r, body: capBody(r.body, cap) } : null;
}

function sentRequest(request: OutgoingRequest, redacted: { url?: string; headers: OutgoingRequest['headers']; body: StoredBody }, recordedBody: Buffer | null, cap: number): SentRequest {
  const sent: SentRequest = { method: request.method, url: redacted.url ?? request.path, headers: redacted.headers };
  const body = redacted.body.bytes;
  if (body && !(recordedBody && body.equals(recordedBody))) sent.body = body.subarray(0, cap).toString('utf8');
  return sent;
}

function secretMappings(uses: readonly SecretUse[], redactor: Redactor): AppliedMapping[] {
  return uses.map((u) => ({
    kind: 'secret',
    from: u.placeholder,
    to: redactor.remember(u.value),
    source: u.source === 'supplied' ? `${u.name}, from --secret` : `${u.name}, the target's own value from an earlier response`,
  }));
}

export function missingSecretsReason(names: readonly string[]): string {
  return `not sent: it needs ${missingSecretsCause(names)}`;
}

/** Send, compare, and shape a ReplayResult; never throws for transport problems. */
export function createExchangeReplayer(options: ExchangeReplayerOptions): ExchangeReplayer {
  const { candidate, baseline, comparer, storeCap, redactor } = options;
  let order = 0;
  // One map per target: the candidate and the baseline each create their own ids and tokens.
  const candidateIds = new IdMap(options.identities);
  const baselineIds = new IdMap(options.identities);
  const candidateSecrets = new PlaceholderMap(options.secrets);
  const baselineSecrets = new PlaceholderMap(options.secrets);
  for (const value of options.secrets.values()) redactor.remember(value);
  const redactResponse = (r: ObservedResponse | null): ObservedResponse | null => (r ? redactor.redactMessages([r])[0]! : null);
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
        const why = b.bytes === null ? 'was not stored (it could not be fully checked for secrets)' : `was stored truncated (${b.bytes.length} of ${b.size} bytes)`;
        return { result: { ...base, ...none, verdict: 'skipped', skippedReason: `the request body ${why} and cannot be replayed faithfully` }, noise: null, connectFailure: null };
      }
      const built = options.buildRequest(exchange);
      const withIds = options.stateful ? candidateIds.rewriteRequest(built) : built;
      const resolved = candidateSecrets.resolve(withIds);
      if (!resolved.ok) {
        options.onMissingSecrets?.(resolved.missing, exchange);
        // Never a silent pass: the replay cannot reproduce what was recorded without it (issue 11), so
        // it counts under `failOn: unreproduced…`, with the cause kept on the result.
        const failure: ExchangeFailure = { kind: 'error', code: 'SECRET_MISSING', message: missingSecretsReason(resolved.missing) };
        return { result: { ...base, ...none, verdict: 'unreproduced', error: failure }, noise: null, connectFailure: null };
      }
      const request = resolved.request;
      const baselineResolved = baseline ? baselineSecrets.resolve(options.stateful ? baselineIds.rewriteRequest(built) : built) : null;
      const baselineRequest = baselineResolved?.ok ? baselineResolved.request : null;
      const mappings: AppliedMapping[] = [
        ...candidateIds.mappingsIn(built, withIds).map((m): AppliedMapping => ({ kind: 'id', from: m.from, to: m.to, source: m.learnedAt })),
        ...secretMappings(resolved.uses, redactor),
      ];
      // Interleave candidate and baseline, alternating which goes first, so neither gains from warm
      // caches or suffers the other's load: their timings stay comparable.
      let cand: SendOutcome;
      let other: SendOutcome | null = null;
      if (baseline && baselineRequest && order++ % 2 === 1) {
        other = await baseline.send(baselineRequest);
        cand = await candidate.send(request);
      } else {
        cand = await candidate.send(request);
        if (baseline && baselineRequest) other = await baseline.send(baselineRequest);
      }
      const rawBaseline = other?.ok ? other.response : null;
      // Everything stored from here on is redacted together: a secret found in one is replaced in all.
      const [sentRedacted, candRedacted, baseRedacted] = redactor.redactMessages([
        { url: request.path, headers: request.headers, body: { bytes: request.body, size: request.body?.length ?? 0, truncated: false } },
        ...(cand.ok ? [cand.response] : []),
        ...(rawBaseline ? [rawBaseline] : []),
      ] as Array<{ url?: string; headers: OutgoingRequest['headers']; body: StoredBody }>);
      const sent = sentRequest(request, sentRedacted!, exchange.request.body.bytes, storeCap);
      const candidateSeen = cand.ok ? (candRedacted as ObservedResponse) : null;
      const baselineSeen = rawBaseline ? ((cand.ok ? baseRedacted : candRedacted) as ObservedResponse) : null;
      const extra = { sent, ...(mappings.length ? { mappings } : {}) };
      if (!cand.ok) {
        return {
          result: { ...base, ...none, verdict: 'error', baseline: capObserved(baselineSeen, storeCap), error: cand.failure, ...extra },
          noise: null,
          connectFailure: cand.failure.kind === 'refused' ? cand.failure : null,
        };
      }
      const recordedHost = headerValue(exchange.request.headers, 'host');
      const ctx = { method: exchange.request.method, route: exchange.route, recordedOrigin: exchange.upstream, candidateOrigin: candidate.origin, ...(recordedHost ? { recordedHost } : {}) };
      // Learn before comparing: the id a POST created is expected to differ from the recorded one.
      if (options.stateful && isMutating(exchange.request.method)) {
        candidateIds.learn(exchange.response, cand.response, `${exchange.request.method} ${exchange.route}`);
        if (rawBaseline) baselineIds.learn(exchange.response, rawBaseline, `${exchange.request.method} ${exchange.route}`);
      }
      // Tokens and session cookies the targets hand out, wherever the recording has a placeholder.
      candidateSecrets.learn(exchange.response, cand.response);
      if (rawBaseline) baselineSecrets.learn(exchange.response, rawBaseline);
      if (options.oracle === 'baseline') {
        const judged = judgeAgainstBaseline({ comparer, ctx, baselineOrigin: baseline?.origin ?? '', candidate: options.stateful ? candidateIds.translateResponse(candidateSeen!) : candidateSeen!, baseline: baselineSeen && options.stateful ? baselineIds.translateResponse(baselineSeen) : baselineSeen, baselineFailure: other && !other.ok ? other.failure : null });
        return { result: { ...base, ...none, ...judged, candidate: capObserved(candidateSeen, storeCap), baseline: capObserved(baselineSeen, storeCap), ...extra }, noise: null, connectFailure: null };
      }
      let comparison = comparer.compare(exchange.response, options.stateful ? candidateIds.translateResponse(candidateSeen!) : candidateSeen!, ctx);
      let noise: Difference[] | null = null;
      if (baselineSeen) {
        const seen = options.stateful ? baselineIds.translateResponse(baselineSeen) : baselineSeen;
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
        const r = comparer.compare({ ...candidateSeen! }, redactResponse(again.response)!, { ...ctx, recordedOrigin: candidate.origin });
        noise = [...(noise ?? []), ...r.differences, ...r.filtered];
      }
      return {
        result: { ...base, verdict: comparison.verdict, comparison, candidate: capObserved(candidateSeen, comparison.verdict === 'regression' ? Math.max(storeCap, options.regressionCap ?? 0) : storeCap), baseline: capObserved(baselineSeen, storeCap), error: null, ...extra },
        noise,
        connectFailure: null,
      };
    },
  };
}

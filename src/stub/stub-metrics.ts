import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { totalCounter } from '../record/recorder-metrics.js';
import { LATENCY_BUCKETS } from '../record/upstream-latency.js';
import type { StubStatsSnapshot } from './stub-stats.js';

/**
 * The stub's Prometheus metrics, served at `<adminPrefix>/metrics`: the counts `/stats` serves (read
 * from the same snapshot at scrape time, so the two always agree) and a histogram of the time each
 * answer took, injected latency and faults included. One registry per stub, never prom-client's
 * global one.
 */
export interface StubMetrics {
  /** One request answered (`hit`: from the recording; `miss`: failed or forwarded) after `seconds`. */
  observe(outcome: 'hit' | 'miss', seconds: number): void;
  scrape(): Promise<string>;
  readonly contentType: string;
}

export function createStubMetrics(snapshot: () => StubStatsSnapshot): StubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  totalCounter(registry, 'replayguard_stub_requests_total', 'Requests the stub answered (admin paths excluded)', () => snapshot().requests);
  totalCounter(registry, 'replayguard_stub_hits_total', 'Requests answered from the recorded session', () => snapshot().hits);
  totalCounter(registry, 'replayguard_stub_misses_total', 'Requests nothing recorded matched (failed with a 502, or forwarded)', () => snapshot().misses);
  totalCounter(registry, 'replayguard_stub_misses_forwarded_total', 'Misses answered by forwarding (--on-miss passthrough= or record=)', () => snapshot().forwarded);
  totalCounter(registry, 'replayguard_stub_misses_recorded_total', 'Forwarded misses appended to the session (--on-miss record=)', () => snapshot().recorded);
  new Counter({
    name: 'replayguard_stub_faults_injected_total',
    help: 'Faults the plan injected, by kind and rule',
    labelNames: ['kind', 'rule'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const f of snapshot().faults) this.inc({ kind: f.kind, rule: f.rule }, f.injected);
    },
  });
  const duration = new Histogram({
    name: 'replayguard_stub_request_duration_seconds',
    help: 'Time from a request reaching the stub to its answer written (recorded latency and faults included), by outcome',
    labelNames: ['outcome'] as const,
    buckets: [...LATENCY_BUCKETS],
    registers: [registry],
  });
  return {
    observe: (outcome, seconds) => duration.observe({ outcome }, seconds),
    scrape: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

import type { CompiledPlan } from '../faults/fault-plan.js';
import type { StubFaultCount, StubMiss } from '../types/run.js';

export type { StubFaultCount, StubMiss };

/** The stub's counters, as served at `/__replayguard/stats` and pulled by `replay --stubs`. */
export interface StubStatsSnapshot {
  session: string;
  exchanges: number;
  onMiss: string;
  seed: number | null;
  requests: number;
  hits: number;
  misses: number;
  /** Misses answered by forwarding (`--on-miss passthrough=` or `record=`). */
  forwarded: number;
  /** Misses appended to the session (`--on-miss record=`). */
  recorded: number;
  /** Distinct missed requests, first seen first (at most MAX_MISS_DETAILS; `misses` counts all). */
  missDetails: StubMiss[];
  faults: StubFaultCount[];
}

const MAX_MISS_DETAILS = 100;

export class StubStats {
  private requests = 0;
  private hits = 0;
  private misses = 0;
  private forwarded = 0;
  private recorded = 0;
  private readonly missed = new Map<string, StubMiss>();
  private readonly injected: number[];

  constructor(
    private readonly info: { session: string; onMiss: string; exchanges: () => number },
    private readonly plan: CompiledPlan | null,
  ) {
    this.injected = (plan?.rules ?? []).map(() => 0);
  }

  request(): void {
    this.requests++;
  }

  hit(): void {
    this.hits++;
  }

  miss(key: string, detail: () => Omit<StubMiss, 'count'>, outcome: { forwarded: boolean; recorded: boolean }): void {
    this.misses++;
    if (outcome.forwarded) this.forwarded++;
    if (outcome.recorded) this.recorded++;
    const known = this.missed.get(key);
    if (known) known.count++;
    else if (this.missed.size < MAX_MISS_DETAILS) this.missed.set(key, { ...detail(), count: 1 });
  }

  fault(ruleIndex: number): void {
    this.injected[ruleIndex] = (this.injected[ruleIndex] ?? 0) + 1;
  }

  snapshot(): StubStatsSnapshot {
    return {
      session: this.info.session,
      exchanges: this.info.exchanges(),
      onMiss: this.info.onMiss,
      seed: this.plan?.seed ?? null,
      requests: this.requests,
      hits: this.hits,
      misses: this.misses,
      forwarded: this.forwarded,
      recorded: this.recorded,
      missDetails: [...this.missed.values()],
      faults: (this.plan?.rules ?? []).map((r) => ({ rule: r.label, kind: r.kind, match: r.match, injected: this.injected[r.index] ?? 0 })),
    };
  }
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKindName, faultKindParams } from '../config/schema.js';
import type { z } from 'zod';
import type { StubAnswer } from '../stub/stub-answer.js';

/** The header that tells a client (and a replay) which rule shaped an answer. */
export const FAULT_HEADER = 'x-replayguard-fault';

/** What a fault acts on: the exchange in progress and the answer it would otherwise get. */
export interface FaultContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly answer: StubAnswer;
  /** The rule's label, sent as `x-replayguard-fault` wherever a response head goes out. */
  readonly label: string;
  /**
   * Uniform numbers in [0, 1) from this decision's own seed (plan seed, rule, request, repeat): jitter
   * and lognormal delays are as reproducible as the decision to inject at all.
   */
  random(): number;
  /** Send the answer as it is (with the fault header), e.g. once a delay is over. */
  send(): void;
}

/**
 * One kind of fault, as Toxiproxy has one toxic per file: a name (the plan's key), and what it does to
 * an exchange. `apply` owns the response from then on: it sends it, breaks it, or never finishes it.
 */
export interface FaultKind<K extends FaultKindName = FaultKindName> {
  readonly name: K;
  apply(params: z.output<(typeof faultKindParams)[K]>, ctx: FaultContext): Promise<void> | void;
}

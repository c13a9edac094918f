import type { RedactConfig } from '../config/schema.js';
import type { SessionInfo } from '../types.js';
import type { PackedBatch } from './capture-batch.js';
import type { SerializedError } from '../worker-thread.js';
import type { LatencySeries } from './upstream-latency.js';

/** What the writer thread is started with. */
export interface WriterInit {
  /** The `--db` value: a file path (SQLite) or a backend URL. */
  location: string;
  session: { name: string; upstream: string; startedAt: number };
  redact: RedactConfig;
  /** HMAC key for placeholders (from the environment or the key file, never from the database). */
  redactionKey: Uint8Array;
  routeTemplates: string[];
  maxDecodedBytes: number;
}

export type ToWriter =
  | { type: 'batch'; batch: PackedBatch }
  | { type: 'close'; endedAt: number }
  /** The upstream latency histogram as observed so far (every batch sent before this message included). */
  | { type: 'latency' }
  /** Shutdown: stop retrying an unreachable store at `at` (epoch ms); what is not written by then is counted as dropped. */
  | { type: 'stopBy'; at: number };

export type { SerializedError } from '../worker-thread.js';

export type FromWriter =
  | { type: 'ready'; session: SessionInfo }
  | { type: 'fatal'; error: SerializedError }
  | { type: 'ack'; bytes: number; written: number; failed: number; error?: string; /** the batch buffer, handed back for reuse */ buffer: ArrayBuffer }
  | { type: 'closed' }
  | { type: 'latency'; series: LatencySeries[] }
  /** Storage went away or came back: said once per change, never per request. */
  | { type: 'warning'; message: string };

import { createHash } from 'node:crypto';
import { compilePointerPattern } from '../compare/pointer-pattern.js';
import { ReplayguardError } from '../errors.js';
import { placeholdersIn } from '../redact/placeholder.js';
import type { Exchange, HeaderPairs } from '../types.js';
import { createdIdentities } from './id-map.js';
import { isMutating } from './scheduler.js';

/**
 * `replay --shard i/n`: the part of a session one CI job replays. The same session gives every
 * machine the same parts (a hash of recorded values, never of time or of the machine), and the parts
 * together are the session, each exchange in exactly one.
 *
 * Stateful replay must not be split: an exchange that refers to an id or a token handed out by an
 * earlier mutating exchange (`POST /orders` → `GET /orders/a1…`; `POST /login` → a token placeholder
 * in later headers) goes to the shard of the exchange that created it, so the chain replays in
 * order on one machine. Everything else is spread by its own `seq`, or, with `--shard-key
 * header:X-User-Id` / `query:tenant`, by that value, for applications whose state is per user or
 * tenant (every exchange of one user in one shard, whatever it refers to).
 */

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
  /** `header:NAME` or `query:NAME`. */
  key?: string;
}

/** Parse `i/n` (1 ≤ i ≤ n) and the optional key. */
export function parseShard(shard: string, key?: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(shard);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || count < 1 || index > count) {
    throw new ReplayguardError('RG_ERR_USAGE', { details: `--shard must be i/n with 1 ≤ i ≤ n, e.g. --shard 2/4 (got "${shard}")`, command: 'replay' });
  }
  if (key !== undefined && !/^(header|query):\S+$/.test(key)) {
    throw new ReplayguardError('RG_ERR_USAGE', { details: `--shard-key must be header:NAME or query:NAME (got "${key}")`, command: 'replay' });
  }
  return { index, count, ...(key ? { key } : {}) };
}

/** Values remembered as created, at most: past it new chains are spread like independent exchanges. */
const MAX_OWNED = 1_000_000;
/** Bytes of a request body searched for references. */
const BODY_SCAN = 64 * 1024;
/** What a reference can look like: an id-like token (as id-map.ts maps them) or a secret's placeholder. */
const TOKEN = /\[REDACTED:[0-9a-f]{8}\]|[\w.~-]{6,}/g;

function bucket(value: string, count: number): number {
  return (createHash('sha1').update(value).digest().readUInt32BE(0) % count) + 1;
}

function headerText(headers: HeaderPairs): string {
  return headers.map(([, v]) => v).join('\n');
}

function keyValue(exchange: Exchange, key: string): string | undefined {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const name = key.slice(colon + 1).toLowerCase();
  if (kind === 'header') return exchange.request.headers.find(([k]) => k.toLowerCase() === name)?.[1];
  const q = exchange.request.url.indexOf('?');
  if (q === -1) return undefined;
  for (const [k, v] of new URLSearchParams(exchange.request.url.slice(q + 1))) if (k.toLowerCase() === name) return v;
  return undefined;
}

function referencesIn(exchange: Exchange): string[] {
  let url = exchange.request.url;
  try {
    url = decodeURIComponent(url);
  } catch {
    // kept as recorded
  }
  const body = exchange.request.body.bytes?.subarray(0, BODY_SCAN).toString('utf8') ?? '';
  return `${url}\n${headerText(exchange.request.headers)}\n${body}`.match(TOKEN) ?? [];
}

/**
 * Decides the shard of each exchange of a session, in recorded order (the decision depends on the
 * exchanges before it). One per replay: it remembers which shard each created value went to.
 */
export class ShardAssigner {
  /** created value → shard and the seq of the exchange that created it. */
  private readonly owners = new Map<string, { shard: number; seq: number }>();
  private readonly identities;

  constructor(
    private readonly spec: ShardSpec,
    identities: readonly string[] = [],
  ) {
    this.identities = identities.map(compilePointerPattern);
  }

  shardOf(exchange: Exchange): number {
    const { count, key } = this.spec;
    const value = key ? keyValue(exchange, key) : undefined;
    let shard: number;
    if (value !== undefined) shard = bucket(`key:${value}`, count);
    else {
      let owner: { shard: number; seq: number } | undefined;
      for (const token of referencesIn(exchange)) {
        const o = this.owners.get(token);
        if (o && (!owner || o.seq < owner.seq)) owner = o;
      }
      shard = owner ? owner.shard : bucket(`seq:${exchange.seq}`, count);
    }
    const res = exchange.response;
    if (res && isMutating(exchange.request.method)) {
      const created = [...createdIdentities(res, this.identities), ...placeholdersIn(`${headerText(res.headers)}\n${res.body.bytes?.subarray(0, BODY_SCAN).toString('utf8') ?? ''}`)];
      for (const v of created) if (!this.owners.has(v) && this.owners.size < MAX_OWNED) this.owners.set(v, { shard, seq: exchange.seq });
    }
    return shard;
  }
}

/** The shard stage: only this shard's exchanges of the session, in recorded order. */
export async function* shardFilter(exchanges: AsyncIterable<Exchange>, spec: ShardSpec, identities: readonly string[] = []): AsyncGenerator<Exchange> {
  const assigner = new ShardAssigner(spec, identities);
  for await (const e of exchanges) if (assigner.shardOf(e) === spec.index) yield e;
}

/** How many exchanges of the session fall in this shard (a first pass, for progress and the unreachable check). */
export async function countShard(exchanges: AsyncIterable<Exchange>, spec: ShardSpec, identities: readonly string[] = []): Promise<number> {
  let n = 0;
  for await (const _ of shardFilter(exchanges, spec, identities)) n++;
  return n;
}

import { compilePointerPattern } from '../compare/pointer-pattern.js';
import { ReplayguardError } from '../errors.js';
import { routeKey } from '../routes/route-key.js';
import { displayLocation } from '../store/open-store.js';
import type { RecordingStore } from '../store/store.js';
import type { Exchange, ExchangeFailure, RecordedResponse, SessionInfo } from '../types.js';
import { redactedFields, shapeOf, type IgnoreSet, type RawRequest, type RequestShape, type ShapeRules } from './request-shape.js';

/** A recorded exchange as the stub serves it. */
export interface StubEntry {
  seq: number;
  url: string;
  shape: RequestShape;
  response: RecordedResponse | null;
  failure: ExchangeFailure | null;
  /** Recorded time to the end of the response, ms (for `--latency recorded`). */
  totalMs: number;
}

interface RedactedSets {
  pointers: Set<string>;
  query: Set<string>;
  headers: Set<string>;
}

/**
 * A session indexed for serving: by request key (exact hits, answers in recorded order) and by
 * `METHOD /route` (candidates for a near-miss explanation). Fields a recording redacted are left out
 * of matching for their whole route, on both sides, since a live secret never equals its placeholder.
 */
export class StubIndex {
  private readonly byKey = new Map<string, StubEntry[]>();
  private readonly byRoute = new Map<string, StubEntry[]>();
  private readonly redacted = new Map<string, { sets: RedactedSets; ignore: IgnoreSet }>();
  private size = 0;

  constructor(private readonly rules: ShapeRules) {}

  get exchanges(): number {
    return this.size;
  }

  /**
   * Two streaming passes over the session: the first learns which fields recording redacted per
   * route, the second shapes each request with them left out.
   */
  static async load(store: RecordingStore, sessionRef: string, rules: ShapeRules): Promise<{ index: StubIndex; session: SessionInfo }> {
    const session = await store.findSession(sessionRef);
    if (!session) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: sessionRef, file: displayLocation(store.location) });
    const index = new StubIndex(rules);
    for await (const e of store.iterate(session.id)) index.learnRedacted(rawOf(e));
    for await (const e of store.iterate(session.id)) index.add(e);
    if (index.size === 0) throw new ReplayguardError('RG_ERR_SESSION_EMPTY', { session: session.name, file: displayLocation(store.location) });
    return { index, session };
  }

  /** Shape a request with the ignores of its route. */
  shape(request: RawRequest): RequestShape {
    const plain = shapeOf(request, this.rules);
    const extra = this.redacted.get(routeKey(plain.method, plain.route));
    return extra ? shapeOf(request, this.rules, extra.ignore) : plain;
  }

  /** Append an exchange (loading, or recorded on a miss with `--on-miss record`). */
  add(e: Pick<Exchange, 'seq' | 'request' | 'response' | 'failure' | 'timing'>): StubEntry {
    const shape = this.shape(rawOf(e));
    const entry: StubEntry = { seq: e.seq, url: e.request.url, shape, response: e.response, failure: e.failure, totalMs: e.timing.totalMs };
    push(this.byKey, shape.key, entry);
    push(this.byRoute, routeKey(shape.method, shape.route), entry);
    this.size++;
    return entry;
  }

  /** The answers recorded for exactly this request, in recorded order; undefined on a miss. */
  hits(shape: RequestShape): readonly StubEntry[] | undefined {
    return this.byKey.get(shape.key);
  }

  /** Recorded requests with the same method and route template. */
  candidates(shape: RequestShape): readonly StubEntry[] {
    return this.byRoute.get(routeKey(shape.method, shape.route)) ?? [];
  }

  /** Every `METHOD /route` recorded, for a miss on a route nothing was recorded for. */
  routes(): string[] {
    return [...this.byRoute.keys()];
  }

  private learnRedacted(request: RawRequest): void {
    const found = redactedFields(request, this.rules.matchHeaders);
    if (found.pointers.length + found.query.length + found.headers.length === 0) return;
    const plain = shapeOf(request, this.rules);
    const key = routeKey(plain.method, plain.route);
    const known = this.redacted.get(key)?.sets ?? { pointers: new Set<string>(), query: new Set<string>(), headers: new Set<string>() };
    for (const p of found.pointers) known.pointers.add(p);
    for (const q of found.query) known.query.add(q);
    for (const h of found.headers) known.headers.add(h);
    this.redacted.set(key, { sets: known, ignore: { pointers: [...known.pointers].map(compilePointerPattern), query: known.query, headers: known.headers } });
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function rawOf(e: Pick<Exchange, 'request'>): RawRequest {
  return { method: e.request.method, url: e.request.url, headers: e.request.headers, body: e.request.body.bytes };
}

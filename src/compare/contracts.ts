import type { HeaderPairs, StoredBody } from '../types.js';

/** One side of a comparison: a response as recorded or as observed at replay time. */
export interface ComparableResponse {
  status: number;
  headers: HeaderPairs;
  body: StoredBody;
}

/** Where a comparison happens; picks the per-route rules and rewrites candidate redirects. */
export interface CompareContext {
  /** Request method, e.g. `GET`; matched case-insensitively against route keys. */
  method: string;
  /** Route template, e.g. `/users/:id`; rules keyed `${method} ${route}` and `* ${route}` apply on top of the global ones. */
  route: string;
  /** The recorded upstream, e.g. `http://staging:8080`. */
  recordedOrigin?: string;
  /**
   * The replay target, e.g. `http://127.0.0.1:3000`. An absolute `location` pointing at it is rewritten to
   * `recordedOrigin` before comparing, so a redirect to "self" equals the recorded redirect to "self".
   */
  candidateOrigin?: string;
  /** The Host the recorded request carried, which a server may have echoed (see origin-map.ts). */
  recordedHost?: string;
}

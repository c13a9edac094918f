import { routeKey } from '../routes/route-key.js';
import type { Exchange } from '../types/exchange.js';
import type { UnreproducedGroup } from '../types/run.js';
import { isMutating } from './scheduler.js';

/**
 * Exchanges that were not sent because they need a secret redacted at record time that nobody
 * supplied, grouped by the secrets they need: one `unreproduced` group per set of names, listed with
 * the drift the noise learner finds, so every reporter names the cause and the flag that fixes it.
 */
export interface MissingSecretsTally {
  add(names: readonly string[], exchange: Pick<Exchange, 'request' | 'route'>): void;
  groups(): UnreproducedGroup[];
}

/** Names that are places, not keys: a redacted path segment or a body the replay cannot read by key. */
const UNNAMED = new Set(['path', 'body']);

/**
 * `a secret redacted at record time ("password") that no earlier response supplied: pass --secret
 * 'password=…' (or replay.secrets)`; for a value with no key name to supply it by (a path segment, a
 * body that is not JSON or a form), what to do instead.
 */
export function missingSecretsCause(names: readonly string[]): string {
  const list = names.map((n) => `"${n}"`).join(', ');
  const flags = names.filter((n) => !UNNAMED.has(n)).map((n) => `--secret '${n}=…'`);
  const fix = flags.length
    ? `pass ${flags.join(' ')} (or replay.secrets)`
    : `no --secret can name it (a redacted value in the request ${names.join(' and ')}): exclude the route, or re-record with a content-type that shows its key`;
  return `${names.length === 1 ? 'a secret' : 'secrets'} redacted at record time (${list}) that no earlier response supplied: ${fix}`;
}

export function createMissingSecretsTally(): MissingSecretsTally {
  const byNames = new Map<string, { names: string[]; exchanges: number; writes: number; routes: Set<string> }>();
  return {
    add(names, exchange) {
      const sorted = [...new Set(names)].sort();
      const key = sorted.join('\0');
      let g = byNames.get(key);
      if (!g) byNames.set(key, (g = { names: sorted, exchanges: 0, writes: 0, routes: new Set() }));
      g.exchanges++;
      if (isMutating(exchange.request.method)) g.writes++;
      g.routes.add(routeKey(exchange.request.method, exchange.route));
    },
    groups() {
      // In the order first met: a secret missing early (a login's password) is usually why later ones
      // (the token its response would have carried) are missing too, so the root cause leads.
      return [...byNames.values()].map((g) => {
          const cause = missingSecretsCause(g.names);
          const unit = g.writes === g.exchanges ? 'write' : g.writes === 0 ? 'read' : 'exchange';
          return {
            target: 'request' as const,
            path: g.names.join(', '),
            change: 'not sent',
            exchanges: g.exchanges,
            writes: g.writes,
            routes: [...g.routes].sort(),
            harmless: false,
            cause,
            message: `not sent: ${g.exchanges} ${unit}${g.exchanges === 1 ? ' needs' : 's need'} ${cause}`,
          };
      });
    },
  };
}

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
          const list = g.names.map((n) => `"${n}"`).join(', ');
          const flags = g.names.filter((n) => n !== 'path' && n !== 'body').map((n) => `--secret '${n}=…'`);
          const cause = `${g.names.length === 1 ? 'a secret' : 'secrets'} redacted at record time (${list}) that no earlier response supplied: pass ${flags.join(' ') || '--secret NAME=VALUE'} (or replay.secrets)`;
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

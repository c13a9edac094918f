import type { FaultKind } from '../fault-kind.js';

/** Never answer: the connection stays open until the client gives up or the stub stops. */
export const timeout: FaultKind<'timeout'> = {
  name: 'timeout',
  apply(_params, ctx) {
    return new Promise<void>((resolve) => ctx.response.once('close', () => resolve()));
  },
};

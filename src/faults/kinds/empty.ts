import type { FaultKind } from '../fault-kind.js';

/** The connection closes (FIN, not RST) without a byte of response: "socket hang up" at the client. */
export const empty: FaultKind<'empty'> = {
  name: 'empty',
  apply(_params, ctx) {
    ctx.response.socket?.end();
  },
};

import type { Socket } from 'node:net';
import { answerHeaders } from '../../stub/stub-answer.js';
import { FAULT_HEADER, type FaultKind } from '../fault-kind.js';

/** A TCP RST rather than a FIN: the client sees ECONNRESET, as when a dependency crashes. */
export function resetSocket(socket: Socket | null): void {
  if (!socket || socket.destroyed) return;
  socket.resetAndDestroy();
}

/** The connection reset before anything is sent, or right after the response head. */
export const reset: FaultKind<'reset'> = {
  name: 'reset',
  apply(params, ctx) {
    const socket = ctx.response.socket;
    if (params.when === 'before-headers') {
      resetSocket(socket);
      return;
    }
    ctx.response.writeHead(ctx.answer.status, answerHeaders(ctx.answer, [[FAULT_HEADER, ctx.label]]));
    ctx.response.flushHeaders();
    // Reset once the head has left: written to the socket, not merely queued behind the reset.
    socket?.write('', () => resetSocket(socket));
  },
};

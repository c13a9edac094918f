import { answerHeaders } from '../../stub/stub-answer.js';
import { FAULT_HEADER, type FaultKind } from '../fault-kind.js';

/** The head with the full length, then only the first N body bytes, then the connection closes. */
export const truncate: FaultKind<'truncate'> = {
  name: 'truncate',
  apply(params, ctx) {
    const res = ctx.response;
    const socket = res.socket;
    res.writeHead(ctx.answer.status, answerHeaders(ctx.answer, [[FAULT_HEADER, ctx.label]]));
    const body = ctx.answer.bodiless ? Buffer.alloc(0) : (ctx.answer.body ?? Buffer.alloc(0));
    const part = body.subarray(0, params.bytes);
    // Written straight to the socket, then the socket ends: the response never completes, so the
    // client sees fewer bytes than the declared content-length.
    res.flushHeaders();
    socket?.end(part);
  },
};

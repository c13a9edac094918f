import { answerHeaders, waitOrClose } from '../../stub/stub-answer.js';
import { FAULT_HEADER, type FaultKind } from '../fault-kind.js';

/** Chunks per second: small enough that the rate holds at any size, few enough to cost nothing. */
const TICKS_PER_SECOND = 10;

/** The body trickled at a fixed rate (Toxiproxy's `bandwidth`): the head at once, the bytes slowly. */
export const bandwidth: FaultKind<'bandwidth'> = {
  name: 'bandwidth',
  async apply(params, ctx) {
    const res = ctx.response;
    res.writeHead(ctx.answer.status, answerHeaders(ctx.answer, [[FAULT_HEADER, ctx.label]]));
    const body = ctx.answer.bodiless ? null : ctx.answer.body;
    const chunk = Math.max(1, Math.floor(params.bytesPerSecond / TICKS_PER_SECOND));
    for (let at = 0; body && at < body.length && !res.destroyed; at += chunk) {
      // Each chunk waits its share of the second before it goes: n bytes take n / rate seconds.
      await waitOrClose(res, (Math.min(chunk, body.length - at) / params.bytesPerSecond) * 1000);
      if (!res.destroyed) res.write(body.subarray(at, at + chunk));
    }
    if (!res.destroyed) res.end();
  },
};

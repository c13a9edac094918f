import type { FaultKind } from '../fault-kind.js';

/** Bytes that are no HTTP response at all, then a closed connection (WireMock's RANDOM_DATA_THEN_CLOSE). */
export const malformed: FaultKind<'malformed'> = {
  name: 'malformed',
  apply(_params, ctx) {
    const garbage = Buffer.alloc(64);
    for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(ctx.random() * 256);
    // A status line that cannot parse comes first, so no client mistakes it for HTTP/0.9.
    ctx.response.socket?.end(Buffer.concat([Buffer.from('NOT-HTTP \u0000\r\n'), garbage]));
  },
};

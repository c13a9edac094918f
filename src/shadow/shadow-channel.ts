import type { Readable, Writable } from 'node:stream';
import v8 from 'node:v8';
import { packExchange, unpackExchange, type PackedExchange } from '../record/capture-batch.js';
import type { StoredBody } from '../types.js';
import type { FromShadow, ToShadow } from './shadow-protocol.js';

/**
 * The wire between the recorder and its shadow process: length-prefixed frames on a dedicated stdio
 * pipe (a socket pair, both ways), `[u32 payload length][u8 kind][payload]`.
 *   - a batch (kind 0), the hot path: `[u32 json length][JSON of the captures as capture-batch.ts
 *     tuples][their bodies, one after another]`. The bodies are written as the Buffers the recorder
 *     already holds (one writev with the rest of the frame), never copied in JavaScript;
 *   - any other message (kind 1): V8's serializer (the init carries Buffers; summaries are large).
 *
 * Why not node's IPC channel with `serialization: 'advanced'`: measured with bench/shadow-ipc.mjs
 * (2026-12-02, 2 shared cores at load 5-8, CPU time of the whole sending process per exchange,
 * medians of 5 interleaved reps), a batch of 100 exchanges of 1 KB cost the recorder 9.9 µs each
 * through IPC and 5.9 µs as these frames (18.7 vs 4.0 µs inside the send calls, on the proxy's
 * event loop); 16 of 64 KB, 84.6 vs 25.7 µs. IPC runs V8's serializer over every tuple and copies
 * every body again after packing; here the metadata goes through JSON (V8's fastest serializer) and
 * the bodies are not touched. The sending process's CPU is what the shadow must not take from the proxy.
 */

const HEAD = 5;
const BATCH = 0;
const MESSAGE = 1;

type Message = ToShadow | FromShadow;

/** Write one message; `written` is called once it is handed to the kernel (messages go out in order). */
export function writeMessage(socket: Writable, message: Message, written?: () => void): void {
  socket.cork();
  if (message.type === 'batch') {
    const bodies: Buffer[] = [];
    let at = 0;
    const place = (b: StoredBody): number => {
      const offset = at;
      if (b.bytes && b.bytes.length > 0) {
        bodies.push(b.bytes as Buffer);
        at += b.bytes.length;
      }
      return offset;
    };
    const json = Buffer.from(JSON.stringify(message.captures.map((c) => packExchange(c, place))));
    const head = Buffer.allocUnsafe(HEAD + 4);
    head.writeUInt32LE(4 + json.length + at, 0);
    head.writeUInt8(BATCH, 4);
    head.writeUInt32LE(json.length, HEAD);
    socket.write(head);
    socket.write(json, bodies.length ? undefined : written);
    for (let i = 0; i < bodies.length; i++) socket.write(bodies[i]!, i === bodies.length - 1 ? written : undefined);
  } else {
    const payload = v8.serialize(message);
    const head = Buffer.allocUnsafe(HEAD);
    head.writeUInt32LE(payload.length, 0);
    head.writeUInt8(MESSAGE, 4);
    socket.write(head);
    socket.write(payload, written);
  }
  // One writev for the whole frame.
  socket.uncork();
}

function decode(frame: Buffer): Message {
  if (frame[4] === MESSAGE) return v8.deserialize(frame.subarray(HEAD)) as Message;
  const jsonLength = frame.readUInt32LE(HEAD);
  const json = frame.subarray(HEAD + 4, HEAD + 4 + jsonLength);
  const bodies = frame.subarray(HEAD + 4 + jsonLength);
  // The captures' bodies are views of the frame, not copies.
  return { type: 'batch', captures: (JSON.parse(json.toString()) as PackedExchange[]).map((p) => unpackExchange(p, bodies)) };
}

/** Calls `onMessage` for each message that arrives on `socket`, in order. */
export function readMessages<T extends Message>(socket: Readable, onMessage: (message: T) => void): void {
  let chunks: Buffer[] = [];
  let have = 0;
  /** The whole frame's length once its head has arrived. */
  let frameLength = -1;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    have += chunk.length;
    for (;;) {
      if (frameLength < 0) {
        if (have < HEAD) return;
        if (chunks[0]!.length < HEAD) chunks = [Buffer.concat(chunks, have)];
        frameLength = HEAD + chunks[0]!.readUInt32LE(0);
      }
      // A large frame arrives in many chunks: they are joined once, when it is complete.
      if (have < frameLength) return;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, have);
      const frame = all.subarray(0, frameLength);
      const rest = all.subarray(frameLength);
      chunks = rest.length ? [rest] : [];
      have = rest.length;
      frameLength = -1;
      onMessage(decode(frame) as T);
    }
  });
}

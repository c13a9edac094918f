// What handing mirrored exchanges to the shadow process costs the recorder's process: its CPU (all its
// threads, process.cpuUsage) and the time its event loop spends in the send calls, per exchange, for
// each way of getting a batch to a child process:
//   ipc-advanced  child_process IPC with serialization 'advanced' (V8's serializer): the message is the
//                 packed batch (capture-batch.ts), bodies in one ArrayBuffer (copied by packing, then
//                 again by the serializer)
//   pipe-v8       the same message through v8.serialize, length-prefixed, on a dedicated stdio pipe
//   pipe-frames   what the shadow uses (src/shadow/shadow-channel.ts, from the build): a dedicated
//                 stdio pipe, length-prefixed frames, the batch's tuples as JSON, then the body Buffers
//                 themselves, written with writev (no copy of any body in JS)
// The child parses each batch into captures (as the shadow does) and acknowledges it; at most
// WINDOW batches are unacknowledged, so a slower child costs waiting, not memory. Variants are
// interleaved over the reps; medians.
// usage: node bench/shadow-ipc.mjs [--quick]   env: BENCH_REPS BENCH_BATCHES BENCH_DIST (default ./dist)
import { fork, spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

const HERE = fileURLToPath(import.meta.url);
const DIST = path.resolve(process.env.BENCH_DIST || path.join(path.dirname(HERE), '..', 'dist'));
const { packBatch, unpackBatch } = await import(pathToFileURL(path.join(DIST, 'src/record/capture-batch.js')).href);
const { readMessages, writeMessage } = await import(pathToFileURL(path.join(DIST, 'src/shadow/shadow-channel.js')).href);
const WINDOW = 4;

// ---------------------------------------------------------------- framing shared by both ends
/** pipe-v8: calls `onFrame(buffer)` per frame, `[u32 length][v8.serialize(message)]`. */
function readFrames(socket, onFrame) {
  const headBytes = 4;
  let chunks = [];
  let have = 0;
  socket.on('data', (chunk) => {
    chunks.push(chunk);
    have += chunk.length;
    for (;;) {
      if (have < headBytes) return;
      let buf = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      chunks = [buf];
      const size = buf.readUInt32LE(0);
      if (have < headBytes + size) return;
      onFrame(buf.subarray(0, headBytes + size));
      buf = buf.subarray(headBytes + size);
      chunks = buf.length ? [buf] : [];
      have = buf.length;
    }
  });
}

// ---------------------------------------------------------------- the child
if (process.argv[2] === '--child') {
  const variant = process.argv[3];
  let seen = 0;
  if (variant === 'ipc-advanced') {
    process.on('message', (m) => {
      seen += unpackBatch(m.batch).length;
      process.send({ type: 'progress', finished: seen });
    });
  } else {
    const socket = new net.Socket({ fd: 3, readable: true, writable: true });
    const ack = () => writeMessage(socket, { type: 'progress', compared: seen, finished: seen, dropped: 0 });
    if (variant === 'pipe-v8') {
      readFrames(socket, (frame) => {
        seen += unpackBatch(v8.deserialize(frame.subarray(4)).batch).length;
        ack();
      });
    } else {
      readMessages(socket, (m) => {
        seen += m.captures.length;
        ack();
      });
    }
    socket.on('end', () => process.exit(0));
  }
  process.on('disconnect', () => process.exit(0));
} else {
  await main();
}

// ---------------------------------------------------------------- the parent
function makeCapture(i, bodyBytes) {
  const body = Buffer.from(JSON.stringify({ id: i, pad: 'x'.repeat(Math.max(0, bodyBytes - 30)) }).slice(0, bodyBytes));
  return {
    startedAt: Date.now(),
    upstream: 'http://127.0.0.1:18580',
    request: {
      method: 'GET',
      url: `/small?i=${i}`,
      headers: [['host', '127.0.0.1:18582'], ['user-agent', 'wrk'], ['accept', '*/*'], ['connection', 'keep-alive'], ['x-request-id', `r-${i}`]],
      body: { bytes: null, size: 0, truncated: false },
    },
    response: {
      status: 200,
      headers: [['content-type', 'application/json'], ['content-length', String(body.length)], ['date', new Date().toUTCString()], ['connection', 'keep-alive'], ['keep-alive', 'timeout=72']],
      body: { bytes: body, size: body.length, truncated: false },
    },
    timing: { ttfbMs: 0.4, totalMs: 0.5 },
    failure: null,
  };
}

async function runVariant(variant, batches, items, bodyBytes) {
  const captures = Array.from({ length: items }, (_, i) => makeCapture(i, bodyBytes));
  let child;
  let send;
  let acked = 0;
  let onAck = () => {};
  if (variant === 'ipc-advanced') {
    child = fork(HERE, ['--child', variant], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (m) => {
      acked = m.finished;
      onAck();
    });
    send = (batch) => child.send({ type: 'batch', batch: packBatch(batch, 0, 0, undefined, []) });
  } else {
    child = spawn(process.execPath, [HERE, '--child', variant], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
    const socket = child.stdio[3];
    readMessages(socket, (m) => {
      acked = m.finished;
      onAck();
    });
    send =
      variant === 'pipe-v8'
        ? (batch) => {
            const body = v8.serialize({ type: 'batch', batch: packBatch(batch, 0, 0, undefined, []) });
            const head = Buffer.allocUnsafe(4);
            head.writeUInt32LE(body.length, 0);
            socket.cork();
            socket.write(head);
            socket.write(body);
            process.nextTick(() => socket.uncork());
          }
        : (batch) => writeMessage(socket, { type: 'batch', captures: batch });
  }
  // Warm-up: the child loads, both ends compile their paths.
  const total = (batches + 20) * items;
  let sent = 0;
  let sendMs = 0;
  let cpu0;
  let t0;
  await new Promise((resolve) => {
    const pump = () => {
      while (sent < total && sent - acked < WINDOW * items) {
        if (sent === 20 * items) {
          // Start measuring once the warm-up batches are acknowledged.
          if (acked < sent) return;
          cpu0 = process.cpuUsage();
          t0 = performance.now();
          sendMs = 0;
        }
        const s = performance.now();
        send(captures);
        sendMs += performance.now() - s;
        sent += items;
      }
      if (acked >= total) resolve();
    };
    onAck = pump;
    pump();
  });
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  child.kill();
  const n = batches * items;
  return { cpuUs: (cpu.user + cpu.system) / n, sendUs: (sendMs * 1000) / n, perSecond: n / (wallMs / 1000) };
}

async function main() {
  const quick = process.argv.includes('--quick');
  const reps = Number(process.env.BENCH_REPS || (quick ? 2 : 5));
  const batches = Number(process.env.BENCH_BATCHES || (quick ? 200 : 1000));
  const variants = ['ipc-advanced', 'pipe-v8', 'pipe-frames'];
  // A batch as the mirror hands it over: what 50 ms of traffic brings (capped at 256 items).
  const shapes = [
    { name: '1 KB responses, 100 per batch', items: 100, bodyBytes: 1024 },
    { name: '64 KB responses, 16 per batch (the 1 MB batch cap)', items: 16, bodyBytes: 64 * 1024 },
  ];
  console.log(`shadow handover cost: ${new Date().toISOString()} node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${reps} reps × ${batches} batches, interleaved, medians`);
  for (const shape of shapes) {
    const runs = Object.fromEntries(variants.map((v) => [v, []]));
    for (let rep = 0; rep < reps; rep++) {
      const order = rep % 2 ? [...variants].reverse() : variants;
      for (const v of order) runs[v].push(await runVariant(v, Math.max(20, Math.round((batches * 100) / shape.items / (shape.bodyBytes > 4096 ? 8 : 1))), shape.items, shape.bodyBytes));
    }
    console.log(`\n${shape.name}`);
    console.log('variant        recorder CPU µs/exchange   in send calls µs/exchange   exchanges/s');
    const med = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
    for (const v of variants) {
      const r = runs[v];
      const cpu = r.map((x) => x.cpuUs);
      console.log(`${v.padEnd(14)} ${med(cpu.slice()).toFixed(2).padStart(8)} (${Math.min(...cpu).toFixed(2)}–${Math.max(...cpu).toFixed(2)})      ${med(r.map((x) => x.sendUs)).toFixed(2).padStart(8)}                    ${Math.round(med(r.map((x) => x.perSecond)))}`);
    }
  }
  console.log(`load at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  process.exit(0);
}

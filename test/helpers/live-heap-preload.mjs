// Preloaded into a child process (`node --expose-gc --import <this>`): every 100 ms, a full garbage
// collection and then one line `<epoch ms> <bytes>` appended to $RG_LIVE_HEAP_FILE, the heap still
// used plus the memory held outside it (Buffers). What survives a full collection is what the
// process retains: unlike RSS, it does not climb while V8 grows its spaces to the allocation rate,
// nor with the machine's load.
import { appendFileSync } from 'node:fs';

const file = process.env.RG_LIVE_HEAP_FILE;
if (file && typeof globalThis.gc === 'function') {
  setInterval(() => {
    globalThis.gc();
    const m = process.memoryUsage();
    appendFileSync(file, `${Date.now()} ${m.heapUsed + m.external}\n`);
  }, 100).unref();
}

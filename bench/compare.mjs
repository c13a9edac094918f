// Compare throughput: comparisons/s of `createComparer` (dist/src/compare/index.js) on ~1 KB and
// ~64 KB JSON bodies with a realistic rule set, in-process (no I/O). Two candidates per size:
//   identical  the candidate equals the recording byte for byte (the common case in a green run)
//   noisy      every item differs only by noise the rules accept: a new timestamp, a request id, a
//              jittered score (tolerance), a changed name (type rule), items in another order (unorderedBy)
// usage: node bench/compare.mjs [--quick]
import os from 'node:os';
import path from 'node:path';
import { DIST, QUICK, emit, fmt, machineLine, median, target } from './lib.mjs';

const { createComparer } = await import(path.join(DIST, 'src/compare/index.js'));
const { compareSchema } = await import(path.join(DIST, 'src/config/schema.js'));

const SECONDS = QUICK ? 0.4 : 0.5;
const REPS = QUICK ? 3 : 5;

const config = compareSchema.parse({
  headers: ['content-type', 'location', 'cache-control'],
  ignoreHeaders: ['date'],
  ignore: ['/meta/requestId', '**/updatedAt'],
  rules: [
    { path: '/meta/generatedAt', match: 'timestamp' },
    { path: '/items', unorderedBy: 'id' },
    { path: '/items/*/score', tolerance: 0.5 },
    { path: '/items/*/name', match: 'type' },
    { path: '**/etag', match: 'hex' },
  ],
  routes: { 'GET /items': { ignore: ['/meta/server'], rules: [] } },
});

function doc(bytes, variant, fixedCount) {
  const items = [];
  let s = '';
  const make = (list) => ({
    meta: { requestId: variant ? 'req-b7c1' : 'req-a1f3', generatedAt: variant ? '2026-11-26T12:00:05.120Z' : '2026-11-26T12:00:00.000Z', server: variant ? 'web-2' : 'web-1' },
    count: list.length,
    items: list,
  });
  for (let i = 0; ; i++) {
    items.push({
      id: i,
      name: variant ? `item ${i} (v2)` : `item-${i}`,
      active: i % 2 === 0,
      score: ((i * 7919) % 1000) / 10 + (variant ? 0.25 : 0),
      tags: ['a', 'bb', 'ccc'],
      etag: `${variant ? 'beef' : 'cafe'}${(0x9f3a0000 + i).toString(16).padStart(12, '0')}`,
      updatedAt: variant ? 1_790_000_500_000 + i : 1_790_000_000_000 + i,
    });
    if (fixedCount !== undefined) {
      if (items.length > fixedCount) break;
      continue;
    }
    s = JSON.stringify(make(items));
    if (s.length >= bytes) break;
  }
  items.pop();
  const list = variant ? [...items].reverse() : items;
  return Buffer.from(JSON.stringify(make(list)));
}

const response = (body) => ({
  status: 200,
  headers: [['content-type', 'application/json; charset=utf-8'], ['cache-control', 'no-store'], ['date', new Date().toUTCString()], ['content-length', String(body.length)]],
  body: { bytes: body, size: body.length, truncated: false },
});

const comparer = createComparer(config);
const ctx = { method: 'GET', route: '/items', recordedOrigin: 'http://staging:8080', candidateOrigin: 'http://127.0.0.1:3000' };

/**
 * Calls per second of `a` and of `b`, measured in alternating slices (SLICES of each within SECONDS
 * per function), so a change in the machine's load during the rep weighs on both alike.
 */
const SLICES = 10;
function rates(a, b) {
  for (let i = 0; i < 50; i++) {
    a();
    b();
  }
  const count = [0, 0];
  const time = [0, 0];
  for (let s = 0; s < SLICES; s++) {
    [a, b].forEach((fn, k) => {
      let n = 0;
      const t0 = performance.now();
      const end = t0 + (SECONDS * 1000) / SLICES;
      while (performance.now() < end && n < 1_000_000) {
        for (let i = 0; i < 5; i++) fn();
        n += 5;
      }
      count[k] += n;
      time[k] += performance.now() - t0;
    });
  }
  return [count[0] / (time[0] / 1000), count[1] / (time[1] / 1000)];
}

// Targets of issue 16: a noisy comparison costs at most this many times JSON.parse of both bodies.
const TARGET_RATIO = 3;
let sink = 0;

console.log(`compare throughput: ${machineLine()}`);
const rows = [];
const targets = [];
for (const [label, bytes] of [['~1 KB', 1024], ['~64 KB', 64 * 1024]]) {
  const recordedDoc = doc(bytes, false);
  const recorded = response(recordedDoc);
  const same = response(Buffer.from(recordedDoc));
  // the same items, every one carrying noise (so the candidate is a little longer)
  const noisy = response(doc(bytes, true, JSON.parse(recordedDoc.toString()).items.length));
  const check = comparer.compare(recorded, noisy, ctx);
  const checkSame = comparer.compare(recorded, same, ctx);
  for (const [kind, cand, c] of [['identical', same, checkSame], ['noisy (all differences filtered)', noisy, check]]) {
    // The parse floor: JSON.parse of both bodies' text (decoded beforehand, so the floor is parsing
    // alone), measured interleaved with the comparison, rep by rep, in this process.
    const textA = recorded.body.bytes.toString('utf8');
    const textB = cand.body.bytes.toString('utf8');
    const runs = [];
    const parseRuns = [];
    const ratios = [];
    for (let r = 0; r < REPS; r++) {
      const [p, c] = rates(
        () => {
          sink += JSON.parse(textA) === null ? 1 : 0;
          sink += JSON.parse(textB) === null ? 1 : 0;
        },
        () => comparer.compare(recorded, cand, ctx),
      );
      parseRuns.push(p);
      runs.push(c);
      ratios.push(p / c);
    }
    const perSec = median(runs);
    const ratio = median(ratios);
    const mbs = (perSec * recorded.body.size * 2) / 2 ** 20;
    const diffs = `${c.differences?.length ?? '-'} / ${c.filtered?.length ?? '-'}`;
    rows.push([label, kind, `${recorded.body.size} / ${cand.body.size}`, fmt(perSec), `${fmt(Math.min(...runs))}–${fmt(Math.max(...runs))}`, fmt(1e6 / perSec, 1), fmt(1e6 / median(parseRuns), 1), `${fmt(ratio, 2)}×`, fmt(mbs), c.verdict, String(diffs)]);
    if (kind !== 'identical') {
      const load = os.loadavg().map((l) => l.toFixed(1)).join(' ');
      target(
        `compare ${label} noisy (${c.filtered?.length ?? 0} filtered differences), × JSON.parse of both bodies`,
        `${fmt(ratio, 2)}× (per rep ${ratios.map((x) => fmt(x, 2)).join(', ')}; ${fmt(1e6 / perSec, 1)} vs ${fmt(1e6 / median(parseRuns), 1)} µs)`,
        `≤ ${TARGET_RATIO}×`,
        ratio <= TARGET_RATIO,
        `median of ${REPS} interleaved reps, parse floor measured in the same process; load average ${load} after the row`,
      );
      targets.push([`compare ${label} noisy (${c.filtered?.length ?? 0} filtered), × JSON.parse of both bodies`, `${fmt(ratio, 2)}× (${ratios.map((x) => fmt(x, 2)).join(', ')})`, `≤ ${TARGET_RATIO}×`, ratio <= TARGET_RATIO ? 'yes' : 'NO']);
    }
    console.log(`  ${label} ${kind}: ${fmt(perSec)} comparisons/s, ${fmt(ratio, 2)}× the parse floor (verdict ${c.verdict})`);
  }
}
emit('3-compare', 'Compare throughput', [
  `${machineLine()}. One thread, in-process \`createComparer(config).compare(recorded, candidate, ctx)\`; ${REPS} rep(s) × ${SECONDS} s after warm-up, medians. Parse floor: \`JSON.parse\` of both bodies' text, measured in the same process, interleaved with the comparison in ${SLICES} alternating slices per rep; the ratio is the median of the per-rep ratios. Rule set: ignore \`/meta/requestId\`, \`**/updatedAt\`; \`/meta/generatedAt\` timestamp; \`/items\` unorderedBy id; \`/items/*/score\` tolerance 0.5; \`/items/*/name\` type; \`**/etag\` hex; a per-route ignore; headers content-type, location, cache-control.`,
  { head: ['body', 'candidate', 'bytes rec / cand', 'comparisons/s', 'min–max', 'µs each', 'parse both µs', '× parse', 'MB/s parsed (both sides)', 'verdict', 'differences unfiltered / filtered'], rows },
  'Targets (issue 16):',
  { head: ['what', 'now (per-rep ratios)', 'target', 'holds'], rows: targets },
]);
if (sink < 0) console.log(sink);
process.exit(0);

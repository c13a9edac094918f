// Scale: a 1,000,000-exchange recordings database (written with SqliteRecordingStore.appendSync in
// big transactions; small bodies), then
//   - `replayguard ls` wall time on it
//   - a replay of a 20k-exchange session inside it, with the replay process's RSS sampled every 250 ms
//   - `replayguard report --out DIR` on those 20k results: time and file sizes
//   - report.html of 100,000 results (written in-process through the reporters, as `replayguard report`
//     does), its size, and in headless Chromium (playwright-core) its load time and a group opening
//     (through the harness, and in the page: click to the next frame painted), each with its floor
// The database is deleted afterwards. usage: node bench/scale.mjs [--quick]  (quick: 200k exchanges)
// env: BENCH_SCALE_N, BENCH_SCALE_SUBSET, BENCH_REPORT_N (100k), BENCH_SCALE_PARTS (db,report),
//      BENCH_CHROMIUM (/usr/bin/chromium)
import fs from 'node:fs';
import path from 'node:path';
import { CLI, DIST, HOST, QUICK, emit, fmt, machine, machineLine, median, ports, requireDist, rssMb, runToEnd, start, stop, target as targetRow, waitHttp, workDir } from './lib.mjs';
import { appendExchanges, openStore } from './recordings.mjs';
import { jsonBody } from './upstream-body.mjs';

requireDist();
const TOTAL = Number(process.env.BENCH_SCALE_N || (QUICK ? 200_000 : 1_000_000));
const SUBSET = Number(process.env.BENCH_SCALE_SUBSET || 20_000);
const REPORT_N = Number(process.env.BENCH_REPORT_N || 100_000);
const PARTS = (process.env.BENCH_SCALE_PARTS || 'db,report').split(',');
const CHROMIUM = process.env.BENCH_CHROMIUM || '/usr/bin/chromium';
const LS_REPS = QUICK ? 1 : 3;
const WORK = workDir('scale');
const [UP] = await ports(1, 18392);
const target = `http://${HOST}:${UP}`;

const mb = (bytes) => bytes / 2 ** 20;
const fileSize = (f) => (fs.existsSync(f) ? fs.statSync(f).size : -1);
const size = (b) => (b < 0 ? 'absent' : b < 2 ** 20 ? `${fmt(b / 1024, 1)} KB` : `${fmt(mb(b), 1)} MB`);

async function main() {
  console.log(`scale: ${machineLine()}; ${TOTAL} exchanges, replayed subset ${SUBSET}`);
  const db = path.join(WORK, 'big.db');
  const store = await openStore(db);
  const t0 = performance.now();
  const bulk = await store.openSession({ name: 'bulk', upstream: 'http://staging.example:8080', startedAt: Date.now() - 3_600_000 });
  appendExchanges(store, bulk.id, { n: TOTAL - SUBSET, upstream: 'http://staging.example:8080', body: jsonBody(200), batch: 20_000 });
  // The replayed session is the latest one; its responses equal what bench/upstream.mjs answers.
  const sub = await store.openSession({ name: 'subset', upstream: 'http://staging.example:8080', startedAt: Date.now() });
  appendExchanges(store, sub.id, { n: SUBSET, upstream: 'http://staging.example:8080', batch: 20_000 });
  await store.close();
  const genS = (performance.now() - t0) / 1000;
  const dbMb = mb(fileSize(db));
  console.log(`  wrote ${TOTAL} exchanges in ${genS.toFixed(1)} s: ${dbMb.toFixed(0)} MB`);

  // ls: the whole table is scanned (per session and per route counts and bytes)
  const lsTimes = [];
  let lsOut = '';
  for (let i = 0; i < LS_REPS; i++) {
    const a = performance.now();
    const r = await runToEnd('ls', process.execPath, [CLI, 'ls', '--db', db], { timeoutMs: 600_000 });
    if (r.code !== 0) throw new Error(`ls failed: ${r.stderr}`);
    lsTimes.push((performance.now() - a) / 1000);
    lsOut = r.stdout;
  }
  const ver = await runToEnd('version', process.execPath, [CLI, '--version'], { timeoutMs: 60_000 });
  const startupS = await (async () => {
    const a = performance.now();
    await runToEnd('help', process.execPath, [CLI, '--help'], { timeoutMs: 60_000 });
    return (performance.now() - a) / 1000;
  })();
  console.log(`  ls: ${lsTimes.map((t) => t.toFixed(2)).join(', ')} s (CLI start-up alone ${startupS.toFixed(2)} s; ${ver.stdout.trim()})`);

  // replay of the subset, RSS sampled
  const up = start('upstream', process.execPath, ['bench/upstream.mjs', String(UP)]);
  await waitHttp(UP, '/__count', 15000);
  const out = path.join(WORK, 'out');
  const samples = [];
  const ta = performance.now();
  const p = start('replay', process.execPath, [CLI, 'replay', '--target', target, '--db', db, '--session', 'subset', '--out', out, '--concurrency', '32', '--fail-on', 'error']);
  const timer = setInterval(() => {
    const r = rssMb([p.pid]);
    if (r > 0) samples.push({ t: (performance.now() - ta) / 1000, rss: r });
  }, 250);
  const killer = setTimeout(() => {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }, 20 * 60 * 1000);
  const rr = await p.exited;
  clearInterval(timer);
  clearTimeout(killer);
  const replayS = (performance.now() - ta) / 1000;
  await stop(up);
  if (rr.code !== 0) throw new Error(`replay exited ${rr.code}: ${p.stderr().slice(-2000)}`);
  const quarter = (q) => {
    const inQ = samples.filter((s) => s.t >= (q * replayS) / 4 && s.t < ((q + 1) * replayS) / 4).map((s) => s.rss);
    return inQ.length ? Math.max(...inQ) : NaN;
  };
  const rssQ = [0, 1, 2, 3].map(quarter);
  const peakRss = Math.max(...samples.map((s) => s.rss));
  console.log(`  replay ${SUBSET} in ${replayS.toFixed(1)} s; RSS max per quarter ${rssQ.map((x) => fmt(x)).join(' / ')} MB`);
  const liveSizes = Object.fromEntries(['report.html', 'summary.json', 'junit.xml', 'summary.md', 'results.db'].map((f) => [f, fileSize(path.join(out, f))]));

  // report regeneration from results.db
  for (const f of ['report.html', 'summary.json', 'junit.xml', 'summary.md']) fs.rmSync(path.join(out, f), { force: true });
  const tr = performance.now();
  const rep = await runToEnd('report', process.execPath, ['--import', path.join(import.meta.dirname, 'hwm-at-exit.mjs'), CLI, 'report', '--out', out], {
    timeoutMs: 600_000,
    env: { BENCH_HWM_FILE: path.join(WORK, 'report-hwm') },
  });
  const reportS = (performance.now() - tr) / 1000;
  if (rep.code !== 0) throw new Error(`report failed: ${rep.stderr.slice(-2000)}`);
  const reportHwm = Number(fs.readFileSync(path.join(WORK, 'report-hwm'), 'utf8')) / 1024;
  const sizes = Object.fromEntries(['report.html', 'summary.json', 'junit.xml', 'summary.md'].map((f) => [f, fileSize(path.join(out, f))]));
  console.log(`  report: ${reportS.toFixed(1)} s, report.html ${size(sizes['report.html'])}`);

  const rows = [
    ['write the database (appendSync, 20k per transaction)', `${fmt(genS, 1)} s (${fmt(TOTAL / genS)} exchanges/s)`, `${fmt(dbMb)} MB for ${TOTAL.toLocaleString('en-US')} exchanges`],
    ['`replayguard ls --db big.db`', `${fmt(median(lsTimes), 2)} s (median of ${LS_REPS}; CLI start-up alone ${fmt(startupS, 2)} s)`, lsOut.split('\n').filter((l) => /bulk|subset/.test(l)).map((l) => l.trim().replace(/\s+/g, ' ')).slice(0, 2).join(' · ')],
    [`\`replayguard replay --session subset --concurrency 32\` (${SUBSET.toLocaleString('en-US')} of ${TOTAL.toLocaleString('en-US')}, all reporters)`, `${fmt(replayS, 1)} s (${fmt(SUBSET / replayS)} exchanges/s whole process)`, `RSS max per quarter of the run: ${rssQ.map((x) => fmt(x)).join(' / ')} MB; peak ${fmt(peakRss)} MB (${samples.length} samples)`],
    ['files written by that replay', '', Object.entries(liveSizes).map(([f, b]) => `${f} ${size(b)}`).join(', ')],
    [`\`replayguard report --out DIR\` (${SUBSET.toLocaleString('en-US')} results)`, `${fmt(reportS, 1)} s, peak RSS ${fmt(reportHwm)} MB`, Object.entries(sizes).map(([f, b]) => `${f} ${size(b)}`).join(', ')],
  ];
  const flat = rssQ[3] <= rssQ[1] * 1.15 + 5;
  // The replay loop only: the last quarter also holds the reporters' final writes (report.html …).
  const growth = rssQ[3] / rssQ[1];
  targetRow(
    `replay RSS over a ${SUBSET.toLocaleString('en-US')}-exchange replay`,
    `max per quarter ${rssQ.map((x) => fmt(x)).join(' / ')} MB (last ${growth >= 1 ? '+' : ''}${fmt((growth - 1) * 100)}% vs second)`,
    'flat: last quarter within 10% of the second',
    growth <= 1.1,
    `c=32, all reporters, RSS sampled every 250 ms (${samples.length} samples); peak ${fmt(peakRss)} MB; load avg ${machine().load}`,
  );
  emit('4-scale', 'Scale', [
    `${machineLine()}. One database of ${TOTAL.toLocaleString('en-US')} exchanges in two sessions: "bulk" (${(TOTAL - SUBSET).toLocaleString('en-US')}, ~200 B JSON bodies) and "subset" (${SUBSET.toLocaleString('en-US')}, ~1 KB JSON bodies equal to the local server's). Deleted afterwards.`,
    { head: ['step', 'time', 'detail'], rows },
    `RSS over the replay (max per quarter ${rssQ.map((x) => fmt(x)).join(' → ')} MB): ${flat ? 'flat (last quarter within 15% of the second)' : 'GROWING (last quarter more than 15% above the second)'}; peak ${fmt(peakRss)} MB, target < 250 MB: ${peakRss < 250 ? 'met' : 'MISSED'}.`,
  ]);
  fs.rmSync(db, { force: true });
}

/** 100k results shaped like test/browser/report.test.ts's 20k: 40 routes, every 7th a regression, every 5th noise. */
function* manyResults(n) {
  const routes = 40;
  const json = [['content-type', 'application/json']];
  const bodyOf = (v) => {
    const bytes = Buffer.from(JSON.stringify(v));
    return { bytes, size: bytes.length, truncated: false };
  };
  const diff = (path, change, extra) => ({ target: 'body', op: 'replace', path, change, signature: `body:${path.replace(/\/\d+(?=\/|$)/g, '/*')}:${change}`, ...extra });
  for (let i = 0; i < n; i++) {
    const r = i % routes;
    const body = { id: i, name: `user ${i}`, items: Array.from({ length: 20 }, (_, k) => ({ k, v: `value ${k}` })), email: `u${i}@x.io` };
    const regression = i % 7 === 0;
    const noise = !regression && i % 5 === 0;
    const verdict = regression ? 'regression' : noise ? 'noise' : 'pass';
    const differences = regression ? [{ ...diff('/email', 'removed', { before: body.email }), op: 'remove' }, diff(`/items/${i % 20}/v`, 'value changed', { before: 'a', after: 'b' })] : [];
    const filtered = noise ? [diff('/updatedAt', 'value changed', { before: 1, after: 2, filteredBy: 'learned: timestamp' })] : [];
    const url = `/r${r}/items/${i}?page=${i % 9}`;
    yield {
      runId: 1, exchangeId: i + 1, seq: i + 1, method: 'GET', url, route: `/r${r}/items/:id`, verdict,
      comparison: { verdict, differences, filtered, notes: [] },
      request: { method: 'GET', url, headers: [['accept', 'application/json']], body: { bytes: null, size: 0, truncated: false } },
      recorded: { status: 200, headers: json, body: bodyOf(body) },
      recordedTiming: { ttfbMs: 3, totalMs: 4 },
      candidate: { status: 200, headers: json, body: bodyOf(regression ? { ...body, email: undefined } : body), timing: { ttfbMs: 4, totalMs: 5 } },
      baseline: null,
      error: null,
    };
  }
}

/** report.html of REPORT_N results: size, write time, and in Chromium load and group-open times. */
async function reportScale() {
  console.log(`report: ${machineLine()}; ${REPORT_N} results`);
  const { createReporters } = await import(path.join(DIST, 'src/report/reporter.js'));
  const { driveReporters } = await import(path.join(DIST, 'src/report/drive-reporters.js'));
  const { defaultConfig } = await import(path.join(DIST, 'src/config/resolve-config.js'));
  const dir = fs.mkdtempSync(path.join(WORK, 'report-'));
  const reporters = createReporters(['html'], { outDir: dir, config: defaultConfig(), stdout: process.stdout, isTTY: false, githubStepSummary: null });
  const run = { id: 1, startedAt: Date.now() - 60_000, endedAt: Date.now(), target: 'http://candidate:3000', baseline: null, recordingsDb: 'recordings/replayguard.db', session: 'bench', configFingerprint: 'bench', counts: { pass: 0, noise: 0, regression: 0, unreproduced: 0, error: 0, skipped: 0, total: 0 }, exitCode: 1 };
  const t0 = performance.now();
  await driveReporters(reporters, run, manyResults(REPORT_N), { extras: { learnedNoise: [], latency: [], exitCode: 1, exitReason: 'regressions', durationMs: 60_000 } });
  const writeS = (performance.now() - t0) / 1000;
  const file = path.join(dir, 'report.html');
  const bytes = fileSize(file);
  console.log(`  report.html ${size(bytes)} written in ${fmt(writeS, 1)} s`);

  const blankLoads = [];
  const loads = [];
  const opens = [];
  const inPage = [];
  const clickFloors = [];
  let groups = NaN;
  let browserNote = '';
  if (!fs.existsSync(CHROMIUM)) browserNote = `${CHROMIUM} not found: load and open not measured`;
  else {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      // The floor: the same browser loading a page with nothing in it, in the same minute.
      const blank = path.join(dir, 'blank.html');
      fs.writeFileSync(blank, '<!doctype html><html><body><p>blank</p><script>document.documentElement.setAttribute("data-ready", "true")</script></body></html>');
      for (let rep = 0; rep < (QUICK ? 2 : 3); rep++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const a = performance.now();
        await page.goto(`file://${blank}`);
        await page.waitForSelector('html[data-ready="true"]');
        blankLoads.push(performance.now() - a);
        await page.close();
      }
      for (let rep = 0; rep < (QUICK ? 2 : 3); rep++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const a = performance.now();
        await page.goto(`file://${file}`);
        await page.waitForSelector('html[data-ready="true"]', { timeout: 120_000 });
        loads.push(performance.now() - a);
        groups = await page.locator('.group').count();
        // The harness alone: a click on the title (no handler) and a wait for an element already shown.
        for (let f = 0; f < 3; f++) {
          const b = performance.now();
          await page.locator('h1').first().click();
          await page.locator('.group').first().waitFor();
          clickFloors.push(performance.now() - b);
        }
        // The page's own time, without the harness: from the click to the next frame painted (a timeout
        // set in an animation frame runs once that frame is out), taken by a listener ahead of the page's.
        // (Run in the page: globalThis is its window.)
        await page.evaluate(() =>
          globalThis.document.addEventListener('click', () => {
            const t0 = performance.now();
            globalThis.requestAnimationFrame(() => setTimeout(() => (globalThis.__openedMs = performance.now() - t0), 0));
          }, { capture: true }),
        );
        // Open three groups one after the other (each: click until its first exchange is shown).
        for (let g = 0; g < Math.min(3, groups); g++) {
          await page.evaluate(() => (globalThis.__openedMs = undefined));
          const b = performance.now();
          await page.locator('.ghead').nth(g).click();
          await page.locator('.group').nth(g).locator('.exchange').first().waitFor({ timeout: 60_000 });
          opens.push(performance.now() - b);
          inPage.push(await (await page.waitForFunction(() => globalThis.__openedMs, null, { timeout: 60_000 })).jsonValue());
        }
        if (errors.length) throw new Error(`report.html page errors: ${errors.join('; ')}`);
        await page.close();
      }
    } finally {
      await browser.close();
    }
    console.log(`  Chromium: load ${loads.map((x) => fmt(x)).join(', ')} ms; group open ${opens.map((x) => fmt(x)).join(', ')} ms (in page ${inPage.map((x) => fmt(x)).join(', ')} ms; a click on nothing ${clickFloors.map((x) => fmt(x)).join(', ')} ms); ${groups} groups`);
  }
  const load = median(loads);
  const open = median(opens);
  const mb = bytes / 1e6;
  const note = `${REPORT_N.toLocaleString('en-US')} results (40 routes, 1 in 7 a regression, 1 in 5 noise), html reporter in-process; Chromium ${browserNote || `medians of ${loads.length} loads and ${opens.length} group openings; a blank page loads in ${fmt(median(blankLoads))} ms in the same browser; an opening takes ${fmt(median(inPage))} ms in the page (click to the next frame painted) and a click on nothing ${fmt(median(clickFloors))} ms through the harness`}; load avg ${machine().load}`;
  targetRow('report of 100k results: report.html size', `${fmt(mb, 2)} MB`, '≤ 3 MB', mb <= 3, note);
  targetRow('report of 100k results: Chromium load', loads.length ? `${fmt(load)} ms` : 'not measured', '≤ 2 s', loads.length ? load <= 2000 : null, note);
  targetRow('report of 100k results: a group opens', opens.length ? `${fmt(open)} ms` : 'not measured', '≤ 200 ms', opens.length ? open <= 200 : null, note);
  emit('4-scale-report', 'Scale: report of 100k results', [
    `${machineLine()}. ${note}.`,
    { head: ['what', 'measured', 'target'], rows: [
      ['report.html size', `${fmt(mb, 2)} MB (written in ${fmt(writeS, 1)} s)`, '≤ 3 MB'],
      ['Chromium load (goto until the page says ready)', loads.length ? `${fmt(load)} ms (${loads.map((x) => fmt(x)).join(', ')})` : browserNote, '≤ 2 s'],
      ['a group opens (click until its first exchange shows)', opens.length ? `${fmt(open)} ms (${opens.map((x) => fmt(x)).join(', ')})` : browserNote, '≤ 200 ms'],
      ['… of which the page (click to the next frame painted)', inPage.length ? `${fmt(median(inPage))} ms (${inPage.map((x) => fmt(x)).join(', ')})` : browserNote, ''],
      ['the floor: a blank page in the same browser', blankLoads.length ? `${fmt(median(blankLoads))} ms (${blankLoads.map((x) => fmt(x)).join(', ')})` : browserNote, ''],
      ['the floor: a click on nothing, and a wait for what is shown', clickFloors.length ? `${fmt(median(clickFloors))} ms (${clickFloors.map((x) => fmt(x)).join(', ')})` : browserNote, ''],
      ['groups on the page', fmt(groups), ''],
    ] },
  ]);
}

if (PARTS.includes('db')) await main();
if (PARTS.includes('report')) await reportScale();
process.exit(0);

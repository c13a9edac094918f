import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { driveReporters } from '../../../src/report/drive-reporters.js';
import { createJunitReporter } from '../../../src/report/junit-reporter.js';
import { stripIllegalXml } from '../../../src/report/xml-escape.js';
import { makeComparison, makeDifference, makeResult, makeRunInfo } from '../../helpers/factories.js';
import { testContext } from './context.js';

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const decode = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#(\d+));/g, (_, e: string, n?: string) =>
    n ? String.fromCharCode(Number(n)) : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[e]!,
  );

/** A strict little parser for the subset junit.xml uses; throws on anything malformed. */
function parseXml(xml: string): El {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters
  expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  const body = xml.slice(xml.indexOf('?>') + 2);
  const root: El = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const text = body.slice(i, lt < 0 ? body.length : lt);
    if (/&(?!(lt|gt|quot|apos|amp|#\d+);)/.test(text)) throw new Error(`bare & in ${text}`);
    stack[stack.length - 1]!.text += decode(text);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(body);
    if (!m) throw new Error(`malformed tag at ${body.slice(lt, lt + 80)}`);
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const top = stack.pop();
      if (top?.name !== name) throw new Error(`</${name}> closes <${top?.name}>`);
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText!.matchAll(/([\w:.-]+)="([^"]*)"/g)) {
        if (a[2]!.includes('<') || /&(?!(lt|gt|quot|apos|amp|#\d+);)/.test(a[2]!)) throw new Error(`bad attribute ${a[0]}`);
        attrs[a[1]!] = decode(a[2]!);
      }
      const el: El = { name: name!, attrs, children: [], text: '' };
      stack[stack.length - 1]!.children.push(el);
      if (!selfClose) stack.push(el);
    }
    i = tag.lastIndex;
  }
  if (stack.length !== 1) throw new Error('unclosed elements');
  expect(root.children).toHaveLength(1);
  return root.children[0]!;
}

const hostile = '/x?q=<b>&"\'\u0001\u0000\ud800';
// Sanity: the sanitiser replaces exactly the three illegal characters.
const sanitized = '/x?q=<b>&"\'\ufffd\ufffd\ufffd';

async function run(flushBytes?: number) {
  const ctx = await testContext();
  const results = [
    makeResult({ verdict: 'pass', url: '/users/1' }),
    makeResult({
      verdict: 'regression',
      url: '/users/2',
      comparison: makeComparison({
        differences: [
          makeDifference(),
          makeDifference({ path: '/total', op: 'replace', before: 3, after: '3', change: 'number → string' }),
          makeDifference({ target: 'status', path: '', op: 'replace', before: 404, after: 500, change: '404 → 500' }),
        ],
      }),
    }),
    makeResult({ verdict: 'noise', method: 'POST', route: '/orders', url: '/orders' }),
    makeResult({ verdict: 'error', method: 'POST', route: '/orders', url: hostile }),
    makeResult({ verdict: 'skipped', url: '/users/3' }),
    makeResult({ verdict: 'regression', route: '/a<b>&c', url: hostile }),
  ];
  await driveReporters([createJunitReporter(ctx, flushBytes ? { flushBytes } : {})], makeRunInfo(), results, {
    extras: {
      learnedNoise: [],
      latency: [
        { method: 'GET', route: '/users/:id', recorded: null, baseline: { samples: 9, p50: 10, p95: 20 }, candidate: { samples: 9, p50: 40, p95: 90 }, flagged: true, reason: 'p95 90 ms vs 20 ms (×4.5, +70 ms)' },
        { method: 'POST', route: '/orders', recorded: null, baseline: null, candidate: { samples: 2, p50: 1, p95: 1 }, flagged: false, reason: 'too few samples' },
      ],
      exitCode: 1,
      exitReason: 'regressions',
      durationMs: 2000,
    },
  });
  return { ctx, xml: await readFile(path.join(ctx.outDir, 'junit.xml'), 'utf8') };
}

describe('junit reporter', () => {
  it('writes well-formed, escaped XML with one suite per route and exactly the failing testcases', async () => {
    const { ctx, xml } = await run(1); // flush after every result: exercises the temp files
    expect(stripIllegalXml(hostile)).toBe(sanitized);
    const root = parseXml(xml);
    expect(root.name).toBe('testsuites');
    // 4 exchanges failing or erring, 3 changes behind them, 1 slower route.
    expect(root.attrs).toMatchObject({ tests: '10', failures: '6', errors: '1', skipped: '1' });
    expect(root.children.map((s) => s.attrs.name)).toEqual(['changes', 'GET /users/:id', 'POST /orders', 'GET /a<b>&c', 'latency']);
    const changes = root.children[0]!.children.map((c) => c.attrs.name!.replace(/ \[c[0-9a-f]+\]$/, ''));
    expect(changes).toEqual(['status 404 → 500, with 1 more difference always together', 'transport timeout (UND_ERR_HEADERS_TIMEOUT)', '/email removed']);
    const cases = root.children.slice(1).flatMap((s) => s.children);
    const failing = cases.filter((c) => c.children.some((x) => x.name === 'failure')).map((c) => c.attrs.name);
    expect(failing).toEqual(['GET /users/2', `GET ${stripIllegalXml(hostile)}`, 'latency GET /users/:id']);
    const users2 = cases.find((c) => c.attrs.name === 'GET /users/2')!;
    expect(users2.attrs.classname).toBe('GET /users/:id');
    const failure = users2.children[0]!;
    expect(failure.attrs.message).toBe('/email removed; /total number → string; status 404 → 500');
    expect(failure.text).toContain('/total number → string: 3 → "3"');
    const error = cases.flatMap((c) => c.children).filter((x) => x.name === 'error');
    expect(error).toHaveLength(1);
    expect(error[0]!.attrs.message).toContain('UND_ERR_HEADERS_TIMEOUT');
    expect(cases.flatMap((c) => c.children).filter((x) => x.name === 'skipped')).toHaveLength(1);
    const users = root.children[1]!;
    expect(users.attrs).toMatchObject({ tests: '3', failures: '1', errors: '0', skipped: '1' });
    expect(users.children.map((c) => c.attrs.name)).toEqual(['GET /users/1', 'GET /users/2', 'GET /users/3']);
    expect(await readdir(ctx.outDir)).toEqual(['junit.xml']); // temp files removed
  });

  it('gives the same document whether or not it flushed to temp files', async () => {
    expect((await run(1)).xml).toBe((await run()).xml);
  });
});

describe('junit reporter: metric verdicts', () => {
  it('writes a metrics suite with a testcase per judged metric, failing exactly the worse ones, figures in each', async () => {
    const ctx = await testContext();
    const metrics = [
      { name: 'process_resident_memory_bytes', worse: 'increase' as const, candidateMedian: 5.2e7, baselineMedian: 5.1e7, effect: 0.0196, p: 0.21, samples: { candidate: 9, baseline: 9 }, flagged: false, note: 'not significant (p = 0.210)' },
      { name: 'process_cpu_seconds_total', worse: 'increase' as const, candidateMedian: 0.002, baselineMedian: 0.001, effect: 1, p: 0.0002, samples: { candidate: 9, baseline: 8 }, flagged: true, note: '' },
    ];
    await driveReporters([createJunitReporter(ctx)], makeRunInfo(), [makeResult({ verdict: 'pass', url: '/users/1' })], {
      extras: { learnedNoise: [], latency: [], metrics, exitCode: 1, exitReason: 'candidate metrics worse', durationMs: 10 },
    });
    const root = parseXml(await readFile(path.join(ctx.outDir, 'junit.xml'), 'utf8'));
    expect(root.attrs).toMatchObject({ tests: '3', failures: '1' });
    const suite = root.children.find((s) => s.attrs.name === 'metrics')!;
    expect(suite.attrs).toMatchObject({ tests: '2', failures: '1' });
    expect(suite.children.map((c) => c.attrs.name)).toEqual(['metric process_cpu_seconds_total', 'metric process_resident_memory_bytes']);
    const [cpu, rss] = suite.children;
    expect(cpu!.children[0]).toMatchObject({ name: 'failure', attrs: { type: 'metric' } });
    expect(cpu!.children[0]!.attrs.message).toBe('process_cpu_seconds_total: candidate median 0.002 vs baseline 0.001 (+100.0%, one-sided Mann–Whitney p = 0.0002, 9/8 samples): WORSE, significant and past the minimum effect');
    expect(rss!.children.map((c) => c.name)).toEqual(['system-out']);
    expect(rss!.children[0]!.text).toContain('candidate median 52000000 vs baseline 51000000 (+2.0%');
  });
});

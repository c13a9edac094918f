import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { driveReporters } from '../../../src/report/drive-reporters.js';
import { createReporters } from '../../../src/report/reporter.js';
import type { SummaryJson } from '../../../src/report/json-reporter.js';
import { makeRunInfo } from '../../helpers/factories.js';
import { PLANTED_ORDER, plantedResults } from '../../helpers/planted-changes.js';
import { testContext } from './context.js';

/** Where each planted change's title first appears in `text`: increasing when the order is kept. */
function positions(text: string): number[] {
  return PLANTED_ORDER.map((t) => text.indexOf(t));
}

it('console, summary.json, summary.md and JUnit lead with the same ranked changes', async () => {
  const ctx = await testContext();
  const reporters = createReporters(['console', 'json', 'junit', 'markdown'], ctx);
  await driveReporters(reporters, makeRunInfo(), plantedResults(), { extras: { learnedNoise: [], latency: [], exitCode: 1, exitReason: 'regressions', durationMs: 5 } });

  const json = JSON.parse(await readFile(path.join(ctx.outDir, 'summary.json'), 'utf8')) as SummaryJson;
  expect(json.changes.map((c) => Object.keys(c).sort())[0]).toEqual(['exchanges', 'id', 'kind', 'routes', 'signatures', 'title']);
  expect(json.changes.map((c) => c.title.slice(0, PLANTED_ORDER[json.changes.indexOf(c)]!.length))).toEqual([...PLANTED_ORDER]);
  const ids = json.changes.map((c) => c.id);

  const console = ctx.output();
  const p = positions(console);
  expect(p.every((x, i) => x >= 0 && (i === 0 || x > p[i - 1]!))).toBe(true);
  // Changes come before the per-route table and the signature list.
  expect(console.indexOf('Changes (3, most breaking first)')).toBeLessThan(console.indexOf('route '));
  for (const id of ids) expect(console).toContain(id);

  const md = await readFile(path.join(ctx.outDir, 'summary.md'), 'utf8');
  expect(md.indexOf('### Changes')).toBeLessThan(md.indexOf('| Verdict |'));
  const mdIds = [...md.matchAll(/`(c[0-9a-f]{10})`/g)].map((m) => m[1]);
  expect(mdIds).toEqual(ids);

  const xml = await readFile(path.join(ctx.outDir, 'junit.xml'), 'utf8');
  expect(xml.indexOf('<testsuite name="changes" tests="3" failures="3"')).toBeGreaterThan(0);
  expect(xml.indexOf('<testsuite name="changes"')).toBeLessThan(xml.indexOf('<testsuite name="GET'));
  expect([...xml.matchAll(/classname="changes">/g)]).toHaveLength(3);
  expect([...xml.matchAll(/\[(c[0-9a-f]{10})\]" classname="changes"/g)].map((m) => m[1])).toEqual(ids);
});

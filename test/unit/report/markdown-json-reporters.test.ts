import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJsonReporter } from '../../../src/report/json-reporter.js';
import { createMarkdownReporter, escapeMarkdown } from '../../../src/report/markdown-reporter.js';
import { makeRunInfo, makeSummary } from '../../helpers/factories.js';
import { testContext } from './context.js';

const summary = makeSummary({
  run: makeRunInfo({ baseline: 'http://baseline:3001' }),
  counts: { pass: 4000, noise: 170, regression: 32, unreproduced: 0, error: 8, skipped: 0, total: 4210 },
  routes: [
    { method: 'GET', route: '/users/:id', pass: 3000, noise: 170, regression: 32, unreproduced: 0, error: 0, skipped: 0, total: 3202 },
    { method: 'GET', route: '/a|b<script>', pass: 1000, noise: 0, regression: 0, unreproduced: 0, error: 8, skipped: 0, total: 1008 },
  ],
  signatures: [
    { method: 'GET', route: '/users/:id', signature: 'body:/email:removed', exchanges: 32, verdict: 'regression' },
    { method: 'GET', route: '/users/:id', signature: 'body:/updatedAt:value changed', exchanges: 170, verdict: 'noise', filteredBy: 'ignore /updatedAt' },
  ],
  learnedNoise: [{ method: 'GET', route: '/users/:id', target: 'body', path: '/etag', kind: 'value varies (hex)', source: 'baseline', exchanges: 40, examples: ['ab12'] }],
  latency: [{ method: 'GET', route: '/users/:id', recorded: { samples: 9, p50: 10, p95: 20 }, baseline: { samples: 9, p50: 11, p95: 21 }, candidate: { samples: 9, p50: 40, p95: 90 }, flagged: true, reason: 'p95 90 ms vs 21 ms' }],
  exitCode: 1,
  exitReason: '32 regressions, 8 errors (failOn: regression, error)',
});

describe('markdown reporter', () => {
  it('writes summary.md with totals, routes, top signatures, learned noise and latency', async () => {
    const ctx = await testContext();
    await createMarkdownReporter(ctx).onRunEnd!(summary);
    const md = await readFile(path.join(ctx.outDir, 'summary.md'), 'utf8');
    expect(md).toContain('## ❌ replayguard — FAIL: 32 regressions, 8 errors, 1 slower route in 4,210 exchanges (exit 1)');
    expect(md).toContain('| ❌ regression | 32 | 0.8% |');
    expect(md).toContain('| GET /users/:id | 3,202 | 3,000 | 170 | 0 | 32 | 0 | 0 |');
    expect(md).toContain('| GET /users/:id | body:/email:removed | 32 |');
    expect(md).not.toContain('updatedAt:value changed'); // noise is not a top regression
    expect(md).toContain('### Learned noise');
    expect(md).toContain('| GET /users/:id | 10 / 20 ms | 11 / 21 ms | 40 / 90 ms | 🐢 p95 90 ms vs 21 ms |');
    // Recorded data cannot break the table or inject HTML.
    expect(md).toContain('| GET /a\\|b&lt;script&gt; |');
    expect(md).not.toContain('<script>');
  });

  it('appends the same text to $GITHUB_STEP_SUMMARY, keeping what other steps wrote', async () => {
    const base = await testContext();
    const stepSummary = path.join(base.outDir, 'step-summary.md');
    await writeFile(stepSummary, '# earlier step\n', 'utf8');
    const ctx = { ...base, githubStepSummary: stepSummary };
    await createMarkdownReporter(ctx).onRunEnd!(summary);
    const md = await readFile(path.join(ctx.outDir, 'summary.md'), 'utf8');
    expect(await readFile(stepSummary, 'utf8')).toBe(`# earlier step\n${md}`);
  });

  it('says so when nothing regressed', async () => {
    const ctx = await testContext();
    await createMarkdownReporter(ctx).onRunEnd!(makeSummary({ counts: { pass: 10, noise: 2, regression: 0, unreproduced: 0, error: 0, skipped: 0, total: 12 } }));
    const md = await readFile(path.join(ctx.outDir, 'summary.md'), 'utf8');
    expect(md).toContain('PASS: no regressions in 12 exchanges');
    expect(md).toContain('No regressions: 12 of 12 exchanges passed');
  });

  it('escapes markdown and html punctuation', () => {
    expect(escapeMarkdown('a|b*c_<i>&\n[x](y)')).toBe('a\\|b\\*c\\_&lt;i&gt;&amp; \\[x\\](y)');
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
    // A list marker is neutralised at its dot; a number that merely starts a cell is left as written.
    expect(escapeMarkdown('1. not a list')).toBe('1\\. not a list');
    expect(escapeMarkdown('12) not a list')).toBe('12\\) not a list');
    expect(escapeMarkdown('0.5 ms')).toBe('0.5 ms');
    expect(escapeMarkdown('-5')).toBe('\\-5');
  });
});

describe('json reporter', () => {
  it('writes summary.json = the RunSummary plus version 1', async () => {
    const ctx = await testContext();
    await createJsonReporter(ctx).onRunEnd!(summary);
    const doc = JSON.parse(await readFile(path.join(ctx.outDir, 'summary.json'), 'utf8'));
    expect(doc).toEqual({ version: 1, ...summary });
  });
});

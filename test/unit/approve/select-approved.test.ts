import { describe, expect, it } from 'vitest';
import { mergeRouteRules } from '../../../src/approve/config-merge.js';
import { createApprovalSelector } from '../../../src/approve/select-approved.js';
import { createSummaryBuilder } from '../../../src/report/summary-builder.js';
import { makeComparison, makeDifference, makeResult, makeRunInfo } from '../../helpers/factories.js';

const header = makeDifference({ target: 'header', op: 'add', path: 'x-new', after: '1', change: 'added' });
const email = makeDifference();

function run() {
  const results = [
    makeResult({ exchangeId: 1, seq: 1, verdict: 'regression', comparison: makeComparison({ differences: [email] }) }),
    makeResult({ exchangeId: 2, seq: 2, verdict: 'regression', comparison: makeComparison({ differences: [email, header] }) }),
    makeResult({ exchangeId: 3, seq: 3, verdict: 'error' }),
    makeResult({ exchangeId: 4, seq: 4, verdict: 'pass' }),
  ];
  const b = createSummaryBuilder();
  for (const r of results) b.add(r);
  return { results, summary: b.build(makeRunInfo(), { learnedNoise: [], latency: [], exitCode: 1, exitReason: '', durationMs: 1 }) };
}

describe('createApprovalSelector', () => {
  it('approves whole exchanges only: one that also shows an unselected change is refused and named', () => {
    const { results, summary } = run();
    const emailChange = summary.changes.find((c) => c.title === '/email removed')!;
    const sel = createApprovalSelector(summary, { changes: [emailChange.id], routes: [], all: false });
    const verdicts = results.map((r) => sel.judge(r));
    expect(verdicts[0]).toBe('approve');
    expect(verdicts[1]).toMatchObject({ seq: 2, reason: expect.stringContaining('header x-new added') });
    expect(verdicts.slice(2)).toEqual(['skip', 'skip']);
    const all = createApprovalSelector(summary, { changes: [], routes: [], all: true });
    expect(results.map((r) => all.judge(r))).toEqual(['approve', 'approve', expect.objectContaining({ reason: expect.stringContaining('nothing to approve') }), 'skip']);
  });

  it('names the known changes and routes when a selection matches none', () => {
    const { summary } = run();
    expect(() => createApprovalSelector(summary, { changes: ['cnope'], routes: [], all: false })).toThrow(/its changes: c[0-9a-f]{10} \(/);
    expect(() => createApprovalSelector(summary, { changes: [], routes: ['GET /nope'], all: false })).toThrow(/routes with regressions: GET \/users\/:id/);
    expect(() => createApprovalSelector(summary, { changes: [], routes: [], all: false })).toThrow(/--change ID/);
  });
});

describe('mergeRouteRules', () => {
  it('adds rules in place, keeping indentation and the other keys, and never twice', () => {
    const text = '{\n\t"db": "x.db",\n\t"compare": { "routes": { "GET /a": { "ignore": ["/x"] } } }\n}\n';
    const once = mergeRouteRules(text, 'c.json', [
      { route: 'GET /a', field: 'ignore', value: '/y' },
      { route: 'GET /a', field: 'ignore', value: '/x' },
      { route: 'GET /b', field: 'ignoreHeaders', value: 'server' },
    ]);
    expect(once.added).toHaveLength(2);
    expect(JSON.parse(once.text)).toEqual({ db: 'x.db', compare: { routes: { 'GET /a': { ignore: ['/x', '/y'] }, 'GET /b': { ignoreHeaders: ['server'] } } } });
    expect(once.text.startsWith('{\n\t"db": "x.db",\n')).toBe(true);
    expect(mergeRouteRules(once.text, 'c.json', [{ route: 'GET /a', field: 'ignore', value: '/y' }]).text).toBe(once.text);
  });
});

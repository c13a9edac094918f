import { describe, expect, it } from 'vitest';
import { startServer } from '../../helpers/servers.js';
import { gets, recordAndReplay } from '../../helpers/replay.js';

/**
 * An httpbin-like server that echoes the address it was reached at, in JSON and in text, the way real
 * APIs build self links. `version` is the one real behaviour a candidate may change.
 */
function echoServer(version: number) {
  return startServer((req, res) => {
    const host = req.headers.host ?? '';
    const self = `http://${host}${req.url}`;
    if (req.url?.startsWith('/text')) {
      res.setHeader('content-type', 'text/plain');
      res.end(`served at ${self}\nversion ${version}\n`);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ url: self, headers: { Host: host }, links: { next: `${self}&page=2`, encoded: encodeURIComponent(self) }, version }));
  });
}

describe('origin mapping in bodies', () => {
  it('reads the target\'s own origin as the recorded upstream\'s: echoed values pass, a real change in the same body is still flagged', async () => {
    const staging = await echoServer(1);
    const same = await echoServer(1);
    const changed = await echoServer(2);
    expect(same.port).not.toBe(staging.port);
    const script = gets('/get?a=1', '/get?a=2', '/text?a=1');

    const quiet = await recordAndReplay({ record: staging.url, target: same.url, script });
    expect(quiet.results.map((r) => r.verdict)).toEqual(['noise', 'noise', 'noise']);
    expect(quiet.outcome.exitCode).toBe(0);
    const filtered = quiet.results[0]!.comparison!.filtered;
    expect(filtered.map((d) => d.path).sort()).toEqual(['/headers/Host', '/links/encoded', '/links/next', '/url']);
    expect(new Set(filtered.map((d) => d.filteredBy))).toEqual(new Set([`origin mapping (${same.url} read as ${staging.url})`]));
    // Shown in the report: grouped as noise under the rule that applied.
    expect(quiet.outcome.summary.noiseChanges.map((c) => c.signatures[0]!.filteredBy)).toContainEqual([`origin mapping (${same.url} read as ${staging.url})`]);

    expect(quiet.stdout).toContain(`Origin mapping applied on 2 routes`);
    const real = await recordAndReplay({ record: staging.url, target: changed.url, script });
    expect(real.results.map((r) => r.verdict)).toEqual(['regression', 'regression', 'regression']);
    expect(real.results[0]!.comparison!.differences.map((d) => `${d.path} ${d.change}`)).toEqual(['/version value changed']);
    // In text, a hunk of adjacent lines is one difference: the real change keeps it flagged whole.
    expect(real.results[2]!.comparison!.differences.map((d) => String(d.after))).toEqual([expect.stringContaining('version 2\n')]);
  });

  it('can be turned off (compare.mapOrigins: false): the echoed origin is then a regression', async () => {
    const staging = await echoServer(1);
    const other = await echoServer(1);
    const run = await recordAndReplay({ record: staging.url, target: other.url, script: gets('/get?a=1'), overrides: { compare: { mapOrigins: false } } });
    expect(run.results[0]!.verdict).toBe('regression');
    expect(run.results[0]!.comparison!.differences.map((d) => d.path)).toContain('/url');
  });
});

import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPage, reportData } from '../../../src/report/html/page.js';
import { clientScript } from '../../../src/report/html/client-script.js';
import { bundleClient } from '../../../scripts/bundle-client.js';
import type { RunSummary } from '../../../src/types.js';
import { makeRunInfo } from '../../helpers/factories.js';

const clientDir = path.resolve(import.meta.dirname, '../../../src/report/html/client');

function summary(): RunSummary {
  const counts = { total: 0, pass: 0, noise: 0, regression: 0, unreproduced: 0, error: 0, skipped: 0 };
  return { run: makeRunInfo(), counts, exitCode: 0, exitReason: 'ok', durationMs: 1, routes: [], signatures: [], changes: [], noiseChanges: [], learnedNoise: [], unreproduced: [], noiseTests: null, latency: [] };
}

describe('the report client bundle', () => {
  it('is what esbuild makes of src/report/html/client now (vitest global setup wrote it)', async () => {
    expect(clientScript()).toBe(await bundleClient());
  });

  it('is one self-contained script: no module syntax, no Node, nothing fetched', () => {
    const code = clientScript();
    expect(code.startsWith('"use strict";\n(() => {')).toBe(true);
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect(code).not.toMatch(/\brequire\(|\bprocess\.|\bBuffer\b|\bfetch\(|XMLHttpRequest|innerHTML/);
    expect(code).not.toMatch(/<\/script|<!--/i);
  });

  it('bundles every client module (one file per view), with the server formatters it shares', () => {
    const code = clientScript();
    const modules = readdirSync(clientDir).filter((f) => f.endsWith('.ts'));
    expect(modules.length).toBeGreaterThanOrEqual(10);
    for (const f of modules) expect(code).toContain(`// src/report/html/client/${f}`);
    expect(code).toContain('// src/report/plain-format.ts');
    expect(code).toContain('function formatPercent(');
  });

  it('is inlined in the page and pinned by its hash in the CSP, with no other script allowed', () => {
    const html = renderPage(reportData(summary(), { groups: [], examples: [], caps: { examplesPerGroup: 5, bodyCapBytes: 32768, examplesNotEmbedded: 0, budgetReached: false, groupsDropped: 0 } }, 0));
    const code = clientScript();
    expect(html).toContain(`<script>${code}</script>`);
    const hash = createHash('sha256').update(code, 'utf8').digest('base64');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
  });
});

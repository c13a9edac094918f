import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { defaultConfig } from '../../../src/config/resolve-config.js';
import type { ReporterContext } from '../../../src/report/reporter.js';

/** A reporter context over a fresh temp dir, with stdout captured into `output()`. */
export async function testContext(overrides: Partial<ReporterContext> = {}): Promise<ReporterContext & { output(): string }> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'rg-report-unit-'));
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { outDir, config: defaultConfig(), stdout, isTTY: false, githubStepSummary: null, ...overrides, output: () => text };
}

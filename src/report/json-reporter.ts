import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary } from '../types.js';
import type { Reporter, ReporterContext } from './reporter.js';
import { REPORT_FILES } from './report-files.js';

/** Bumped when a field of summary.json changes meaning, so scripts reading it can tell. */
export const SUMMARY_JSON_VERSION = 1;

export type SummaryJson = RunSummary & { version: typeof SUMMARY_JSON_VERSION };

/** `summary.json`: the RunSummary as data for scripts and dashboards. */
export function createJsonReporter(ctx: ReporterContext): Reporter {
  return {
    name: 'json',
    async onRunEnd(summary) {
      const doc: SummaryJson = { version: SUMMARY_JSON_VERSION, ...summary };
      await writeFile(path.join(ctx.outDir, REPORT_FILES.json), `${JSON.stringify(doc, null, 2)}\n`, 'utf8');
    },
  };
}

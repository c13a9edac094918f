import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunSummary } from '../types.js';
import { createGroupAccumulator, type GroupAccumulatorOptions } from './html/groups.js';
import { renderPage, reportData } from './html/page.js';
import type { Reporter, ReporterContext } from './reporter.js';
import { REPORT_FILES } from './report-files.js';

/**
 * `report.html`: groups are accumulated as results arrive (bounded: counts for all, a few decoded
 * examples per group), the page is written once at the end when the summary is known.
 */
export function createHtmlReporter(ctx: ReporterContext, options: GroupAccumulatorOptions & { now?: () => number } = {}): Reporter {
  const acc = createGroupAccumulator(options);
  return {
    name: 'html',
    onResult(result) {
      acc.add(result);
    },
    async onRunEnd(summary: RunSummary) {
      const html = renderPage(reportData(summary, acc.snapshot(), (options.now ?? Date.now)()));
      await writeFile(path.join(ctx.outDir, REPORT_FILES.html), html, 'utf8');
    },
  };
}

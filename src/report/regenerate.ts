import path from 'node:path';
import type { Config } from '../config/schema.js';
import { findFinishedRun } from '../store/find-run.js';
import { openResultsStore, resultsLocation } from '../store/open-store.js';
import type { RunSummary } from '../types.js';
import { driveReporters } from './drive-reporters.js';
import { createReporters, REPORT_FILES } from './reporter.js';

export interface RegenerateOptions {
  /** Folder holding results.db; the reports are written there too. */
  outDir: string;
  /** `latest` or a run id. @default 'latest' */
  run?: string;
  /** @default ['html', 'json', 'junit', 'markdown'] */
  reporters?: string[];
  stdout?: NodeJS.WritableStream;
}

/**
 * Rebuild the reports of a stored run from results.db alone, feeding the reporters the same hooks a
 * live replay does (so both give the same files).
 */
export async function regenerateReport(options: RegenerateOptions): Promise<{ summary: RunSummary; reportPath: string }> {
  const outDir = path.resolve(options.outDir);
  // Read-only: a missing file is RG_ERR_DB_NOT_FOUND, never an empty database created on the spot.
  const store = await openResultsStore(resultsLocation(outDir), { readonly: true });
  try {
    const { run, summary, config } = await findFinishedRun(store, options.run ?? 'latest');
    const reporters = createReporters(options.reporters ?? ['html', 'json', 'junit', 'markdown'], {
      outDir,
      config: config as Config,
      stdout: options.stdout ?? process.stdout,
      isTTY: false,
      githubStepSummary: null,
    });
    // The same hooks a live replay drives; the stored summary supplies what only the live run knew
    // (learned noise, latency, the exit code).
    const { learnedNoise, unreproduced, noiseTests, latency, exitCode, exitReason, durationMs, approvals, oracle, stubs, metrics } = summary;
    await driveReporters(reporters, summary.run, store.results(run.id), {
      total: await store.countResults(run.id),
      extras: { learnedNoise, unreproduced, noiseTests, latency, exitCode, exitReason, durationMs, oracle, stubs, ...(approvals ? { approvals } : {}), ...(metrics ? { metrics } : {}) },
    });
    return { summary, reportPath: path.join(outDir, REPORT_FILES.html) };
  } finally {
    await store.close();
  }
}

import path from 'node:path';
import type { Config } from '../config/schema.js';
import type { ReplayResult, RunInfo, RunSummary } from '../types.js';
import { ReplayguardError, reasonOf } from '../errors.js';
import { createConsoleReporter } from './console-reporter.js';
import { createHtmlReporter } from './html-reporter.js';
import { createJsonReporter } from './json-reporter.js';
import { createJunitReporter } from './junit-reporter.js';
import { createMarkdownReporter } from './markdown-reporter.js';
import { createMetricsFileReporter } from './metrics-file-reporter.js';
import { REPORT_FILES } from './report-files.js';

/** What every reporter is given; reporters read nothing else (no process.env, no process.stdout). */
export interface ReporterContext {
  /** Absolute folder the reporter writes into; it exists. */
  outDir: string;
  config: Readonly<Config>;
  /** Console output goes here, never to process.stdout directly. */
  stdout: NodeJS.WritableStream;
  isTTY: boolean;
  /** Path from $GITHUB_STEP_SUMMARY, resolved by the caller; `null` outside GitHub Actions. */
  githubStepSummary: string | null;
}

/**
 * Optional lifecycle hooks, in the manner of vitest's reporters. Results are data: a reporter only
 * renders what it is handed and never influences the verdict or the exit code.
 */
export interface Reporter {
  readonly name: string;
  /** `total` = exchanges expected. */
  onRunStart?(run: RunInfo, total: number): void | Promise<void>;
  /** Once per result, in arrival order, possibly 100k+ times: memory must stay bounded. */
  onResult?(result: ReplayResult): void | Promise<void>;
  /**
   * Progress only, while results are still provisional (noise is being learned: their verdicts come
   * later, through onResult). Lets a console show a live line during a long replay.
   */
  onProgress?(result: ReplayResult): void;
  /** `summary.learnedNoise` and `summary.latency` may be empty arrays. */
  onRunEnd?(summary: RunSummary): void | Promise<void>;
}

export { REPORT_FILES } from './report-files.js';

type Factory = (ctx: ReporterContext, names: readonly string[]) => Reporter;

const registry: Record<string, Factory> = {
  console: (ctx, names) =>
    createConsoleReporter(ctx, { reportPath: names.includes('html') ? path.join(ctx.outDir, REPORT_FILES.html) : null }),
  json: (ctx) => createJsonReporter(ctx),
  junit: (ctx) => createJunitReporter(ctx),
  markdown: (ctx) => createMarkdownReporter(ctx),
  html: (ctx) => createHtmlReporter(ctx),
  prometheus: (ctx) => createMetricsFileReporter(ctx),
};

export const REPORTER_NAMES: readonly string[] = Object.keys(registry);

/** Reporters by name, in the order given; an unknown name is a usage error (exit 2). */
export function createReporters(names: string[], ctx: ReporterContext): Reporter[] {
  const unique = [...new Set(names)];
  return unique.map((name) => {
    const factory = registry[name];
    if (!factory) {
      throw new ReplayguardError('RG_ERR_USAGE', {
        details: `unknown reporter "${name}" (known: ${REPORTER_NAMES.join(', ')})`,
        command: 'replay',
      });
    }
    return withWriteErrors(factory(ctx, unique), ctx.outDir);
  });
}

/**
 * A reporter that cannot write its file (a read-only folder, a directory in the way, a full disk)
 * fails with a catalogue error naming the file; anything else it throws is left alone (a bug).
 */
function withWriteErrors(reporter: Reporter, outDir: string): Reporter {
  const wrap = <A extends unknown[]>(hook: ((...args: A) => void | Promise<void>) | undefined): ((...args: A) => Promise<void>) | undefined =>
    hook &&
    (async (...args: A) => {
      try {
        await hook.apply(reporter, args);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (typeof err.code !== 'string' || !err.syscall) throw e;
        throw new ReplayguardError('RG_ERR_REPORT_WRITE', { reporter: reporter.name, file: err.path ?? outDir, dir: outDir, reason: reasonOf(e) }, { cause: e });
      }
    });
  return { ...reporter, onRunStart: wrap(reporter.onRunStart), onResult: wrap(reporter.onResult), onRunEnd: wrap(reporter.onRunEnd) };
}

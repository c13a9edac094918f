import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { ReplayResult, RunSummary } from '../types.js';
import { routeKey } from './format.js';
import { changesSuiteXml, latencySuiteXml, metricsSuiteXml, testcaseXml } from './junit-testcase.js';
import type { Reporter, ReporterContext } from './reporter.js';
import { escapeXmlAttr } from './xml-escape.js';
import { REPORT_FILES } from './report-files.js';

export interface JunitReporterOptions {
  /** Buffered testcase XML (all routes together) before it is appended to the per-route files. @default 256 KiB */
  flushBytes?: number;
}

interface SuiteState {
  name: string;
  file: string;
  pending: string[];
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  timeMs: number;
}

/**
 * `junit.xml` with one `<testsuite>` per route. Suites must be contiguous but results arrive
 * interleaved, so each testcase is appended to a per-route temp file (buffered, a few appends per
 * flush, no file handle kept open, so 1,000 routes need no 1,000 descriptors); at the end the files are
 * concatenated between the suite tags, whose counts are known by then. Memory: counts per route plus
 * the buffer.
 */
export function createJunitReporter(ctx: ReporterContext, options: JunitReporterOptions = {}): Reporter {
  const flushBytes = options.flushBytes ?? 256 * 1024;
  const suites = new Map<string, SuiteState>();
  let tmpDir: string | null = null;
  let buffered = 0;
  let flushing: Promise<void> = Promise.resolve();

  async function ensureTmp(): Promise<string> {
    tmpDir ??= await mkdtemp(path.join(ctx.outDir, '.junit-'));
    return tmpDir;
  }

  function flush(): Promise<void> {
    const batch = [...suites.values()].filter((s) => s.pending.length).map((s) => [s, s.pending.splice(0).join('')] as const);
    buffered = 0;
    // Chained so appends for one route land in arrival order even when a caller does not await.
    flushing = flushing.then(async () => {
      const dir = await ensureTmp();
      for (const [s, text] of batch) await appendFile(path.join(dir, s.file), text, 'utf8');
    });
    return flushing;
  }

  return {
    name: 'junit',
    onResult(r: ReplayResult) {
      const key = routeKey(r.method, r.route);
      let s = suites.get(key);
      if (!s) {
        s = { name: key, file: `suite-${suites.size}.xml`, pending: [], tests: 0, failures: 0, errors: 0, skipped: 0, timeMs: 0 };
        suites.set(key, s);
      }
      s.tests++;
      if (r.verdict === 'regression' || r.verdict === 'unreproduced') s.failures++;
      else if (r.verdict === 'error') s.errors++;
      else if (r.verdict === 'skipped') s.skipped++;
      s.timeMs += r.candidate?.timing.totalMs ?? 0;
      const xml = testcaseXml(r);
      s.pending.push(xml);
      buffered += xml.length;
      if (buffered >= flushBytes) return flush();
    },
    async onRunEnd(summary: RunSummary) {
      await flush();
      const out = createWriteStream(path.join(ctx.outDir, REPORT_FILES.junit), { encoding: 'utf8' });
      const write = async (text: string) => {
        if (!out.write(text)) await once(out, 'drain');
      };
      const flagged = summary.latency.filter((l) => l.flagged).length;
      const metrics = summary.metrics ?? [];
      let tests = flagged + summary.changes.length + metrics.length;
      let failures = flagged + summary.changes.length + metrics.filter((m) => m.flagged).length;
      let errors = 0;
      let skipped = 0;
      for (const s of suites.values()) {
        tests += s.tests;
        failures += s.failures;
        errors += s.errors;
        skipped += s.skipped;
      }
      try {
        await write('<?xml version="1.0" encoding="UTF-8"?>\n');
        await write(
          `<testsuites name="replayguard" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${(summary.durationMs / 1000).toFixed(3)}">\n`,
        );
        await write(changesSuiteXml(summary.changes));
        for (const s of suites.values()) {
          await write(
            `  <testsuite name="${escapeXmlAttr(s.name)}" tests="${s.tests}" failures="${s.failures}" errors="${s.errors}" skipped="${s.skipped}" time="${(s.timeMs / 1000).toFixed(3)}">\n`,
          );
          if (tmpDir) for await (const chunk of createReadStream(path.join(tmpDir, s.file), { encoding: 'utf8' })) await write(chunk as string);
          await write('  </testsuite>\n');
        }
        await write(latencySuiteXml(summary.latency));
        await write(metricsSuiteXml(summary.metrics));
        await write('</testsuites>\n');
      } finally {
        out.end();
        await once(out, 'close');
        if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
        tmpDir = null;
      }
    },
  };
}

import path from 'node:path';
import type { Statement } from 'better-sqlite3';
import type { ObservedResponse, RecordedResponse, ReplayResult, RunInfo, RunSummary, StoredBody, VerdictCounts } from '../types.js';
import { migrate, type Migration } from './migrations.js';
import { openSqlite, type SqliteDatabase } from './sqlite-open.js';
import type { NewRun, ResultsStore, StoredRun, StoreOpenOptions } from './store.js';
import { storedForm } from './stored-result.js';

/** 'RGrs' — marks a file as a replayguard results database. */
export const RESULTS_APPLICATION_ID = 0x52477273;

export const resultsMigrations: Migration[] = [
  {
    version: 1,
    description: 'runs and results',
    up: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        target TEXT NOT NULL,
        baseline TEXT,
        recordings_db TEXT NOT NULL,
        session TEXT NOT NULL,
        config_fingerprint TEXT NOT NULL,
        config TEXT NOT NULL,
        counts TEXT,
        summary TEXT,
        exit_code INTEGER
      );
      CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        exchange_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        method TEXT NOT NULL,
        url TEXT NOT NULL,
        route TEXT NOT NULL,
        verdict TEXT NOT NULL,
        data TEXT NOT NULL,
        req_body BLOB,
        recorded_body BLOB,
        candidate_body BLOB,
        baseline_body BLOB
      );
      CREATE INDEX results_by_run ON results (run_id, seq);
      CREATE INDEX results_by_exchange ON results (run_id, exchange_id);
      CREATE INDEX results_by_verdict ON results (run_id, verdict, route);`,
  },
];

const NO_COUNTS: VerdictCounts = { pass: 0, noise: 0, regression: 0, unreproduced: 0, error: 0, skipped: 0, total: 0 };

interface RunRow {
  id: number;
  started_at: number;
  ended_at: number | null;
  target: string;
  baseline: string | null;
  recordings_db: string;
  session: string;
  config_fingerprint: string;
  config: string;
  counts: string | null;
  summary: string | null;
  exit_code: number | null;
}

/** A stored summary; runs stored before a field existed read with its empty value. */
function summaryOf(text: string): RunSummary {
  const s = JSON.parse(text) as RunSummary;
  return { ...s, unreproduced: s.unreproduced ?? [], changes: s.changes ?? [], noiseChanges: s.noiseChanges ?? [], noiseTests: s.noiseTests ?? null, counts: { ...NO_COUNTS, ...s.counts } };
}

function toRun(r: RunRow): RunInfo {
  return {
    id: r.id,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    target: r.target,
    baseline: r.baseline,
    recordingsDb: r.recordings_db,
    session: r.session,
    configFingerprint: r.config_fingerprint,
    counts: { ...NO_COUNTS, ...(r.counts ? (JSON.parse(r.counts) as Partial<VerdictCounts>) : {}) },
    exitCode: r.exit_code,
  };
}

/** Body bytes travel in BLOB columns; the JSON column holds everything else. */
function slimBody(b: StoredBody): { size: number; truncated: boolean; hasBytes: false } {
  return { size: b.size, truncated: b.truncated, hasBytes: false };
}

/** A passing result in its stored form (see storedForm), bodies marked as absent. */
function slimPass(r: ReplayResult): unknown {
  const s = storedForm(r);
  const slim = <T extends { body: StoredBody }>(x: T | null) => (x ? { ...x, body: slimBody(x.body) } : null);
  return { ...s, request: { ...s.request, body: slimBody(s.request.body) }, recorded: slim(s.recorded), candidate: slim(s.candidate), baseline: slim(s.baseline) };
}

/** `recorded`: the bytes equal the recorded body's, stored once (most results of a passing run). */
type HasBytes = boolean | 'recorded';

function sameBytes(a: Buffer | null | undefined, b: Buffer | null | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.equals(b);
}

function stripBody<T extends { body: StoredBody }>(r: T | null, recorded?: Buffer | null): (Omit<T, 'body'> & { body: Omit<StoredBody, 'bytes'> & { hasBytes: HasBytes } }) | null {
  if (!r) return null;
  const hasBytes: HasBytes = r.body.bytes === null ? false : sameBytes(r.body.bytes, recorded) ? 'recorded' : true;
  return { ...r, body: { size: r.body.size, truncated: r.body.truncated, hasBytes } };
}

function withBody<T>(r: (T & { body: { size: number; truncated: boolean; hasBytes: HasBytes } }) | null, bytes: Buffer | null, recorded: Buffer | null = null): (T & { body: StoredBody }) | null {
  if (!r) return null;
  const { hasBytes, ...rest } = r.body;
  const stored = hasBytes === 'recorded' ? recorded : hasBytes ? bytes : null;
  return { ...r, body: { ...rest, bytes: hasBytes ? (stored ?? Buffer.alloc(0)) : null } };
}

/** `<out>/results.db`: one row per run, one per replayed exchange. Reports are regenerated from it. */
export class SqliteResultsStore implements ResultsStore {
  readonly location: string;
  private readonly db: SqliteDatabase;
  private insert?: Statement;

  constructor(file: string, options: StoreOpenOptions = {}) {
    this.location = path.resolve(file);
    // Checked and migrated before anything is written (as the recordings store does), so a foreign or
    // newer file is refused untouched.
    this.db = openSqlite(this.location, {
      readonly: options.readonly ?? false,
      prepare: (db) => migrate(db, resultsMigrations, { file: this.location, applicationId: RESULTS_APPLICATION_ID }),
    });
  }

  async createRun(run: NewRun): Promise<RunInfo> {
    const info = this.db
      .prepare('INSERT INTO runs (started_at, target, baseline, recordings_db, session, config_fingerprint, config) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(run.startedAt, run.target, run.baseline, run.recordingsDb, run.session, run.configFingerprint, JSON.stringify(run.config));
    const { config: _config, ...fields } = run;
    return { ...fields, id: Number(info.lastInsertRowid), endedAt: null, counts: { ...NO_COUNTS }, exitCode: null };
  }

  /** One transaction per batch. */
  async append(results: readonly ReplayResult[]): Promise<void> {
    this.insert ??= this.db.prepare(
      `INSERT INTO results (run_id, exchange_id, seq, method, url, route, verdict, data, req_body, recorded_body, candidate_body, baseline_body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insert = this.insert;
    this.db.transaction(() => {
      for (const r of results) {
        if (r.verdict === 'pass') {
          insert.run(r.runId, r.exchangeId, r.seq, r.method, r.url, r.route, r.verdict, JSON.stringify(slimPass(r)), null, null, null, null);
          continue;
        }
        const data = {
          ...r,
          request: { ...r.request, body: { size: r.request.body.size, truncated: r.request.body.truncated, hasBytes: r.request.body.bytes !== null } },
          recorded: stripBody(r.recorded),
          candidate: stripBody(r.candidate, r.recorded?.body.bytes),
          baseline: stripBody(r.baseline, r.recorded?.body.bytes),
        };
        insert.run(
          r.runId, r.exchangeId, r.seq, r.method, r.url, r.route, r.verdict, JSON.stringify(data),
          r.request.body.bytes, r.recorded?.body.bytes ?? null,
          data.candidate?.body.hasBytes === true ? r.candidate!.body.bytes : null,
          data.baseline?.body.hasBytes === true ? r.baseline!.body.bytes : null,
        );
      }
    })();
  }

  /**
   * Rewrite a result's verdict and comparison (bodies stay): learned noise is applied once the whole
   * run was seen, after the results were first stored.
   */
  async reclassify(results: readonly ReplayResult[]): Promise<void> {
    const update = this.db.prepare('UPDATE results SET verdict = ?, data = json_set(data, \'$.verdict\', ?, \'$.comparison\', json(?)) WHERE run_id = ? AND exchange_id = ?');
    this.db.transaction(() => {
      for (const r of results) update.run(r.verdict, r.verdict, JSON.stringify(r.comparison), r.runId, r.exchangeId);
    })();
  }

  async finishRun(summary: RunSummary): Promise<void> {
    this.db
      .prepare('UPDATE runs SET ended_at = ?, counts = ?, summary = ?, exit_code = ? WHERE id = ?')
      .run(summary.run.endedAt ?? Date.now(), JSON.stringify(summary.counts), JSON.stringify(summary), summary.exitCode, summary.run.id);
  }

  async findRun(ref: string): Promise<StoredRun | undefined> {
    const row = (
      ref === 'latest'
        ? this.db.prepare('SELECT * FROM runs ORDER BY id DESC LIMIT 1').get()
        : /^\d+$/.test(ref)
          ? this.db.prepare('SELECT * FROM runs WHERE id = ?').get(Number(ref))
          : undefined
    ) as RunRow | undefined;
    if (!row) return undefined;
    return { run: toRun(row), summary: row.summary ? summaryOf(row.summary) : null, config: JSON.parse(row.config) };
  }

  async listRuns(): Promise<RunInfo[]> {
    return (this.db.prepare('SELECT * FROM runs ORDER BY id').all() as RunRow[]).map(toRun);
  }

  async countResults(runId: number): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM results WHERE run_id = ?').get(runId) as { n: number }).n;
  }

  /** Results of a run in exchange order, paged so memory stays flat. */
  async *results(runId: number, options: { batchSize?: number } = {}): AsyncIterable<ReplayResult> {
    const batchSize = options.batchSize ?? 256;
    // Results are inserted as exchanges finish (concurrently, so out of order); keyset pagination on
    // (seq, id) gives them back in recorded order, over the results_by_run index.
    const page = this.db.prepare('SELECT * FROM results WHERE run_id = ? AND (seq > ? OR (seq = ? AND id > ?)) ORDER BY seq, id LIMIT ?');
    let after = { seq: Number.MIN_SAFE_INTEGER, id: 0 };
    for (;;) {
      const rows = page.all(runId, after.seq, after.seq, after.id, batchSize) as Array<{
        id: number;
        seq: number;
        data: string;
        req_body: Buffer | null;
        recorded_body: Buffer | null;
        candidate_body: Buffer | null;
        baseline_body: Buffer | null;
      }>;
      for (const row of rows) {
        const d = JSON.parse(row.data) as ReplayResult & {
          request: ReplayResult['request'] & { body: { hasBytes: boolean } };
        };
        const reqBody = d.request.body as unknown as { size: number; truncated: boolean; hasBytes: boolean };
        yield {
          ...d,
          request: { ...d.request, body: { size: reqBody.size, truncated: reqBody.truncated, bytes: reqBody.hasBytes ? (row.req_body ?? Buffer.alloc(0)) : null } },
          recorded: withBody(d.recorded as unknown as (RecordedResponse & { body: { size: number; truncated: boolean; hasBytes: boolean } }) | null, row.recorded_body),
          candidate: withBody(d.candidate as unknown as (ObservedResponse & { body: { size: number; truncated: boolean; hasBytes: HasBytes } }) | null, row.candidate_body, row.recorded_body),
          baseline: withBody(d.baseline as unknown as (ObservedResponse & { body: { size: number; truncated: boolean; hasBytes: HasBytes } }) | null, row.baseline_body, row.recorded_body),
        };
      }
      if (rows.length < batchSize) return;
      const last = rows[rows.length - 1]!;
      after = { seq: last.seq, id: last.id };
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { configSchema } from '../config/schema.js';
import { ReplayguardError } from '../errors.js';
import { routeKey } from '../routes/route-key.js';
import { findFinishedRun } from '../store/find-run.js';
import { openRecordingStore, openResultsStore, resolveLocation, resultsLocation } from '../store/open-store.js';
import type { RecordingStore } from '../store/store.js';
import type { Approval, SessionInfo } from '../types/exchange.js';
import type { Change } from '../types/run.js';
import { approverName } from './approver.js';
import { mergeRouteRules } from './config-merge.js';
import { noiseApproval, type NoiseApproval } from './noise-approval.js';
import { writeRevision } from './write-revision.js';
import { createApprovalSelector, type ApprovalSelection, type Refusal } from './select-approved.js';

export interface ApproveOptions {
  /** The replay's `--out` folder (its results.db). */
  outDir: string;
  /** @default 'latest' */
  run?: string;
  selection: ApprovalSelection;
  /** `behaviour`: a new revision of the session carries the candidate's responses; `noise`: rules in the config. @default 'behaviour' */
  as?: 'behaviour' | 'noise';
  /** Say what would change, change nothing. @default false */
  dryRun?: boolean;
  /** Resolved configuration (`db` is where the recordings are). */
  config: Readonly<Config>;
  /** The configuration file `--as noise` merges into. @default `<cwd>/replayguard.config.json` */
  configFile?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** @default Date.now */
  now?: () => number;
}

export interface ApproveOutcome {
  as: 'behaviour' | 'noise';
  dryRun: boolean;
  run: number;
  /** The session the run replayed (`nightly`, `nightly@2`). */
  session: string;
  changes: Change[];
  /** Exchanges whose candidate response is approved (behaviour). */
  exchanges: number;
  refused: Refusal[];
  /** The revision written (behaviour, not a dry run). */
  revision: SessionInfo | null;
  /** Rules for the config (noise): those to add, and signatures no rule can express. */
  rules: NoiseApproval | null;
  /** The config file written (noise, not a dry run). */
  configFile: string | null;
  /** The approval as recorded (not a dry run). */
  approval: Approval | null;
}

/** `name@1` for a session name without a revision: the run replayed exactly that revision. */
function exactRevision(name: string): string {
  return /@\d+$/.test(name) ? name : `${name}@1`;
}

/**
 * Approve changes a replay found, in one step. Reads only the run's results (which keep each
 * regression's full candidate response), so the candidate need not be running. `behaviour` writes a
 * new revision of the replayed session (the old one is kept); `noise` merges the narrowest rules into
 * the configuration file. Either way the approval is recorded beside the recordings: who, when, from
 * which run, which changes. A dry run reads the same and writes nothing.
 */
export async function approve(options: ApproveOptions): Promise<ApproveOutcome> {
  const as = options.as ?? 'behaviour';
  const dryRun = options.dryRun ?? false;
  const cwd = options.cwd ?? process.cwd();
  const now = options.now ?? Date.now;
  const resultsFile = resultsLocation(path.resolve(cwd, options.outDir));
  const results = await openResultsStore(resultsFile, { readonly: true });
  try {
    const { run, summary } = await findFinishedRun(results, options.run ?? 'latest');
    const selector = createApprovalSelector(summary, options.selection);

    // First pass: judge every result (nothing kept but sequence numbers and small example values).
    const approved = new Set<number>();
    const refused: Refusal[] = [];
    const truncated: string[] = [];
    const examples = new Map<string, { before?: unknown; after?: unknown }>();
    for await (const r of results.results(run.id)) {
      const verdict = selector.judge(r);
      if (verdict === 'skip') continue;
      if (verdict !== 'approve') {
        refused.push(verdict);
        continue;
      }
      approved.add(r.seq);
      if (r.candidate!.body.truncated) truncated.push(`${r.method} ${r.url} (${r.candidate!.body.bytes?.length ?? 0} of ${r.candidate!.body.size} bytes kept)`);
      for (const d of r.comparison?.differences ?? []) {
        const key = `${routeKey(r.method, r.route)}\0${d.signature}`;
        if (!examples.has(key)) examples.set(key, { ...('before' in d ? { before: d.before } : {}), ...('after' in d ? { after: d.after } : {}) });
      }
    }
    const base = { as, dryRun, run: run.id, session: run.session, changes: [...selector.changes], refused, revision: null, rules: null, configFile: null, approval: null };

    if (as === 'noise') {
      const rules = noiseApproval(selector.changes, (route, signature) => examples.get(`${route}\0${signature}`));
      const configFile = path.resolve(cwd, options.configFile ?? 'replayguard.config.json');
      if (dryRun || rules.additions.length === 0) return { ...base, exchanges: 0, rules };
      const before = existsSync(configFile) ? readFileSync(configFile, 'utf8') : '';
      const merged = mergeRouteRules(before, configFile, rules.additions);
      const check = configSchema.safeParse(JSON.parse(merged.text));
      if (!check.success) throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: `the merged rules do not validate (${check.error.issues[0]?.message ?? 'invalid'}); the file was left unchanged`, source: configFile });
      const approval = await withStore(options, (store) => logApproval(store, options, { session: run.session, run: run.id, results: resultsFile, as, changes: selector.changes, exchanges: 0, at: now() }));
      const tmp = `${configFile}.${process.pid}.tmp`;
      writeFileSync(tmp, merged.text.endsWith('\n') ? merged.text : `${merged.text}\n`);
      renameSync(tmp, configFile);
      return { ...base, exchanges: 0, rules, configFile, approval };
    }

    if (truncated.length) {
      throw new ReplayguardError('RG_ERR_APPROVE_TRUNCATED', { count: truncated.length, first: truncated[0]!, out: options.outDir });
    }
    if (dryRun || approved.size === 0) return { ...base, exchanges: approved.size };

    return await withStore(options, async (store) => {
      const replayed = await store.findSession(exactRevision(run.session));
      if (!replayed) throw new ReplayguardError('RG_ERR_SESSION_NOT_FOUND', { session: run.session, file: store.location });
      const revision = await writeRevision(store, replayed, results.results(run.id), approved, now());
      const approval = await logApproval(store, options, { session: revision.name, run: run.id, results: resultsFile, as, changes: selector.changes, exchanges: approved.size, at: now() });
      return { ...base, exchanges: approved.size, revision, approval };
    });
  } finally {
    await results.close();
  }
}

async function withStore<T>(options: ApproveOptions, fn: (store: RecordingStore) => Promise<T>): Promise<T> {
  const store = await openRecordingStore(resolveLocation(options.config.db, options.cwd ?? process.cwd()));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Who approved what, when, from which run: kept beside the recordings, shown by `ls` and later reports. */
async function logApproval(
  store: RecordingStore,
  options: ApproveOptions,
  a: { session: string; run: number; results: string; as: 'behaviour' | 'noise'; changes: readonly Change[]; exchanges: number; at: number },
): Promise<Approval> {
  const found = await store.findSession(exactRevision(a.session));
  return store.addApproval({
    session: found?.baseName ?? found?.name ?? a.session.replace(/@\d+$/, ''),
    revision: found?.revision ?? 1,
    as: a.as,
    by: approverName(options.env ?? process.env, options.cwd ?? process.cwd()),
    at: a.at,
    run: a.run,
    results: a.results,
    changes: a.changes.map((c) => ({ id: c.id, title: c.title })),
    exchanges: a.exchanges,
  });
}

/**
 * The one catalogue of replayguard errors. Every error the project raises on purpose has a code
 * (`RG_ERR_*`), a message that names the cause, a hint that names the fix, and the exit code the CLI
 * uses for it. The original error is kept as `cause`.
 */

export type ErrorCode = keyof typeof catalogue;

interface CatalogueEntry {
  /** What went wrong; `{name}` placeholders are filled from the params. */
  message: string;
  /** How to fix it. */
  hint: string;
  /** Process exit code the CLI maps this error to. */
  exit: 1 | 2;
}

export const catalogue = {
  RG_ERR_CONFIG_INVALID: {
    message: 'invalid configuration: {details}',
    hint: 'fix the key named above in {source}; `replayguard --help` and schema/replayguard.config.schema.json list every key',
    exit: 2,
  },
  RG_ERR_CONFIG_UNREADABLE: {
    message: 'cannot read configuration file {file}: {reason}',
    hint: 'check the path given to --config, or remove the flag to use the defaults',
    exit: 2,
  },
  RG_ERR_USAGE: {
    message: '{details}',
    hint: 'run `replayguard {command} --help` for the accepted flags',
    exit: 2,
  },
  RG_ERR_DB_OPEN: {
    message: 'cannot open database {file}: {reason}',
    hint: 'check that the file exists, is a replayguard database and is readable (and writable when recording)',
    exit: 2,
  },
  RG_ERR_DB_NOT_FOUND: {
    message: 'recordings database {file} does not exist',
    hint: 'record traffic first with `replayguard record --upstream URL`, or pass --db with the right path',
    exit: 2,
  },
  RG_ERR_DB_TOO_NEW: {
    message: 'database {file} has schema version {found}, newer than this replayguard understands ({supported})',
    hint: 'upgrade replayguard to the version that wrote this file',
    exit: 2,
  },
  RG_ERR_DB_NOT_REPLAYGUARD: {
    message: '{file} is not a replayguard database ({reason})',
    hint: 'point --db at a file written by `replayguard record`',
    exit: 2,
  },
  RG_ERR_DB_UNREACHABLE: {
    message: 'cannot reach PostgreSQL at {url}: {reason}',
    hint: 'start the server or fix the URL given to --db (or $REPLAYGUARD_DB); the user needs CONNECT on the database (and CREATE on it the first time, to make the schema)',
    exit: 2,
  },
  RG_ERR_MERGE_INPUT: {
    message: '{dir} is not the output of a sharded replay ({reason})',
    hint: 'pass the --out folders written by `replayguard replay --shard i/n`, one per shard, after each finished',
    exit: 2,
  },
  RG_ERR_MERGE_MISMATCH: {
    message: 'these shard outputs do not make one run: {details}',
    hint: 'merge the outputs of one replay split with --shard i/n: the same session, configuration and replayguard version, every part exactly once',
    exit: 2,
  },
  RG_ERR_STORE_UNSUPPORTED: {
    message: 'no storage backend for {scheme}:// locations in this build ({location})',
    hint: 'pass a file path to --db for the SQLite store, or use a replayguard build that ships the {scheme} backend',
    exit: 2,
  },
  RG_ERR_SESSION_NOT_FOUND: {
    message: 'session "{session}" not found in {file}',
    hint: 'run `replayguard ls --db {file}` to see the recorded sessions',
    exit: 2,
  },
  RG_ERR_SESSION_EMPTY: {
    message: 'session "{session}" in {file} holds no exchanges',
    hint: 'record traffic through the proxy first, or pick another session with --session',
    exit: 2,
  },
  RG_ERR_APPROVE_TRUNCATED: {
    message: 'cannot approve faithfully: the candidate response of {count} approved exchange(s) was stored truncated, e.g. {first}',
    hint: 'raise record.maxBodyBytes (what a regression keeps of the candidate body), replay again, and approve from that run ({out})',
    exit: 2,
  },
  RG_ERR_APPROVE_STALE: {
    message: 'session "{session}" no longer matches the run being approved (exchange seq {seq} differs from the one replayed)',
    hint: 'replay the session again and approve from the new run',
    exit: 2,
  },
  RG_ERR_HAR_INVALID: {
    message: 'cannot import {file}: {reason}',
    hint: 'pass a HAR 1.2 file (DevTools: Network → Export HAR; Playwright: recordHar; mitmproxy: --set hardump=FILE)',
    exit: 2,
  },
  RG_ERR_HAR_WRITE: {
    message: 'cannot write the HAR file {file}: {reason}',
    hint: 'pass --har a path in a folder that exists and is writable',
    exit: 2,
  },
  RG_ERR_LISTEN: {
    message: 'cannot listen on {address}: {reason}',
    hint: 'pick a free port with --port (0 picks one for you) or stop what is using it',
    exit: 2,
  },
  RG_ERR_TARGET_UNREACHABLE: {
    message: 'target {url} is unreachable: the first {count} requests all failed ({reason})',
    hint: 'start the candidate build and check the URL given to --target (or --baseline)',
    exit: 2,
  },
  RG_ERR_RUN_NOT_FOUND: {
    message: 'run "{run}" not found in {file}',
    hint: 'run `replayguard replay` first, or pass --run latest',
    exit: 2,
  },
  RG_ERR_OUT_DIR: {
    message: 'cannot write results into {dir}: {reason}',
    hint: 'pass a writable folder with --out',
    exit: 2,
  },
  RG_ERR_WRITER_START: {
    message: 'the recording writer for {file} failed before it was ready: {reason}',
    hint: 'check that --db names a writable file on a local disk; the cause above says what the thread met',
    exit: 2,
  },
  RG_ERR_SHADOW_START: {
    message: 'the live shadow for {dir} failed before it was ready: {reason}',
    hint: 'check that --shadow-out (record.shadow.out) names a writable folder on a local disk; the cause above says what the shadow process met',
    exit: 2,
  },
  RG_ERR_SHADOW_STOPPED: {
    message: 'the live shadow cannot summarize: {reason}',
    hint: 'the recorder keeps forwarding and recording; shadow results stop here. Its log says why the shadow process stopped or the summary failed; restart the recorder to shadow again',
    exit: 2,
  },
  RG_ERR_REPORT_CLIENT_MISSING: {
    message: 'the HTML report script is missing ({file}: {reason})',
    hint: 'run `npm run build` (it bundles src/report/html/client), or reinstall replayguard',
    exit: 2,
  },
  RG_ERR_README_MARKERS: {
    message: 'README.md lacks the configuration reference markers {start} ... {end}',
    hint: 'put the two marker lines back around the configuration reference, then run `npm run schema`',
    exit: 2,
  },
  RG_ERR_REDACTION_KEY: {
    message: 'cannot use the redaction key file {file}: {reason}',
    hint: 'make the folder writable (the recorder creates the file, mode 0600), fix or delete the file, or set {env} to a key of at least 16 characters',
    exit: 2,
  },
  RG_ERR_DB_EMPTY: {
    message: '{file} is an empty file, not a recordings database yet',
    hint: 'record into it first (`replayguard record --db {file} --upstream URL`), or point --db at a file written by `replayguard record`',
    exit: 2,
  },
  RG_ERR_DB_CORRUPT: {
    message: 'database {file} is corrupt: {reason}',
    hint: "check it with `sqlite3 {file} 'PRAGMA integrity_check'`; restore the file from a copy or record the session again (whatever was replayed before the damage is in the reports)",
    exit: 2,
  },
  RG_ERR_REPORT_WRITE: {
    message: 'cannot write the {reporter} report {file}: {reason}',
    hint: 'make {dir} writable (and remove what is in the way of the file), then regenerate the reports from results.db with `replayguard report --out {dir}`',
    exit: 2,
  },
  RG_ERR_FAULT_PLAN: {
    message: 'cannot use the fault plan {file}: {reason}',
    hint: 'fix the file given to --faults (or stub.faults in the config); schema/replayguard.config.schema.json describes a plan under stub.faults',
    exit: 2,
  },
  RG_ERR_STUB_STATS: {
    message: 'cannot read the stats of stub {url}: {reason}',
    hint: 'check that `replayguard stub` runs at {url} (its /__replayguard/stats must answer), or drop it from --stubs',
    exit: 2,
  },
  RG_ERR_TLS_FILE: {
    message: 'cannot read the TLS {what} {file}: {reason}',
    hint: 'check the path given to {flag} (a readable PEM file)',
    exit: 2,
  },
  RG_ERR_TLS_INVALID: {
    message: 'the TLS {what} in {file} cannot be used: {reason}',
    hint: '{fix}; the files are checked at startup and on every SIGHUP reload',
    exit: 2,
  },
  RG_ERR_TARGET_TLS: {
    message: 'TLS handshake with {url} failed for the first {count} requests ({reason})',
    hint: '{fix}, then run the replay again',
    exit: 2,
  },
} as const satisfies Record<string, CatalogueEntry>;

function fill(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => (key in params ? String(params[key]) : `{${key}}`));
}

/** An error replayguard raises on purpose: coded, with a fix, and an exit code for the CLI. */
export class ReplayguardError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly exitCode: 1 | 2;
  readonly params: Record<string, unknown>;

  constructor(code: ErrorCode, params: Record<string, unknown> = {}, options: { cause?: unknown } = {}) {
    const entry: CatalogueEntry = catalogue[code];
    super(fill(entry.message, params), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReplayguardError';
    this.code = code;
    this.hint = fill(entry.hint, params);
    this.exitCode = entry.exit;
    this.params = params;
  }

  /** One line for a person: cause, then fix. */
  describe(): string {
    return `${this.code}: ${this.message}\n  fix: ${this.hint}`;
  }
}

export function isReplayguardError(err: unknown): err is ReplayguardError {
  return err instanceof ReplayguardError;
}

/** The message of any thrown value, for errors that are not ours. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

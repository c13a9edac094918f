import { ReplayguardError } from '../errors.js';

/** Where replayguard's tables go when the URL names no `?schema=`. */
export const DEFAULT_PG_SCHEMA = 'replayguard';

const SOURCE = '--db, $REPLAYGUARD_DB or the configuration file';

export interface PgLocation {
  /** What node-postgres connects with: the URL less replayguard's own `schema` parameter. */
  connectionString: string;
  /** The schema holding replayguard's tables, a plain lower-case identifier. */
  schema: string;
  /** The URL with any password masked, for messages and reports. */
  display: string;
}

/** `--db` values naming a PostgreSQL server rather than an SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * Split `postgres://user@host:5432/db?schema=name` into what node-postgres needs and the schema.
 * The schema is restricted to a plain identifier: it is spliced into DDL, and quoting rules for
 * anything fancier are not worth the risk.
 */
export function parsePgLocation(url: string): PgLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: `db: "${maskPassword(url)}" is not a valid PostgreSQL URL (expected postgres://user@host:5432/dbname[?schema=replayguard])`, source: SOURCE });
  }
  const schema = parsed.searchParams.get('schema') ?? DEFAULT_PG_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: `db: ?schema=${schema} must be a lower-case identifier (letters, digits, _), e.g. ?schema=replayguard`, source: SOURCE });
  }
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  return { connectionString, schema, display: maskPassword(url) };
}

function maskPassword(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

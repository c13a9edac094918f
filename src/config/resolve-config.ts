import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { z } from 'zod';
import { ReplayguardError, reasonOf } from '../errors.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'replayguard.config.json';

/** A partial configuration, as flags or a programmatic caller give it. */
export type ConfigOverrides = {
  [K in keyof ConfigInput]?: ConfigInput[K] extends object ? Partial<NonNullable<ConfigInput[K]>> : ConfigInput[K];
};

export interface ResolveOptions {
  /** Path to a config file; when absent, `replayguard.config.json` in `cwd` is used if it exists. */
  configFile?: string;
  /** Values from flags (or a programmatic caller): win over the file and the environment. */
  overrides?: ConfigOverrides;
  /** Environment variables (REPLAYGUARD_DB, REPLAYGUARD_CONFIG). @default process.env */
  env?: Record<string, string | undefined>;
  /** @default process.cwd() */
  cwd?: string;
  /** Look for `replayguard.config.json` in `cwd` when no file is named. @default true */
  discover?: boolean;
}

export interface ResolvedConfig {
  config: Readonly<Config>;
  /** The file the configuration came from, if any. */
  file: string | null;
  /** sha256 of the resolved configuration (12 hex digits): the same settings give the same value. */
  fingerprint: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** Deep merge of plain objects; arrays and scalars from `over` replace those in `base`; undefined is skipped. */
export function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeConfig(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const key = i.path.length ? i.path.map(String).join('.') : '(top level)';
      const keys = i.code === 'unrecognized_keys' ? ` ${i.keys.map((k) => `"${k}"`).join(', ')}` : '';
      // zod reports a bad record key as "Invalid key in record"; the key's own issue says what is expected.
      const message = i.code === 'invalid_key' && i.issues.length ? `invalid key: ${i.issues.map((n) => n.message).join(', ')}` : i.message;
      return `${key}: ${message}${keys && !message.includes(keys.trim()) ? keys : ''}`;
    })
    .join('; ');
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ReplayguardError('RG_ERR_CONFIG_UNREADABLE', { file, reason: reasonOf(e) }, { cause: e });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: `not valid JSON (${reasonOf(e)})`, source: file }, { cause: e });
  }
  if (!isPlainObject(parsed)) {
    throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: 'the file must hold a JSON object', source: file });
  }
  return parsed;
}

function validate(input: Record<string, unknown>, source: string): Config {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ReplayguardError('RG_ERR_CONFIG_INVALID', { details: formatIssues(result.error), source }, { cause: result.error });
  }
  return result.data;
}

/**
 * Merge defaults, the config file, the environment and flags (in that order of precedence, last
 * wins), validate once, and freeze. Inner modules receive the result and never read argv or env.
 */
export function resolveConfig(options: ResolveOptions = {}): ResolvedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let file: string | null = null;
  const explicit = options.configFile ?? env.REPLAYGUARD_CONFIG;
  if (explicit) {
    file = path.resolve(cwd, explicit);
  } else if (options.discover !== false && existsSync(path.join(cwd, DEFAULT_CONFIG_FILE))) {
    file = path.join(cwd, DEFAULT_CONFIG_FILE);
  }

  let merged: Record<string, unknown> = {};
  if (file) {
    merged = readConfigFile(file);
    // Validate the file on its own first, so a bad key is blamed on the file, not on flags.
    validate(merged, file);
  }
  if (env.REPLAYGUARD_DB) merged = mergeConfig(merged, { db: env.REPLAYGUARD_DB });
  if (options.overrides) merged = mergeConfig(merged, options.overrides as Record<string, unknown>);
  const config = validate(merged, file ? `${file} or the command-line flags` : 'the command-line flags');
  const fingerprint = createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 12);
  return { config: deepFreeze(config), file, fingerprint };
}

/** Defaults only, for programmatic callers and tests. */
export function defaultConfig(overrides: ConfigOverrides = {}): Readonly<Config> {
  return resolveConfig({ overrides, env: {}, discover: false }).config;
}

import { InvalidArgumentError, type Command } from 'commander';

/** Flag value parsers: a bad value is a usage error that names the flag and the expected form. */

export function intArg(name: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max} (got "${v}")`);
    return n;
  };
}

export function fractionArg(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`${name} must be a number from 0 to 1, e.g. 0.25 (got "${v}")`);
    return n;
  };
}

export function numberArg(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number (got "${v}")`);
    return n;
  };
}

/** Repeatable flags collect into an array. */
export function collect(v: string, previous: string[] = []): string[] {
  return [...previous, v];
}

/** `Name: value` → [name, value]. */
export function headerArg(v: string, previous: Record<string, string> = {}): Record<string, string> {
  const colon = v.indexOf(':');
  if (colon <= 0) throw new InvalidArgumentError(`--header must look like "Name: value" (got "${v}")`);
  return { ...previous, [v.slice(0, colon).trim()]: v.slice(colon + 1).trim() };
}

/** `name=value` → { name: value } (the value may itself hold `=`; it is never echoed in the error). */
export function secretArg(v: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = v.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('--secret must look like "name=value", e.g. \'password=${PASSWORD}\'');
  return { ...previous, [v.slice(0, eq).trim()]: v.slice(eq + 1) };
}

/** The flags of the commands that read a stored run (`report`, `noise`). */
export interface StoredRunFlags {
  out: string;
  run: string;
}

export function storedRunOptions(command: Command): Command {
  return command
    .option('--out <dir>', 'folder holding results.db', 'replay-out')
    .option('--run <id>', 'run id or latest', 'latest');
}

import { readFileSync } from 'node:fs';

/** replayguard's version from its package.json (shown by --version, checked when shard outputs are merged). */
export function packageVersion(): string {
  // From src/ the package root is one level up; from dist/src, two.
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'replayguard') return pkg.version;
    } catch {
      // try the next layout
    }
  }
  return '0.0.0';
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogue, type ErrorCode } from '../../../src/errors.js';

const root = path.resolve(import.meta.dirname, '../../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

/** The `## RG_ERR_*` sections of docs/errors.md, each with the exit code it states. */
function documented(markdown: string): Map<string, number | undefined> {
  const sections = new Map<string, number | undefined>();
  for (const part of markdown.split(/^## /m).slice(1)) {
    const [heading = '', ...body] = part.split('\n');
    const exit = /^Exit code: (\d)$/m.exec(body.join('\n'));
    sections.set(heading.trim(), exit ? Number(exit[1]) : undefined);
  }
  return sections;
}

const codes = Object.keys(catalogue) as ErrorCode[];
const docs = read('docs/errors.md');
const sections = documented(docs);

describe('docs/errors.md', () => {
  it.each(codes)('documents %s with its exit code (add a "## CODE" section with "Exit code: N" when this fails)', (code) => {
    expect(sections.has(code)).toBe(true);
    expect(sections.get(code)).toBe(catalogue[code].exit);
  });

  it('documents no code the catalogue lacks, and each code once', () => {
    expect([...sections.keys()].filter((h) => !(h in catalogue))).toEqual([]);
    expect(docs.match(/^## /gm)).toHaveLength(sections.size);
  });

  it('the README names only codes that exist, and points at this page', () => {
    const readme = read('README.md');
    const named = new Set([...readme.matchAll(/RG_ERR_[A-Z_]+/g), ...docs.matchAll(/RG_ERR_[A-Z_]+/g)].map((m) => m[0]));
    expect([...named].filter((c) => !(c in catalogue))).toEqual([]);
    expect(readme).toContain('docs/errors.md');
  });
});

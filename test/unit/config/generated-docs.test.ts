import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_END, REFERENCE_START, renderReadme, renderSchema } from '../../../src/config/write-schema.js';

describe('generated configuration docs', () => {
  it('schema/replayguard.config.schema.json matches the zod schema (run `npm run schema` when this fails)', () => {
    expect(readFileSync('schema/replayguard.config.schema.json', 'utf8')).toBe(renderSchema());
  });

  it('the README configuration reference matches the schema (run `npm run schema` when this fails)', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toBe(renderReadme(readme));
    expect(readme).toContain('| `record.sample` | number | `1` |');
  });

  it('refuses a README without the reference markers, rather than write the reference nowhere', () => {
    for (const readme of ['# no markers', `${REFERENCE_START}\nonly the start`, `${REFERENCE_END}\nend before start\n${REFERENCE_START}`]) {
      expect(() => renderReadme(readme)).toThrow(expect.objectContaining({ code: 'RG_ERR_README_MARKERS' }));
    }
  });

  it('the JSON schema rejects unknown keys, as the validator does', () => {
    const schema = JSON.parse(renderSchema()) as { additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['db', 'record', 'redact', 'replay', 'compare', 'noise', 'latency']));
  });
});

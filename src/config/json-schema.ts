import { z } from 'zod';
import { configSchema } from './schema.js';

/** The JSON Schema editors use for replayguard.config.json (input side: defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://replayguard.dev/schema/replayguard.config.schema.json',
    title: 'replayguard configuration',
    description: 'replayguard.config.json: recording, redaction, replay, comparison and noise settings. Command-line flags override these values.',
  };
}

interface Row {
  key: string;
  type: string;
  def: string;
  description: string;
}

function typeOf(s: Record<string, unknown>): string {
  if (Array.isArray(s.anyOf)) return (s.anyOf as Array<Record<string, unknown>>).map(typeOf).join(' | ');
  if (s.enum) return (s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.type === 'array') return `${typeOf((s.items ?? {}) as Record<string, unknown>)}[]`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object' && !s.properties) return 'object (map)';
  return String(s.type ?? 'any');
}

function walk(schema: Record<string, unknown>, prefix: string, rows: Row[]): void {
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, s] of Object.entries(props)) {
    if (name === '$schema') continue;
    const key = prefix ? `${prefix}.${name}` : name;
    if (s.type === 'object' && s.properties) {
      walk(s, key, rows);
      continue;
    }
    rows.push({
      key,
      type: typeOf(s),
      def: s.default === undefined ? '' : JSON.stringify(s.default),
      description: String(s.description ?? ''),
    });
  }
}

/** The README's configuration reference, generated from the schema so the two cannot drift. */
export function configReferenceMarkdown(): string {
  const rows: Row[] = [];
  walk(configJsonSchema(), '', rows);
  const esc = (t: string): string => t.replace(/\|/g, '\\|');
  return [
    '| key | type | default | meaning |',
    '|---|---|---|---|',
    ...rows.map((r) => `| \`${r.key}\` | ${esc(r.type)} | ${r.def ? `\`${esc(r.def)}\`` : ''} | ${esc(r.description)} |`),
  ].join('\n');
}

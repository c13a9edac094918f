/**
 * Reads what a metric judge needs from the Prometheus text format: each family's type and the sum of
 * its samples (all label sets of a counter or gauge added up, e.g. every route's errors). Histogram
 * and summary families are read through their `_sum` and `_count` samples as plain series. Hand-read
 * (a line at a time) because the npm parser folds labelled histograms into one series.
 */
export interface ExposedMetric {
  type: 'counter' | 'gauge' | 'untyped';
  value: number;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(\{.*\})?\s+(\S+)/;

export function readExposition(text: string): Map<string, ExposedMetric> {
  const types = new Map<string, string>();
  const out = new Map<string, ExposedMetric>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(/\s+/);
      if (name && type) types.set(name, type);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    const name = m[1]!;
    const declared = types.get(name);
    const type = declared === 'counter' || (!declared && name.endsWith('_total')) ? 'counter' : declared === 'gauge' ? 'gauge' : 'untyped';
    const prior = out.get(name);
    out.set(name, { type: prior?.type ?? type, value: (prior?.value ?? 0) + value });
  }
  return out;
}

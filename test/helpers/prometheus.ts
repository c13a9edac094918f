import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { request, type Dispatcher } from 'undici';

/** One family as prom2json (and so parse-prometheus-text-format) shapes it. */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Array<{ labels?: Record<string, string>; value?: string }>;
}

/** A scrape: families as an independent parser (not prom-client) reads them, and every sample line. */
export interface Scrape {
  families: Map<string, MetricFamily>;
  /** Each sample line's name, labels and value: the parser folds labelled histograms into one, so their `_count` series are read here. */
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Scrape {
  const families = (parsePrometheusTextFormat as (t: string) => MetricFamily[])(text);
  const samples: Scrape['samples'] = [];
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { families: new Map(families.map((f) => [f.name, f])), samples };
}

/** GET a /metrics endpoint and parse it; the content type must be Prometheus text. */
export async function scrape(url: string, dispatcher?: Dispatcher): Promise<Scrape> {
  const res = await request(url, dispatcher ? { dispatcher } : {});
  const text = await res.body.text();
  if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('text/plain')) {
    throw new Error(`scrape ${url}: ${res.statusCode} ${String(res.headers['content-type'])}: ${text.slice(0, 200)}`);
  }
  return parseMetrics(text);
}

/** The value of the sample `name` with (at least) these labels; 0 when the series does not exist yet. */
export function valueOf(s: Scrape, name: string, labels: Record<string, string> = {}): number {
  const sample = s.samples.find((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v));
  return sample ? sample.value : 0;
}

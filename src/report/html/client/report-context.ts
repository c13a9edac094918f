import type { RouteCounts, RunSummary } from '../../../types.js';
import { routeKey } from '../../plain-format.js';
import type { ExampleView } from '../example-view.js';
import type { ReportData } from '../page.js';

/** The embedded report data, with the lookups every view needs built once. */
export interface ReportContext {
  data: ReportData;
  summary: RunSummary;
  run: RunSummary['run'];
  examples: Map<number, ExampleView>;
  /** Route counts by `METHOD /route`. */
  routes: Map<string, RouteCounts>;
}

/** Reads the JSON the page embeds in `<script type="application/json" id="rg-data">`. */
export function readReportContext(doc: Document): ReportContext {
  const data = JSON.parse(doc.getElementById('rg-data')?.textContent ?? 'null') as ReportData;
  return {
    data,
    summary: data.summary,
    run: data.summary.run,
    examples: new Map(data.examples.map((e) => [e.id, e])),
    routes: new Map(data.summary.routes.map((r) => [routeKey(r.method, r.route), r])),
  };
}

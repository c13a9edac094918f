import { createHash } from 'node:crypto';
import type { RunSummary } from '../../types.js';
import { verdictLine } from '../run-verdict.js';
import { escapeXml } from '../xml-escape.js';
import { clientScript } from './client-script.js';
import type { ExampleView } from './example-view.js';
import type { Group, GroupCaps } from './groups.js';
import { STYLES } from './styles.js';

/** Everything the page shows, embedded once as JSON. */
export interface ReportData {
  version: 1;
  generatedAt: number;
  verdict: { ok: boolean; text: string };
  summary: RunSummary;
  groups: Group[];
  examples: ExampleView[];
  caps: GroupCaps;
}

export function reportData(summary: RunSummary, acc: { groups: Group[]; examples: ExampleView[]; caps: GroupCaps }, generatedAt = Date.now()): ReportData {
  return { version: 1, generatedAt, verdict: verdictLine(summary), summary, ...acc };
}

/**
 * JSON that is safe inside a `<script>` element: `<` can never start `</script>` or `<!--`, and the
 * line separators U+2028/2029 are escaped for old parsers. JSON.parse reads it back unchanged.
 */
export function embedJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function sha256Base64(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/**
 * The self-contained page. Nothing recorded is put into markup: the body holds an empty `#app`, the
 * script builds the DOM from the embedded JSON with text nodes only. The CSP forbids every network
 * fetch and allows only this page's own script, by hash.
 */
export function renderPage(data: ReportData): string {
  const json = embedJson(data);
  const script = clientScript();
  const csp = [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'sha256-${sha256Base64(script)}'`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `${data.verdict.ok ? '✓' : '✗'} ${data.summary.run.session} → ${data.summary.run.target} · replayguard`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeXml(title)}</title>
<style>${STYLES}</style>
</head>
<body>
<div id="app"><noscript><p style="padding:20px">This report needs JavaScript to render. The data is embedded in this file as JSON (script element rg-data); summary.json holds the totals.</p></noscript></div>
<script type="application/json" id="rg-data">${json}</script>
<script>${script}</script>
</body>
</html>
`;
}

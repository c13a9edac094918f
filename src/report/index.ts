/** The report stage's public face: reporters by name, the summary builder and the driver. */
export { createReporters, REPORTER_NAMES, REPORT_FILES, type Reporter, type ReporterContext } from './reporter.js';
export { createSummaryBuilder, type SummaryBuilder, type SummaryExtras } from './summary-builder.js';
export { driveReporters, type DriveOptions } from './drive-reporters.js';
export { createConsoleReporter, renderConsoleSummary } from './console-reporter.js';
export { createJsonReporter, SUMMARY_JSON_VERSION, type SummaryJson } from './json-reporter.js';
export { createJunitReporter } from './junit-reporter.js';
export { createMarkdownReporter, renderMarkdown } from './markdown-reporter.js';
export { createHtmlReporter } from './html-reporter.js';
export { noiseSnippet, noiseSnippetText, type NoiseSnippet } from './noise-snippet.js';
export { verdictLine } from './run-verdict.js';

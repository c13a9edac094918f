/** The files a run's reporters write into `--out`, each named once here. */
export const REPORT_FILES = {
  html: 'report.html',
  json: 'summary.json',
  junit: 'junit.xml',
  markdown: 'summary.md',
} as const;

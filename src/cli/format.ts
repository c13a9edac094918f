import { textTable } from '../report/text-table.js';

/** Small formatting helpers for console tables. */

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatTime(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** Left-aligned text columns, right-aligned numbers: the reports' table (control characters stripped). */
export function table(head: string[], rows: Array<Array<string | number>>, indent = '  '): string {
  const align = head.map((_, i) => (rows.length > 0 && rows.every((r) => typeof r[i] === 'number') ? 'r' : 'l')).join('');
  return textTable(head, rows.map((r) => r.map(String)), align, indent);
}

/**
 * A plain monospace table for CI logs; `align` has one `l` or `r` per column (default: first left,
 * the rest right, as they are counts). Cells are made single-line so a hostile route name cannot break the layout.
 */
export function textTable(header: string[] | null, rows: string[][], align = 'lrrrrrrrrr', indent = '  '): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
  const clean = (s: string) => s.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f]/g, '?');
  const all = (header ? [header, ...rows] : rows).map((r) => r.map(clean));
  const columns = Math.max(0, ...all.map((r) => r.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      indent +
      r
        .map((cell, i) => (align[i] !== 'r' ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

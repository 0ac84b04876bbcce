// Plain-text output for people: tables for list commands, aligned fields for one record, ISO 8601 times.

/** Columns padded to their widest cell, the last column left ragged. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ');
  return [format(headers), ...rows.map(format)];
}

/** `label:` lines with the values aligned; a multi-line value (several URIs) continues under its first line. */
export function formatFields(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.flatMap(([label, value]) => value.split('\n').map((line, index) => `${(index === 0 ? `${label}:` : '').padEnd(width)}${line}`));
}

/** An epoch-seconds time as people and tools read it. */
export function formatTime(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

/**
 * CSV for a spreadsheet in Polish settings: ';' between fields (the comma is
 * the decimal separator), CRLF line ends, UTF-8 with a byte-order mark so
 * Excel reads the Polish letters. A field is quoted only when it holds a
 * separator, a quote or a line break. Callers format numbers and dates the
 * Polish way themselves (decimal commas, 06.12.2026).
 */
export type CsvValue = string | number | null | undefined;

const field = (v: CsvValue): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[;"\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function csvTable(rows: readonly (readonly CsvValue[])[]): string {
  return `\uFEFF${rows.map((r) => r.map(field).join(';')).join('\r\n')}\r\n`;
}

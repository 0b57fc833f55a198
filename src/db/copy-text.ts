/** COPY's text format: tab-separated, \N for null, backslash escapes. No imports: worker threads use it too. */

/** A value in COPY text format: \N for null, backslash, tab and line breaks escaped. */
export function copyValue(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v !== 'string') return String(v);
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}

export function copyLine(values: ReadonlyArray<string | number | boolean | null | undefined>): string {
  return values.map(copyValue).join('\t') + '\n';
}

/**
 * Compares the decoder's JSON for a telegram with what wmbusmeters decodes
 * from it (the dev vectors): every numeric field and date both sides report
 * under the same name, the id, the media, and the alarm meaning of status
 * fields. Used by vectors.test.ts; kept apart so the rules read on their own.
 */

export interface Vector {
  vector_id: string;
  driver_resolved: string;
  key: string | null;
  telegram: string;
  prior_telegrams: string[];
  expected: Record<string, unknown>;
  info: Record<string, unknown>;
}

export interface Comparison {
  compared: string[];
  differences: string[];
}

const close = (a: number, b: number) => Math.abs(a - b) <= Math.max(5e-4, 1e-6 * Math.abs(b));
const ignored = new Set(['_', 'timestamp', 'name', 'meter', 'status', 'current_status']);
const isDateField = (k: string) => /(^|_)date(time)?(_\d+)?$/.test(k);

/** Alarm meanings and the wmbusmeters status tokens that carry them. */
const alarmTokens: [string, RegExp][] = [
  ['leak', /(^|_)LEAK(ING)?$/],
  ['burst', /(^|_)BURST(ING)?$/],
  ['backflow', /(^|_)(BACKFLOW|REVERSE(D|_FLOW)?)$/],
  ['dry', /(^|_)DRY$/],
  ['tamper', /(^|_)(TAMPER|MANIPULATION)$/],
];

export function compareWithExpected(got: Record<string, unknown>, expected: Record<string, unknown>): Comparison {
  const compared: string[] = [];
  const differences: string[] = [];
  for (const [k, want] of Object.entries(expected)) {
    if (ignored.has(k) || !(k in got)) continue;
    const have = got[k];
    if (k === 'id') {
      compared.push(k);
      if (String(have).toLowerCase() !== String(want).toLowerCase()) differences.push(`id ${have} ≠ ${want}`);
    } else if (typeof want === 'number') {
      compared.push(k);
      if (typeof have !== 'number' || !close(have, want)) differences.push(`${k} ${have} ≠ ${want}`);
    } else if (k === 'media' || isDateField(k)) {
      if (want === null) continue; // unset on their side; we may leave it out or null
      compared.push(k);
      if (have !== want) differences.push(`${k} ${have} ≠ ${want}`);
    }
  }
  // Status words: the same set of words when both report the field (order aside).
  for (const k of ['status', 'current_status']) {
    const want = expected[k];
    const have = got[k];
    if (typeof want !== 'string' || typeof have !== 'string') continue;
    compared.push(k);
    const words = (x: string) => [...new Set(x.split(/\s+/).filter(Boolean))].sort().join(' ');
    if (words(have) !== words(want)) differences.push(`${k} "${have}" ≠ "${want}"`);
  }
  // And the alarm meanings must agree whenever they report a status field.
  const statusText = [expected.status, expected.current_status].filter((s) => typeof s === 'string').join(' ');
  if (typeof expected.status === 'string' || typeof expected.current_status === 'string') {
    const tokens = statusText.split(/\s+/).filter(Boolean);
    for (const [flag, re] of alarmTokens) {
      const want = tokens.some((t) => re.test(t));
      const have = got[flag] === true;
      if (want !== have) differences.push(`${flag} ${have} ≠ ${want} (status "${statusText}")`);
    }
  }
  return { compared, differences };
}

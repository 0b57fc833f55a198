/**
 * A statement line's stable identity and its amount in grosze (pure).
 *
 * Identity: with the bank's own reference, the account, the reference, the
 * booking date and the amount (banks are unique per account in their
 * references; date and amount guard against a bank that reuses them). The
 * statement id is left out on purpose: an overlapping export (a week's file
 * beside the daily ones) names the same line under another statement id.
 * Without a reference (or with the placeholder NONREF) a hash of the line's
 * own fields plus its occurrence among identical lines of that account and
 * day: two identical transfers on one day stay two, and an overlapping file,
 * which holds whole days, counts them the same way.
 */
import { createHash } from 'node:crypto';
import type { StatementLine } from '../statements/types.ts';

const PLACEHOLDER = /^(NONREF|NOREF|NONE|BRAK|0+)$/i;

export function lineKeys(lines: readonly StatementLine[]): string[] {
  const seen = new Map<string, number>();
  return lines.map((l) => {
    const ref = l.bankReference?.trim();
    if (ref && !PLACEHOLDER.test(ref)) return `r:${l.account}:${ref}:${l.bookingDate}:${l.amount}`;
    const fields = [l.account, l.bookingDate, l.valueDate, l.amount, l.currency, l.counterAccount ?? '', l.counterName ?? '', l.title].join('\u001f');
    const n = (seen.get(fields) ?? 0) + 1;
    seen.set(fields, n);
    return `h:${createHash('sha256').update(fields).digest('base64url').slice(0, 32)}:${n}`;
  });
}

/** "123.45" / "-5.5" / "7" → grosze; null when it is not such an amount. */
export function toGrosze(amount: string): number | null {
  const m = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(amount.trim());
  if (!m) return null;
  const v = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -v : v;
}

/**
 * A statement must add up: opening balance + its lines = closing balance.
 * One that does not is refused whole (a line lost or doubled in transfer
 * would otherwise book a payment twice or never).
 */
import { amountToGrosze, groszeToString } from './amount.ts';
import { problem } from './problems.ts';
import type { ParsedStatement, StatementProblem } from './types.ts';

const signed = (s: string) => (s.startsWith('-') ? -amountToGrosze(s.slice(1))! : amountToGrosze(s)!);

/** Null when the statement adds up, else the problem to report. */
export function checkBalance(st: ParsedStatement): StatementProblem | null {
  const sum = st.lines.reduce((acc, l) => acc + signed(l.amount), 0);
  const expected = signed(st.openingBalance) + sum;
  if (expected === signed(st.closingBalance)) return null;
  const [open, total, close, exp] = [signed(st.openingBalance), sum, signed(st.closingBalance), expected].map(groszeToString);
  return problem(
    'payments.statement.unbalanced',
    st.statement,
    st.fileLine,
    `Wyciąg ${st.statement} (wiersz ${st.fileLine}) się nie bilansuje: saldo początkowe ${open} + operacje ${total} = ${exp}, a saldo końcowe to ${close}. Wyciąg odrzucono w całości.`,
    `Statement ${st.statement} (line ${st.fileLine}) does not add up: opening ${open} + lines ${total} = ${exp}, but the closing balance is ${close}. The statement was refused whole.`,
  );
}

/**
 * Writes MT940 files the way Polish banks export them, for tests: the :86:
 * field in a chosen dialect (numbered sub-fields with a separator, or
 * mBank's labels), wrapped at 65 characters wherever the cut falls, CRLF or
 * LF line ends, then encoded (CP1250, CP852, ISO-8859-2, UTF-8) by iconv-lite.
 */
import iconv from 'iconv-lite';

export interface WrittenLine {
  /** YYMMDD value date, optional MMDD booking date. */
  value: string;
  booking?: string;
  mark: 'C' | 'D' | 'RC' | 'RD';
  /** As the bank writes it: "512,00". */
  amount: string;
  bankRef?: string;
  title: string;
  name?: string;
  account?: string;
}

export interface WrittenStatement {
  ref: string;
  seq: string;
  account: string;
  opening: string; // "C261102PLN8450,10"
  closing: string;
  lines: WrittenLine[];
}

export type Style = { kind: 'numbered'; separator: string } | { kind: 'mbank' };

function wrap(tag: string, text: string, width = 65): string[] {
  const first = `:${tag}:${text}`;
  const out: string[] = [];
  for (let i = 0; i < first.length; i += width) out.push(first.slice(i, i + width));
  return out;
}

function field86(l: WrittenLine, style: Style): string {
  if (style.kind === 'mbank') {
    const parts = [l.mark.endsWith('C') ? '910 PRZELEW PRZYCHODZĄCY' : '911 PRZELEW WYCHODZĄCY'];
    if (l.account) parts.push(`${l.mark.endsWith('C') ? 'Z RACH.' : 'NA RACH.'}: ${l.account}`);
    if (l.name) parts.push(`${l.mark.endsWith('C') ? 'OD' : 'DLA'}: ${l.name}`);
    parts.push(`TYT.: ${l.title}`, 'TNR: 123456789.000001');
    return parts.join('; ');
  }
  const s = style.separator;
  // The title in 27-character sub-fields ~20…~25, the name in ~32/~33, as the banks cut them.
  const chunks = (t: string, first: number, max: number) =>
    Array.from({ length: Math.min(max, Math.ceil(t.length / 27)) }, (_, i) => `${s}${first + i}${t.slice(i * 27, i * 27 + 27)}`).join('');
  let out = `020${s}00PRZELEW${s}10123${chunks(l.title, 20, 6)}`;
  if (l.name) out += chunks(l.name, 32, 2);
  if (l.account) out += `${s}38${l.account}`;
  return out + `${s}6012345`;
}

export function writeMt940(statements: WrittenStatement[], style: Style, eol = '\r\n'): string {
  const rows: string[] = [];
  for (const st of statements) {
    rows.push(`:20:${st.ref}`, `:25:/${st.account}`, `:28C:${st.seq}`, `:60F:${st.opening}`);
    for (const l of st.lines) {
      const funds = l.mark.length === 1 ? 'N' : '';
      rows.push(`:61:${l.value}${l.booking ?? ''}${l.mark}${funds}${l.amount}NTRFNONREF//${l.bankRef ?? 'NONREF'}`);
      rows.push(...wrap('86', field86(l, style)));
    }
    rows.push(`:62F:${st.closing}`, '-');
  }
  return rows.join(eol) + eol;
}

export const encode = (text: string, encoding: string) => new Uint8Array(iconv.encode(text, encoding));

/**
 * The statement parser on the shared samples (values read by hand from the
 * files) and on files written here in every :86: dialect and encoding.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../../../test/support/shared.ts';
import { AppError } from '../../../lib/errors.ts';
import { amountToGrosze } from './amount.ts';
import { decodeStatementBytes } from './decode.ts';
import { parseStatementFile } from './parse.ts';
import { encode, type Style, type WrittenStatement, writeMt940 } from './testing/mt940-writer.ts';
import type { ParseResult, StatementLine } from './types.ts';

const lines = (r: ParseResult) => r.statements.flatMap((s) => s.lines);
const pick = (l: StatementLine) => [l.amount, l.counterAccount, l.counterName, l.title, l.bankReference];
const fileError = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
};

describe('shared samples', () => {
  it('tilde_cp852.sta: CP852, ~ sub-fields wrapped mid-word, gives its .expected.jsonl', () => {
    const file = sharedPath('payments/examples/tilde_cp852.sta');
    const expected = sharedPath('payments/examples/tilde_cp852.sta.expected.jsonl');
    if (!file || !expected) return;
    const r = parseStatementFile(readFileSync(file));
    expect(r.encoding).toBe('cp852');
    expect(r.problems).toEqual([]);
    const want = readFileSync(expected, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // The sample's expected lines predate the `statement` key of the output format; it is checked on its own.
    expect(lines(r).map(({ statement, ...rest }) => rest)).toEqual(want);
    expect(lines(r).map((l) => l.statement)).toEqual(['MT940/2026/0412/00412/001', 'MT940/2026/0412/00412/001']);
    expect(r.statements[0]).toMatchObject({ dialect: 'numbered~', openingBalance: '8450.10', closingBalance: '8949.60', openingDate: '2026-11-02' });
  });

  it('mbank mt940.sta: SOH/ETX wrapper, labelled :86:, three 0,01 credits', () => {
    const file = sharedPath('payments/mt940/mbank/mt940.sta');
    if (!file) return;
    const r = parseStatementFile(readFileSync(file));
    expect(r.problems).toEqual([]);
    expect(r.statements).toHaveLength(1);
    const s = r.statements[0];
    expect(s).toMatchObject({ dialect: 'mbank', account: 'PL29114010810000267002001002', statement: 'ST170119CYC/1/1/1', openingBalance: '0.40', closingBalance: '0.43' });
    expect(s.lines.map((l) => l.bankReference)).toEqual(['MB170119012058', 'MB170119012085', 'MB170119012121']);
    for (const l of s.lines) {
      expect(l).toMatchObject({ bookingDate: '2017-01-19', valueDate: '2017-01-19', amount: '0.01', currency: 'PLN' });
      expect(pick(l).slice(1, 4)).toEqual(['PL56114010810000267002001001', 'JAN NOWAK  UL. NIJAKA 1 M 2 31-234 KRAKOW', 'PRZELEW SRODKOW']);
    }
  });

  it('bph_sta.txt: < sub-fields, CP852 letters saved as CP1250 mojibake in UTF-8 are repaired, four debits', () => {
    const file = sharedPath('payments/mt940/bph/bph_sta.txt');
    if (!file) return;
    const r = parseStatementFile(readFileSync(file));
    expect(r.encoding).toBe('utf-8 (cp852 repaired)');
    expect(r.problems).toEqual([]);
    const s = r.statements[0];
    expect(s).toMatchObject({ dialect: 'numbered<', account: 'PL52106000760000321000055801', statement: '070126/00009/01', openingBalance: '45810300.95', closingBalance: '45681482.83' });
    expect(s.lines.map(pick)).toEqual([
      ['-5912.00', 'PL21109011020000999999874157', 'OPAKOWANIA SP. Z O.O UL. ROMAŃSKA 24 80-253 GDAŃSK', 'ZAPLATA ZA OPAKOWANIA DO KINESKOPÓW 17 I 21 CALI Z NADRUKIEM LOGO FIRMY FVT 2368/2989284/2006', '5627001791917001'],
      // ~24 comes before ~23 in the file: sub-fields join in number order.
      ['-120000.00', 'PL45106000760000321000095503', 'ELEKTRONIKA SP. Z. O.O. PODZESPOŁY ELEKTRONICZNE KILIŃ', 'FVT 25/2006 ZAPŁATA ZA KATODY DO LAMP KIENSKOPOWYCH SZT. 110 ZA UKLADY ODCHYLAJACE SZT. 11000 FVT 26/2006 ZAPLATA', '5627001791919001'],
      ['-1356.12', 'PL88106000760000321000095505', 'STACJA PALIW MIKOŁAJCZYK ZAMKOWA 8 32-020 WIELICZKA', 'ZAPŁATA ZA PALIWO GRUDZIEŃ 06 FAKTURA 6547/2006', '6270017919110001'],
      ['-1550.00', 'PL72106000760000321000095502', 'SPEDYTOR SP. Z O.O. WYNALAZEK 6 02-787 WARSZAWA', 'ZAPŁATA ZA WYSYLKĘ TOWARU DO NL DIGITAL, EINDHOVEN HOLLAND GRUDZIEŃ 2006 INV. 6/2006FVT 2323/0394/2006', '6270017919111001'],
    ]);
  });
});

// Two statements of one account; every line's figures are summed by hand in the balances.
const ACCOUNT = 'PL27105014451000009031435789';
const PAYER = 'PL03194010760000765432100011';
const TITLE = 'Opłata za wodę i ścieki, faktura FV/2026/11/000215, klient 0000215 - Żółć Źdźbło Ąę';
const NAME = 'Bożena Śliwińska-Gżegżółka, ul. Łąkowa 5, Łódź';
const sample: WrittenStatement[] = [
  {
    ref: 'W1',
    seq: '00001/001',
    account: ACCOUNT,
    opening: 'C261102PLN1000,00',
    // 1000.00 + 512.00 − 12.50 + 0.05 = 1499.55
    closing: 'C261102PLN1499,55',
    lines: [
      { value: '261102', booking: '1102', mark: 'C', amount: '512,00', bankRef: 'REF1', title: TITLE, name: NAME, account: PAYER },
      { value: '261102', mark: 'D', amount: '12,5', bankRef: 'REF2', title: 'Prowizja za przelewy' },
      { value: '261231', booking: '0102', mark: 'C', amount: '0,05', title: 'Odsetki' },
    ],
  },
  {
    ref: 'W2',
    seq: '00002/001',
    account: ACCOUNT,
    opening: 'C270102PLN1499,55',
    // 1499.55 − 1500.00 = −0.45 (a debit balance)
    closing: 'D270102PLN0,45',
    lines: [{ value: '270102', mark: 'D', amount: '1500,', bankRef: 'REF3', title: 'Zwrot nadpłaty', name: 'Jan Kowalski', account: PAYER }],
  },
];

const STYLES: Array<[string, Style]> = [
  ['~', { kind: 'numbered', separator: '~' }],
  ['^', { kind: 'numbered', separator: '^' }],
  ['<', { kind: 'numbered', separator: '<' }],
  ['+', { kind: 'numbered', separator: '+' }],
  ['mBank labels', { kind: 'mbank' }],
];
const ENCODINGS = ['windows-1250', 'cp852', 'iso-8859-2', 'utf-8'];

describe('generated MT940 in every dialect and encoding', () => {
  for (const [label, style] of STYLES) {
    for (const enc of ENCODINGS) {
      it(`${label} in ${enc}`, () => {
        const r = parseStatementFile(encode(writeMt940(sample, style, enc === 'cp852' ? '\r\n' : '\n'), enc));
        expect(r.encoding).toBe(enc);
        expect(r.problems).toEqual([]);
        expect(r.statements.map((s) => [s.statement, s.openingBalance, s.closingBalance, s.closingDate])).toEqual([
          ['W1/00001/001', '1000.00', '1499.55', '2026-11-02'],
          ['W2/00002/001', '1499.55', '-0.45', '2027-01-02'],
        ]);
        const got = lines(r);
        expect(got.map((l) => [l.account, l.valueDate, l.bookingDate, l.amount, l.bankReference])).toEqual([
          [ACCOUNT, '2026-11-02', '2026-11-02', '512.00', 'REF1'],
          [ACCOUNT, '2026-11-02', '2026-11-02', '-12.50', 'REF2'],
          // Valued on 31 December, booked on 2 January of the next year.
          [ACCOUNT, '2026-12-31', '2027-01-02', '0.05', 'NONREF'],
          [ACCOUNT, '2027-01-02', '2027-01-02', '-1500.00', 'REF3'],
        ]);
        expect(got.map((l) => [l.counterAccount, l.counterName, l.title])).toEqual([
          [PAYER, NAME, TITLE],
          [null, null, 'Prowizja za przelewy'],
          [null, null, 'Odsetki'],
          [PAYER, 'Jan Kowalski', 'Zwrot nadpłaty'],
        ]);
        expect(r.statements[0].dialect).toBe(style.kind === 'mbank' ? 'mbank' : `numbered${label}`);
      });
    }
  }

  it('reads the mBank SOH/ETX wrapper around each statement', () => {
    const text = writeMt940(sample, { kind: 'mbank' }, '\n');
    const r = parseStatementFile(encode(`\x01\n${text}\x03\n`, 'windows-1250'));
    expect(lines(r)).toHaveLength(4);
    expect(lines(r)[0].title).toBe(TITLE);
  });

  it('refuses a statement that does not add up, with its line, and keeps the others', () => {
    const bad = [{ ...sample[0], closing: 'C261102PLN1499,56' }, sample[1]];
    const r = parseStatementFile(encode(writeMt940(bad, { kind: 'numbered', separator: '~' }), 'windows-1250'));
    expect(r.statements.map((s) => s.statement)).toEqual(['W2/00002/001']);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'payments.statement.unbalanced', statement: 'W1/00001/001', fileLine: 1 });
    expect(r.problems[0].message.pl).toContain('1499.55');
    expect(r.problems[0].message.en).toContain('1499.56');
  });

  it('refuses a statement with an unreadable amount (three decimals) but reads comma, dot and whole amounts', () => {
    expect([amountToGrosze('512,00'), amountToGrosze('512.5'), amountToGrosze('512,'), amountToGrosze('0,010')]).toEqual([51200, 51250, 51200, 1]);
    expect([amountToGrosze('1.234,56'), amountToGrosze('12,345'), amountToGrosze('-5'), amountToGrosze('')]).toEqual([null, null, null, null]);
    const withDot = [{ ...sample[1], lines: [{ ...sample[1].lines[0], amount: '1500.00' }] }];
    expect(lines(parseStatementFile(encode(writeMt940(withDot, { kind: 'mbank' }), 'utf-8')))[0].amount).toBe('-1500.00');
    const bad = [sample[0], { ...sample[1], lines: [{ ...sample[1].lines[0], amount: '1500,001' }] }];
    const r = parseStatementFile(encode(writeMt940(bad, { kind: 'mbank' }), 'utf-8'));
    expect(r.statements).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'payments.statement.bad_line', statement: 'W2/00002/001' });
  });

  it('reads reversals as SWIFT defines them: RC (reversal of a credit) takes money out, RD (reversal of a debit) brings it back', () => {
    const st: WrittenStatement = {
      ...sample[1],
      closing: 'C270102PLN1499,55', // 1499.55 − 10.00 + 10.00
      lines: [
        { value: '270102', mark: 'RC', amount: '10,00', title: 'Storno' },
        { value: '270102', mark: 'RD', amount: '10,00', title: 'Storno' },
      ],
    };
    expect(lines(parseStatementFile(encode(writeMt940([st], { kind: 'mbank' }), 'utf-8'))).map((l) => l.amount)).toEqual(['-10.00', '10.00']);
  });

  it('uses the bank profile option where the :86: field does not tell its dialect', () => {
    // No operation code and no sub-field at the start: the file does not tell the separator.
    const text = [':20:X', ':25:' + ACCOUNT, ':28C:1', ':60F:C261102PLN0,00', ':61:261102C5,00NTRFNONREF//R1', ':86:PRZELEW^20Woda 11/2026^32Anna Nowak^38' + PAYER, ':62F:C261102PLN5,00', '-'].join('\n');
    const bytes = encode(text, 'utf-8');
    expect(lines(parseStatementFile(bytes))[0]).toMatchObject({ title: `PRZELEW^20Woda 11/2026^32Anna Nowak^38${PAYER}`, counterName: null });
    expect(lines(parseStatementFile(bytes, { dialect: 'numbered' }))[0]).toMatchObject({ title: 'Woda 11/2026', counterName: 'Anna Nowak', counterAccount: PAYER });
    expect(lines(parseStatementFile(bytes, { dialect: 'numbered^' }))[0].title).toBe('Woda 11/2026');
    expect(fileError(() => parseStatementFile(bytes, { dialect: 'swift' })).code).toBe('payments.statement.unknown_dialect');
  });
});

describe('files that are no statement', () => {
  const good = writeMt940(sample, { kind: 'numbered', separator: '~' });
  it('a file cut off mid-statement is refused whole with the line of that statement', () => {
    const cut = good.slice(0, good.indexOf(':62F:D270102'));
    const e = fileError(() => parseStatementFile(encode(cut, 'windows-1250')));
    expect(e.code).toBe('payments.file.truncated');
    expect(e.details).toEqual({ line: cut.split('\r\n').findIndex((l) => l === ':20:W2') + 1 });
    expect(e.messages.pl).toMatch(/niekompletny/);
  });
  it('an empty file, a text file, a PDF, JSON and XML that is no camt.053', () => {
    expect(fileError(() => parseStatementFile(new Uint8Array())).code).toBe('payments.file.empty');
    expect(fileError(() => parseStatementFile(encode('Faktura VAT\nrazem: 12,00 zł\n', 'utf-8'))).code).toBe('payments.file.not_statement');
    expect(fileError(() => parseStatementFile(encode('%PDF-1.7\n%âãÏÓ\n1 0 obj', 'latin1'))).code).toBe('payments.file.not_statement');
    expect(fileError(() => parseStatementFile(encode('{"lines": []}', 'utf-8'))).code).toBe('payments.file.not_statement');
    expect(fileError(() => parseStatementFile(encode('<?xml version="1.0"?><Document><CstmrCdtTrfInitn/></Document>', 'utf-8'))).code).toBe('payments.file.not_statement');
  });
});

describe('camt.053', () => {
  const entry = (amt: string, ind: string, ref: string, party: string, extra: string) =>
    `<Ntry><Amt Ccy="PLN">${amt}</Amt><CdtDbtInd>${ind}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-03</Dt></BookgDt><ValDt><Dt>2026-11-02</Dt></ValDt><AcctSvcrRef>${ref}</AcctSvcrRef>
      <NtryDtls><TxDtls><RltdPties>${party}</RltdPties>${extra}</TxDtls></NtryDtls></Ntry>`;
  const stmt = (id: string, open: string, close: string, entries: string) => `
  <Stmt><Id>${id}</Id><CreDtTm>2026-11-03T06:00:00</CreDtTm><Acct><Id><IBAN>${ACCOUNT}</IBAN></Id><Ccy>PLN</Ccy></Acct>
    <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="PLN">${open}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-03</Dt></Dt></Bal>
    <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="PLN">${close}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-03</Dt></Dt></Bal>
    ${entries}
  </Stmt>`;
  const doc = (stmts: string) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-03T06:00:00</CreDtTm></GrpHdr>${stmts}</BkToCstmrStmt></Document>\n`;
  const credit = entry('512.00', 'CRDT', 'BANK-0001', `<Dbtr><Nm>${NAME}</Nm></Dbtr><DbtrAcct><Id><IBAN>${PAYER}</IBAN></Id></DbtrAcct>`, `<RmtInf><Ustrd>Opłata za wodę </Ustrd><Ustrd>klient 0000215</Ustrd></RmtInf>`);
  const debit = entry('12.50', 'DBIT', 'BANK-0002', '<Cdtr><Nm>Bank</Nm></Cdtr>', '<RmtInf><Ustrd>Prowizja</Ustrd></RmtInf>');

  it('reads statements, credits and debits; bankReference is AcctSvcrRef; a statement that does not add up is refused', () => {
    // S1: 100.00 + 512.00 − 12.50 = 599.50; S2 claims 600.00 after one 12.50 debit from 599.50 (should be 587.00).
    const xml = doc(stmt('S1', '100.00', '599.50', credit + debit) + stmt('S2', '599.50', '600.00', debit));
    const r = parseStatementFile(encode(xml, 'utf-8'));
    expect(r.statements.map((s) => [s.format, s.statement, s.openingBalance, s.closingBalance])).toEqual([['camt053', 'S1', '100.00', '599.50']]);
    expect(r.statements[0].lines).toEqual([
      { account: ACCOUNT, statement: 'S1', bookingDate: '2026-11-03', valueDate: '2026-11-02', amount: '512.00', currency: 'PLN', counterAccount: PAYER, counterName: NAME, title: 'Opłata za wodę klient 0000215', bankReference: 'BANK-0001' },
      { account: ACCOUNT, statement: 'S1', bookingDate: '2026-11-03', valueDate: '2026-11-02', amount: '-12.50', currency: 'PLN', counterAccount: null, counterName: 'Bank', title: 'Prowizja', bankReference: 'BANK-0002' },
    ]);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'payments.statement.unbalanced', statement: 'S2', fileLine: xml.split('\n').findIndex((l) => l.includes('<Id>S2</Id>')) + 1 })]);
  });

  it('refuses a cut-off XML file as a whole', () => {
    const xml = doc(stmt('S1', '100.00', '599.50', credit + debit));
    const e = fileError(() => parseStatementFile(encode(xml.slice(0, xml.length / 2), 'utf-8')));
    expect(e.code).toBe('payments.file.bad_xml');
  });
});

describe('decoding', () => {
  it('tells CP1250, ISO-8859-2 and CP852 apart by the Polish letters they give, and leaves plain ASCII alone', () => {
    const text = 'Zażółć gęślą jaźń ŚĆŹ';
    for (const enc of ['windows-1250', 'iso-8859-2', 'cp852', 'utf-8']) expect(decodeStatementBytes(encode(text, enc))).toEqual({ text, encoding: enc });
    expect(decodeStatementBytes(encode(':20:ABC', 'utf-8')).encoding).toBe('us-ascii');
  });
  it('repairs CP852 text that was read as CP1250 and saved as UTF-8, and leaves correct UTF-8 alone', () => {
    const mojibake = new TextDecoder('windows-1250').decode(encode('ZAPŁATA ZA WYSYŁKĘ, GRUDZIEŃ', 'cp852'));
    expect(mojibake).toBe('ZAPťATA ZA WYSYťK¨, GRUDZIEă');
    expect(decodeStatementBytes(encode(mojibake, 'utf-8')).text).toBe('ZAPŁATA ZA WYSYŁKĘ, GRUDZIEŃ');
    expect(decodeStatementBytes(encode('ZAPŁATA ZA WYSYŁKĘ', 'utf-8')).encoding).toBe('utf-8');
  });
});

/**
 * FA(3) XML of every kind of invoice, validated against the official MF
 * schema (read in place from ../shared) by libxml2 in-process, and the
 * values that matter read back from the XML with libxml2's XPath.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XmlDocument } from 'libxml2-wasm';
import { sharedPath } from '../../../../test/support/shared.ts';
import { AppError } from '../../../lib/errors.ts';
import type { BillingDocument, InvoiceDocument } from '../invoice-document.ts';
import { buildFa3, FA3_NAMESPACE, formatGrosze, formatThousandths } from './build.ts';
import { validateFa3 } from './validate.ts';
import {
  BUSINESS,
  BUSINESS_NIP,
  businessCorrection,
  businessInvoice,
  communityInvoice,
  estimateInvoice,
  householdInvoice,
  nip,
  wrongCheckDigit,
} from './testing/sample-documents.ts';

const schemaFile = sharedPath('ksef/schemy/FA/schemat_FA(3)_v1-0E.xsd');
const schemaDir = schemaFile ? path.dirname(schemaFile) : '';
const withSchema = describe.skipIf(schemaFile === null);

/** Text of the elements at an XPath (namespace prefix `f`), in document order. */
function texts(xml: Uint8Array, xpath: string): string[] {
  const doc = XmlDocument.fromBuffer(xml);
  try {
    return doc.find(xpath, { f: FA3_NAMESPACE }).map((n) => n.content);
  } finally {
    doc.dispose();
  }
}
const one = (xml: Uint8Array, xpath: string) => {
  const t = texts(xml, xpath);
  expect(t, xpath).toHaveLength(1);
  return t[0];
};

function refused(doc: BillingDocument): AppError {
  try {
    buildFa3(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('buildFa3 accepted the document');
}

describe('money and quantity formats', () => {
  it('writes grosze with two decimals and thousandths with three, negatives with a minus', () => {
    expect([0, 5, 1509, -50, -4860, 123456789].map(formatGrosze)).toEqual(['0.00', '0.05', '15.09', '-0.50', '-48.60', '1234567.89']);
    expect([0, 5254, -1500, 310125].map(formatThousandths)).toEqual(['0.000', '5.254', '-1.500', '310.125']);
  });
});

withSchema('FA(3) XML validates against the official schema', () => {
  const kinds: Array<[string, () => BillingDocument]> = [
    ['household (BrakID)', householdInvoice],
    ['business (NIP)', businessInvoice],
    ['housing community (NIP)', communityInvoice],
    ['estimate', estimateInvoice],
    ['correction (KOR)', businessCorrection],
  ];
  it.each(kinds)('%s is valid FA(3)', (_name, make) => {
    const result = validateFa3(buildFa3(make()), schemaDir);
    expect(result).toEqual({ valid: true });
  });

  it('text with quotes, apostrophes, markup, an emoji and line breaks stays valid and reads back as given, whitespace collapsed', () => {
    const d = householdInvoice();
    const name = `Zakład "Fryzjerski" O'Brien <&> 💧\n  ul.\tKręta`;
    const xml = buildFa3({ ...d, buyer: { ...d.buyer, name }, lines: d.lines.map((l, i) => (i === 0 ? { ...l, name: `${l.name} & "ścieki"` } : l)) });
    expect(validateFa3(xml, schemaDir)).toEqual({ valid: true });
    expect(one(xml, '/f:Faktura/f:Podmiot2/f:DaneIdentyfikacyjne/f:Nazwa')).toBe(`Zakład "Fryzjerski" O'Brien <&> 💧 ul. Kręta`);
    expect(texts(xml, '//f:FaWiersz/f:P_7')[0]).toBe('Dostawa wody 01.01–20.01.2026 & "ścieki"');
  });

  it('the validator refuses a file the schema does not allow (an amount with three decimals, a missing P_15)', () => {
    const xml = Buffer.from(buildFa3(householdInvoice())).toString('utf8');
    const threeDecimals = validateFa3(Buffer.from(xml.replace('<P_15>203.75</P_15>', '<P_15>203.750</P_15>')), schemaDir);
    expect(threeDecimals.valid).toBe(false);
    if (!threeDecimals.valid) expect(threeDecimals.problems[0].message).toMatch(/P_15/);
    expect(validateFa3(Buffer.from(xml.replace('<P_15>203.75</P_15>', '')), schemaDir).valid).toBe(false);
    const notXml = validateFa3(Buffer.from(xml.slice(0, 200)), schemaDir);
    expect(notXml.valid).toBe(false);
  });

  it('all 26 Ministry of Finance FA(3) samples validate (the schema and its imports resolve from local files)', () => {
    const dir = sharedPath('ksef/przyklady');
    if (dir === null) return;
    const files = readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.xml'));
    expect(files).toHaveLength(26);
    const invalid = files.filter((f) => !validateFa3(readFileSync(path.join(dir, f)), schemaDir).valid);
    expect(invalid).toEqual([]);
  });
});

describe('the validator without its schema', () => {
  it('says the schema files are missing (fa3.schema_missing), it does not fetch them', () => {
    let error: unknown;
    try {
      validateFa3(buildFa3(householdInvoice()), '/nonexistent/schemy/FA');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('fa3.schema_missing');
  });
});

describe('what the XML says', () => {
  it('a household buyer is BrakID with no NIP; the seller has its NIP; the customer number is NrKlienta', () => {
    const xml = buildFa3(householdInvoice());
    expect(one(xml, '/f:Faktura/f:Podmiot2/f:DaneIdentyfikacyjne/f:BrakID')).toBe('1');
    expect(texts(xml, '/f:Faktura/f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP')).toEqual([]);
    expect(one(xml, '/f:Faktura/f:Podmiot1/f:DaneIdentyfikacyjne/f:NIP')).toBe(householdInvoice().seller.nip);
    expect(one(xml, '/f:Faktura/f:Podmiot2/f:NrKlienta')).toBe('K/000123');
    // Polish letters and markup characters survive as text.
    expect(one(xml, '/f:Faktura/f:Podmiot2/f:DaneIdentyfikacyjne/f:Nazwa')).toBe('Anna Żółkiewska & Jan <Kowalski>');
  });

  it('a business and a housing community are identified by their NIP, written as ten digits', () => {
    const dashed = { ...businessInvoice(), buyer: { ...BUSINESS, nip: `PL ${BUSINESS_NIP.replace(/(\d{3})(\d{3})(\d{2})(\d{2})/, '$1-$2-$3-$4')}` } };
    expect(one(buildFa3(dashed), '/f:Faktura/f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP')).toBe(BUSINESS_NIP);
    const community = buildFa3(communityInvoice());
    expect(one(community, '/f:Faktura/f:Podmiot2/f:DaneIdentyfikacyjne/f:NIP')).toBe(nip('534287120'));
    expect(texts(community, '/f:Faktura/f:Podmiot2/f:DaneIdentyfikacyjne/f:BrakID')).toEqual([]);
  });

  it('dates: issue date P_1, sale period OkresFa, due date, creation time', () => {
    const xml = buildFa3(householdInvoice());
    expect(one(xml, '//f:Fa/f:P_1')).toBe('2026-03-02');
    expect(one(xml, '//f:Fa/f:OkresFa/f:P_6_Od')).toBe('2026-01-01');
    expect(one(xml, '//f:Fa/f:OkresFa/f:P_6_Do')).toBe('2026-02-28');
    expect(one(xml, '//f:Platnosc/f:TerminPlatnosci/f:Termin')).toBe('2026-03-16');
    expect(one(xml, '//f:Naglowek/f:DataWytworzeniaFa')).toBe('2026-03-02T06:00:00Z');
  });

  it('the 8 % sums go to P_13_2/P_14_2 (hand-computed 188.66 / 15.09), gross to P_15 and DoZaplaty, the individual account to NrRB', () => {
    const xml = buildFa3(householdInvoice());
    expect(one(xml, '//f:Fa/f:P_13_2')).toBe('188.66');
    expect(one(xml, '//f:Fa/f:P_14_2')).toBe('15.09');
    expect(texts(xml, '//f:Fa/f:P_13_1')).toEqual([]);
    expect(one(xml, '//f:Fa/f:P_15')).toBe('203.75');
    expect(one(xml, '//f:Rozliczenie/f:DoZaplaty')).toBe('203.75');
    expect(one(xml, '//f:RachunekBankowy/f:NrRB')).toBe(householdInvoice().paymentAccount);
    expect(texts(xml, '//f:FaWiersz/f:P_8B')).toEqual(['5.254', '10.246', '5.254', '10.246', '2.000']);
    expect(texts(xml, '//f:FaWiersz/f:P_8A')).toEqual(['m³', 'm³', 'm³', 'm³', 'mies.']);
    expect(texts(xml, '//f:FaWiersz/f:P_9A')).toEqual(['4.20', '4.50', '6.80', '7.10', '6.00']);
    expect(texts(xml, '//f:FaWiersz/f:P_11')).toEqual(['22.07', '46.11', '35.73', '72.75', '12.00']);
    expect(texts(xml, '//f:FaWiersz/f:P_12')).toEqual(['8', '8', '8', '8', '8']);
  });

  it('two rates: 23 % in P_13_1/P_14_1 and 8 % in P_13_2/P_14_2, P_15 their gross sum 305.43', () => {
    const xml = buildFa3(businessInvoice());
    expect([one(xml, '//f:Fa/f:P_13_1'), one(xml, '//f:Fa/f:P_14_1')]).toEqual(['85.00', '19.55']);
    expect([one(xml, '//f:Fa/f:P_13_2'), one(xml, '//f:Fa/f:P_14_2')]).toEqual(['186.00', '14.88']);
    expect(one(xml, '//f:Fa/f:P_15')).toBe('305.43');
  });

  it('the reading basis is stated per meter as additional information', () => {
    const xml = buildFa3(householdInvoice());
    expect(texts(xml, '//f:Fa/f:DodatkowyOpis/f:Klucz')).toEqual(['Wodomierz A1']);
    expect(one(xml, '//f:Fa/f:DodatkowyOpis/f:Wartosc')).toBe(
      'odczyt początkowy 2025-12-31 120,000 m³ (odczyt inkasencki), końcowy 2026-02-28 135,500 m³ (odczyt zdalny)',
    );
  });

  it('an estimate is marked on the invoice and on each estimated line (by its line number), and a normal invoice is not', () => {
    const xml = buildFa3(estimateInvoice());
    expect(one(xml, "//f:DodatkowyOpis[f:Klucz='Rozliczenie']/f:Wartosc")).toMatch(/^Faktura szacunkowa/);
    expect(texts(xml, "//f:DodatkowyOpis[f:Klucz='Ilość']/f:NrWiersza")).toEqual(['1', '2']);
    expect(one(xml, "//f:DodatkowyOpis[f:Klucz='Wodomierz A9']/f:Wartosc")).toMatch(/końcowy 2026-02-28 56,200 m³ \(odczyt szacunkowy\)$/);
    const normal = buildFa3(householdInvoice());
    expect(texts(normal, "//f:DodatkowyOpis[f:Klucz='Rozliczenie' or f:Klucz='Ilość']")).toEqual([]);
  });

  it('a correction is KOR with reason, the corrected number and KSeF number, lines before (StanPrzed) and after, differences in P_13/P_14/P_15', () => {
    const doc = businessCorrection();
    const xml = buildFa3(doc);
    expect(one(xml, '//f:Fa/f:RodzajFaktury')).toBe('KOR');
    expect(one(xml, '//f:Fa/f:P_2')).toBe('FK/2026/03/000007');
    expect(one(xml, '//f:Fa/f:PrzyczynaKorekty')).toBe(doc.reason);
    expect(one(xml, '//f:DaneFaKorygowanej/f:NrFaKorygowanej')).toBe('FV/2026/03/000124');
    expect(one(xml, '//f:DaneFaKorygowanej/f:DataWystFaKorygowanej')).toBe('2026-03-02');
    expect(one(xml, '//f:DaneFaKorygowanej/f:NrKSeF')).toBe('1');
    expect(one(xml, '//f:DaneFaKorygowanej/f:NrKSeFFaKorygowanej')).toBe(doc.corrected.ksefNumber);
    // before: rows 1-3 marked StanPrzed; after: rows 4-6.
    expect(texts(xml, '//f:FaWiersz[f:StanPrzed=1]/f:NrWierszaFa')).toEqual(['1', '2', '3']);
    expect(texts(xml, '//f:FaWiersz[not(f:StanPrzed)]/f:NrWierszaFa')).toEqual(['4', '5', '6']);
    expect(texts(xml, '//f:FaWiersz[f:StanPrzed=1]/f:P_8B')[0]).toBe('40.000');
    expect(texts(xml, '//f:FaWiersz[not(f:StanPrzed)]/f:P_8B')[0]).toBe('30.000');
    // differences: 23 % unchanged, 8 % −45.00 net / −3.60 VAT, gross −48.60 credited.
    expect([one(xml, '//f:Fa/f:P_13_1'), one(xml, '//f:Fa/f:P_14_1')]).toEqual(['0.00', '0.00']);
    expect([one(xml, '//f:Fa/f:P_13_2'), one(xml, '//f:Fa/f:P_14_2')]).toEqual(['-45.00', '-3.60']);
    expect(one(xml, '//f:Fa/f:P_15')).toBe('-48.60');
    expect(one(xml, '//f:Rozliczenie/f:DoRozliczenia')).toBe('48.60');
    expect(texts(xml, '//f:Platnosc/f:TerminPlatnosci')).toEqual([]);
  });

  it('a correction of an invoice issued outside KSeF says NrKSeFN', () => {
    const doc = businessCorrection();
    const xml = buildFa3({ ...doc, corrected: { ...doc.corrected, ksefNumber: null } });
    expect(one(xml, '//f:DaneFaKorygowanej/f:NrKSeFN')).toBe('1');
    expect(texts(xml, '//f:DaneFaKorygowanej/f:NrKSeFFaKorygowanej')).toEqual([]);
  });

  it('is deterministic: the same document gives the same bytes, UTF-8 without BOM, one XML declaration', () => {
    const a = buildFa3(businessCorrection());
    const b = buildFa3(structuredClone(businessCorrection()));
    expect(Buffer.compare(a, b)).toBe(0);
    expect([a[0], a[1], a[2]]).not.toEqual([0xef, 0xbb, 0xbf]);
    expect(Buffer.from(a).toString('utf8').startsWith('<?xml version="1.0" encoding="UTF-8"?><Faktura xmlns="http://crd.gov.pl/wzor/2025/06/25/13775/">')).toBe(true);
  });
});

describe('a document that would make a wrong invoice is refused, with a code and Polish and English messages', () => {
  const cases: Array<[string, () => BillingDocument, string]> = [
    ['a buyer NIP with a wrong check digit', () => ({ ...businessInvoice(), buyer: { ...BUSINESS, nip: wrongCheckDigit(BUSINESS_NIP) } }), 'invoice.nip_invalid'],
    ['a housing community NIP with a wrong check digit', () => { const d = communityInvoice(); return { ...d, buyer: { ...d.buyer, nip: wrongCheckDigit(nip('534287120')) } }; }, 'invoice.nip_invalid'],
    ['a seller NIP with a wrong check digit', () => { const d = householdInvoice(); return { ...d, seller: { ...d.seller, nip: wrongCheckDigit(d.seller.nip) } }; }, 'invoice.nip_invalid'],
    ['a business without NIP', () => ({ ...businessInvoice(), buyer: { ...BUSINESS, nip: '' } }), 'invoice.nip_invalid'],
    ['an account with a wrong check digit', () => { const d = householdInvoice(); return { ...d, paymentAccount: (d.paymentAccount[0] === '9' ? '1' : '9') + d.paymentAccount.slice(1) }; }, 'invoice.account_invalid'],
    ['a VAT total that does not match the lines', () => { const d = householdInvoice(); return { ...d, totals: { ...d.totals, byRate: [{ vatRate: 8, net: 18866, vat: 1510 }], vat: 1510, gross: 20376 } }; }, 'invoice.totals_mismatch'],
    ['a line net that is not quantity × price', () => { const d = householdInvoice(); return { ...d, lines: [{ ...d.lines[0], net: 2206 }, ...d.lines.slice(1)] }; }, 'invoice.line_net_mismatch'],
    ['an impossible date', () => ({ ...householdInvoice(), dueDate: '2026-02-30' }), 'invoice.bad_date'],
    ['a name with a control character', () => ({ ...householdInvoice(), buyer: { ...householdInvoice().buyer, name: 'Jan\u0007Kowalski' } }), 'invoice.bad_text'],
    ['a seller e-mail without @', () => ({ ...householdInvoice(), seller: { ...householdInvoice().seller, email: 'bok.example.pl' } }), 'invoice.bad_email'],
    ['a seller phone longer than FA(3) allows (16)', () => ({ ...householdInvoice(), seller: { ...householdInvoice().seller, phone: '+48 22 758 99 00 wew. 12' } }), 'invoice.bad_text'],
    ['no lines', () => ({ ...householdInvoice(), lines: [], totals: { byRate: [], net: 0, vat: 0, gross: 0 } }), 'invoice.no_lines'],
    ['a fractional amount', () => { const d = householdInvoice(); return { ...d, lines: [{ ...d.lines[0], unitPrice: 420.5 }, ...d.lines.slice(1)] }; }, 'invoice.bad_number'],
    ['a malformed KSeF number of the corrected invoice', () => { const d = businessCorrection(); return { ...d, corrected: { ...d.corrected, ksefNumber: 'not-a-ksef-number' } }; }, 'invoice.ksef_number_invalid'],
    ['a correction difference that is not after − before', () => { const d = businessCorrection(); return { ...d, difference: { ...d.difference, gross: -4861 } }; }, 'invoice.totals_mismatch'],
  ];
  it.each(cases)('%s', (_name, make, code) => {
    const e = refused(make());
    expect(e.code).toBe(code);
    expect(e.kind).toBe('bad_request');
    expect(e.messages.pl.length).toBeGreaterThan(10);
    expect(e.messages.en.length).toBeGreaterThan(10);
  });

  it('a household buyer given a NIP is refused rather than the NIP silently dropped', () => {
    const d: InvoiceDocument = householdInvoice();
    const withNip = { ...d, buyer: { ...d.buyer, nip: BUSINESS_NIP } } as unknown as InvoiceDocument;
    expect(refused(withNip).code).toBe('invoice.household_nip');
  });
});

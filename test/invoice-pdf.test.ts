/**
 * The invoice PDF renderer on the sample documents of every kind: the text a
 * reader sees (Polish formats and letters, lines, totals, reading basis,
 * correction before/after/difference) read back with PDF.js, and the QR
 * codes decoded from the PDF's own images with jsQR: the payment code must
 * carry the ZBP "Standard 2D" fields, KOD I the KSeF verification link.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as S from '../src/modules/billing/fa3/testing/sample-documents.ts';
import { paymentQrText, parsePaymentQrText } from '../src/modules/billing/pdf/payment-qr.ts';
import { ksefVerificationUrl } from '../src/modules/billing/pdf/ksef-qr.ts';
import { renderInvoicePdf, type Branding, type InvoicePdfInput } from '../src/modules/billing/pdf/render.ts';
import { consumptionOf } from '../src/modules/billing/pdf/store.ts';
import { pdfText } from './support/pdf.ts';
import { pdfQrCodes } from './support/pdf-qr.ts';

const BRANDING: Branding = {
  name: 'Zakład Gospodarki Komunalnej „Wodnik” sp. z o.o.',
  shortName: 'ZGK Wodnik Pruszków',
  street: 'ul. Wodociągowa 7',
  postalCode: '05-800',
  city: 'Pruszków',
  nip: S.SELLER.nip,
  phone: '22 758 99 00',
  email: 'bok@zgk.example.pl',
  website: 'zgk.example.pl',
  primaryColor: '#0b5cad',
  accentColor: '#00897b',
  logoSvg:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120"><circle cx="60" cy="60" r="56" fill="#0b5cad"/>' +
    '<path d="M60 18 C60 18 30 56 30 74 a30 30 0 0 0 60 0 C90 56 60 18 60 18 Z" fill="#ffffff"/></svg>',
};
const HISTORY = [
  { from: '2025-07-01', to: '2025-08-31', volume: 14_200, estimated: false },
  { from: '2025-09-01', to: '2025-10-31', volume: 12_000, estimated: true },
  { from: '2025-11-01', to: '2025-12-31', volume: 13_100, estimated: false },
];
// NBSP (thousands and "zł") and the text runs' spacing as PDF.js gives them, made plain for matching.
const plain = (s: string) => s.replace(/\u00a0/g, ' ');

async function render(over: Partial<InvoicePdfInput> & Pick<InvoicePdfInput, 'document'>) {
  const input: InvoicePdfInput = { branding: BRANDING, history: [...HISTORY, { ...over.document.period, ...consumptionOf(over.document), current: true }], ksef: null, ...over };
  const pdf = await renderInvoicePdf(input);
  return { pdf, text: plain(await pdfText(pdf)), codes: pdfQrCodes(pdf) };
}

describe('invoice PDF', () => {
  it('a household invoice: Polish letters, lines, totals, reading basis, chart figures and a payment QR code with the ZBP fields', async () => {
    const doc = S.householdInvoice();
    const { pdf, text, codes } = await render({ document: doc });
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
    expect(text).toContain('Faktura VAT');
    expect(text).toContain('nr FV/2026/03/000123');
    expect(text).toContain('Anna Żółkiewska & Jan <Kowalski>');
    expect(text).toContain('ul. Źródlana 3 m. 12');
    expect(text).toContain('Data wystawienia: 02.03.2026, Pruszków');
    expect(text).toContain('Okres rozliczeniowy: 01.01.2026 – 28.02.2026');
    expect(text).toMatch(/Dostawa wody 01\.01–20\.01\.2026 5,254 m³ 4,20 zł 22,07 zł 8%/);
    expect(text).toMatch(/Opłata abonamentowa \(faktura papierowa\) 2,000 mies\. 6,00 zł 12,00 zł 8%/);
    expect(text).toMatch(/Razem 188,66 zł 15,09 zł 203,75 zł/);
    expect(text).toContain('Do zapłaty: 203,75 zł');
    expect(text).toContain('Termin płatności: 16.03.2026');
    // The reading basis: opening and closing reading with date, value and source.
    expect(text).toMatch(/A1 31\.12\.2025 120,000 odczyt inkasenta 28\.02\.2026 135,500 odczyt zdalny 15,500 m³/);
    // The chart's figures: the earlier periods and this one, the estimated one starred.
    for (const label of ['14,2', '12,0*', '13,1', '15,5', '07–08.2025', '01–02.2026', '* zużycie szacunkowe']) expect(text).toContain(label);
    expect(text).toContain(doc.paymentAccount.replace(/^(\d\d)(\d{4})(\d{4})(\d{4})(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3 $4 $5 $6 $7'));
    expect(text).not.toContain('OFFLINE');

    expect(codes).toHaveLength(1);
    const pay = parsePaymentQrText(codes[0]);
    expect(pay).toEqual({ nip: S.SELLER.nip, country: 'PL', account: doc.paymentAccount, amount: 20375, name: 'ZGK Wodnik Pruszków', title: 'FV/2026/03/000123' });
    expect(codes[0]).toBe(`${S.SELLER.nip}|PL|${doc.paymentAccount}|020375|ZGK Wodnik Pruszków|FV/2026/03/000123|||`);
  });

  it('an invoice that goes to KSeF: KOD I links to the SHA-256 of the stored XML bytes, OFFLINE under it until a KSeF number exists', async () => {
    const doc = S.businessInvoice();
    const xml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Faktura>przykład ąę</Faktura>', 'utf8');
    const url = ksefVerificationUrl('test', doc.seller.nip, doc.issueDate, xml);
    const hash = createHash('sha256').update(xml).digest('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(url).toBe(`https://qr-test.ksef.mf.gov.pl/invoice/${S.SELLER.nip}/02-03-2026/${hash}`);

    const offline = await render({ document: doc, ksef: { url, number: null } });
    expect(offline.text).toContain('OFFLINE');
    expect(offline.text).toContain('KOD I');
    expect(offline.text).toContain(`NIP ${S.BUSINESS_NIP}`);
    expect(offline.text).toMatch(/Sprawdzenie wodomierza na wniosek odbiorcy 1,000 szt\. 85,00 zł 85,00 zł 23%/);
    expect(offline.text).toMatch(/23% 85,00 zł 19,55 zł 104,55 zł/);
    expect(offline.codes).toHaveLength(2);
    expect(offline.codes).toContain(url);
    expect(parsePaymentQrText(offline.codes.find((c) => c !== url)!)?.amount).toBe(30543);

    const number = `${S.SELLER.nip}-20260302-0A1B2C3D4E5F-6A`;
    const online = await render({ document: doc, ksef: { url, number } });
    expect(online.text).toContain(number);
    expect(online.text).not.toContain('OFFLINE');
  });

  it('a correction: the corrected invoice, the reason, before, after and the difference; a credit has no payment code', async () => {
    const doc = S.businessCorrection();
    const { text, codes } = await render({ document: doc });
    expect(text).toContain('Faktura korygująca');
    expect(text).toContain('nr FK/2026/03/000007');
    expect(text).toContain('Korekta faktury nr FV/2026/03/000124 z dnia 02.03.2026');
    expect(text).toContain(`Numer KSeF korygowanej faktury: ${S.SELLER.nip}-20260302-0A1B2C-3D4E5F-6A`);
    expect(text).toContain('Przyczyna korekty: Błędny odczyt końcowy wodomierza B7 (reklamacja uznana)');
    expect(text).toMatch(/Przed korektą[\s\S]*Dostawa wody 40,000 m³[\s\S]*Razem 271,00 zł 34,43 zł 305,43 zł/);
    expect(text).toMatch(/Po korekcie[\s\S]*Dostawa wody 30,000 m³[\s\S]*Razem 226,00 zł 30,83 zł 256,83 zł/);
    expect(text).toMatch(/Różnica[\s\S]*8% −45,00 zł −3,60 zł −48,60 zł[\s\S]*Razem −45,00 zł −3,60 zł −48,60 zł/);
    expect(text).toContain('Do zwrotu: 48,60 zł');
    expect(codes).toEqual([]);
  });

  it('an estimate is marked on the invoice and its lines', async () => {
    const { text } = await render({ document: S.estimateInvoice() });
    expect(text).toContain('Faktura szacunkowa');
    expect(text).toMatch(/Dostawa wody \(szacunek\) 6,200 m³/);
    expect(text).toMatch(/A9 31\.12\.2025 50,000 odczyt klienta 28\.02\.2026 56,200 szacunek 6,200 m³/);
  });

  it('a community invoice with many lines still fits, and a long invoice flows onto a second page', async () => {
    const doc = S.communityInvoice();
    const many = Array.from({ length: 60 }, (_, i) => ({ ...doc.lines[0], name: `Dostawa wody, część ${i + 1}` }));
    const long = { ...doc, lines: many, totals: { byRate: [{ vatRate: 8 as const, net: 60 * 139556, vat: Math.round(60 * 139556 * 0.08) }], net: 60 * 139556, vat: Math.round(60 * 139556 * 0.08), gross: 0 } };
    long.totals.gross = long.totals.net + long.totals.vat;
    const { text } = await render({ document: long });
    expect(text).toContain('część 60');
    expect(text).toContain('ciąg dalszy (strona 2)');
  });
});

describe('payment QR text (ZBP Standard 2D)', () => {
  const base = { nip: S.SELLER.nip, account: S.account(1), amount: 12345, name: 'Wodociągi | Miejskie w Pruszkowie', title: 'FV/2026/12/000001 klient K/1' };
  it('nine fields, the amount as six digits of grosze, names cut to their lengths, no separator inside a field', () => {
    const t = paymentQrText(base)!;
    const f = t.split('|');
    expect(f).toHaveLength(9);
    expect(f[3]).toBe('012345');
    expect(f[4]).toBe('Wodociągi Miejskie w');
    expect(Array.from(f[5]).length).toBeLessThanOrEqual(32);
    expect(t.length).toBeLessThanOrEqual(160);
  });
  it('no code for an amount the field cannot carry (over 9 999,99 zł), for nothing to pay, or for a bad account', () => {
    expect(paymentQrText({ ...base, amount: 1_000_000 })).toBeNull();
    expect(paymentQrText({ ...base, amount: 999_999 })).toContain('|999999|');
    expect(paymentQrText({ ...base, amount: 0 })).toBeNull();
    expect(paymentQrText({ ...base, amount: -500 })).toBeNull();
    expect(paymentQrText({ ...base, account: '123' })).toBeNull();
  });
});

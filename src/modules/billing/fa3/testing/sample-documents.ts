/**
 * Invoice documents of every kind a water utility issues, for the FA(3)
 * tests and the benchmark: a household (consumer, BrakID), a business and a
 * housing community (NIP), an estimate, and a correction of an invoice sent
 * to KSeF. Amounts are worked out by hand in the comments, so a test that
 * reads them back checks the arithmetic, not a copy of it.
 */
import { completeNip, nrbFromBban } from '../../../../lib/check-digits.ts';
import type { Buyer, CorrectionDocument, InvoiceDocument, InvoiceLine, Seller } from '../../invoice-document.ts';

/** A valid NIP from nine digits (bodies chosen so that a check digit exists). */
export const nip = (first9: string) => {
  const n = completeNip(first9);
  if (n === null) throw new Error(`no NIP for ${first9}`);
  return n;
};

/** The same NIP with its last digit changed: a wrong check digit (a NIP's check digit is never 10, so no other digit is right). */
export const wrongCheckDigit = (n: string) => n.slice(0, 9) + ((Number(n[9]) + 1) % 10);

export const SELLER: Seller = {
  nip: nip('526104789'),
  name: 'Zakład Gospodarki Komunalnej „Wodnik” sp. z o.o.',
  address: { line1: 'ul. Wodociągowa 7', postalCode: '05-800', city: 'Pruszków' },
  email: 'bok@zgk.example.pl',
  phone: '227589900',
};

export const account = (n: number) => nrbFromBban(`10901014${String(n).padStart(16, '0')}`);

export const HOUSEHOLD: Buyer = {
  kind: 'household',
  name: 'Anna Żółkiewska & Jan <Kowalski>',
  address: { line1: 'ul. Źródlana 3 m. 12', postalCode: '05-800', city: 'Pruszków' },
  customerNumber: 'K/000123',
};
export const BUSINESS_NIP = nip('123456788');
export const BUSINESS: Buyer = {
  kind: 'business',
  nip: BUSINESS_NIP,
  name: 'Piekarnia „Kłos” s.c.',
  address: { line1: 'ul. Polna 1', postalCode: '05-820', city: 'Piastów' },
  customerNumber: 'K/000456',
};
export const COMMUNITY: Buyer = {
  kind: 'community',
  nip: nip('534287120'),
  name: 'Wspólnota Mieszkaniowa Nieruchomości ul. Lipowa 5',
  address: { line1: 'ul. Lipowa 5', postalCode: '05-800', city: 'Pruszków' },
  customerNumber: 'K/000789',
};

// Two months, a tariff change on 21 January 2026 (water 4.20 → 4.50, sewage 6.80 → 7.10 PLN/m³ net),
// 15.500 m³ over 59 days: 20 days → 15.500 × 20 / 59 = 5.254 m³, the rest 10.246 m³.
//   water  5.254 × 4.20 = 22.0668 → 22.07;  10.246 × 4.50 = 46.107 → 46.11
//   sewage 5.254 × 6.80 = 35.7272 → 35.73;  10.246 × 7.10 = 72.7466 → 72.75
//   fee    2.000 months × 6.00 = 12.00
// 8 %: net 22.07 + 46.11 + 35.73 + 72.75 + 12.00 = 188.66, VAT 15.0928 → 15.09, gross 203.75.
export const HOUSEHOLD_LINES: InvoiceLine[] = [
  { name: 'Dostawa wody 01.01–20.01.2026', quantity: 5254, unit: 'm3', unitPrice: 420, net: 2207, vatRate: 8 },
  { name: 'Dostawa wody 21.01–28.02.2026', quantity: 10246, unit: 'm3', unitPrice: 450, net: 4611, vatRate: 8 },
  { name: 'Odprowadzanie ścieków 01.01–20.01.2026', quantity: 5254, unit: 'm3', unitPrice: 680, net: 3573, vatRate: 8 },
  { name: 'Odprowadzanie ścieków 21.01–28.02.2026', quantity: 10246, unit: 'm3', unitPrice: 710, net: 7275, vatRate: 8 },
  { name: 'Opłata abonamentowa (faktura papierowa)', quantity: 2000, unit: 'month', unitPrice: 600, net: 1200, vatRate: 8 },
];

const base = {
  issueDate: '2026-03-02',
  issuePlace: 'Pruszków',
  createdAt: '2026-03-02T06:00:00Z',
  seller: SELLER,
  period: { from: '2026-01-01', to: '2026-02-28' },
};
/** What the sample invoices (not the correction) share. */
const invoiceBase = { kind: 'invoice' as const, ...base, dueDate: '2026-03-16', estimated: false };

export function householdInvoice(): InvoiceDocument {
  return {
    ...invoiceBase,
    number: 'FV/2026/03/000123',
    buyer: HOUSEHOLD,
    paymentAccount: account(123),
    readings: [
      { meterSerial: 'A1', opening: { date: '2025-12-31', value: 120000, source: 'reader' }, closing: { date: '2026-02-28', value: 135500, source: 'remote' } },
    ],
    lines: HOUSEHOLD_LINES,
    totals: { byRate: [{ vatRate: 8, net: 18866, vat: 1509 }], net: 18866, vat: 1509, gross: 20375 },
  };
}

// A bakery: water 40.000 m³ × 4.50 = 180.00 and a 23 % service, meter check 1 × 85.00:
// 8 %: net 180.00 + fee 1.000 × 6.00 = 186.00, VAT 14.88;  23 %: net 85.00, VAT 19.55; gross 305.43.
export function businessInvoice(): InvoiceDocument {
  return {
    ...invoiceBase,
    number: 'FV/2026/03/000124',
    period: { from: '2026-02-01', to: '2026-02-28' },
    buyer: BUSINESS,
    paymentAccount: account(456),
    readings: [
      { meterSerial: 'B7', opening: { date: '2026-01-31', value: 5000, source: 'remote' }, closing: { date: '2026-02-28', value: 45000, source: 'remote' } },
    ],
    lines: [
      { name: 'Dostawa wody', quantity: 40000, unit: 'm3', unitPrice: 450, net: 18000, vatRate: 8 },
      { name: 'Opłata abonamentowa', quantity: 1000, unit: 'month', unitPrice: 600, net: 600, vatRate: 8 },
      { name: 'Sprawdzenie wodomierza na wniosek odbiorcy', quantity: 1000, unit: 'pcs', unitPrice: 8500, net: 8500, vatRate: 23 },
    ],
    totals: {
      byRate: [
        { vatRate: 23, net: 8500, vat: 1955 },
        { vatRate: 8, net: 18600, vat: 1488 },
      ],
      net: 27100,
      vat: 3443,
      gross: 30543,
    },
  };
}

// A housing community, e-invoice fee: water and sewage 310.125 m³;
// water 310.125 × 4.50 = 1395.5625 → 1395.56; sewage 310.125 × 7.10 = 2201.8875 → 2201.89;
// fee 2.000 × 3.60 = 7.20; net 3604.65, VAT 288.372 → 288.37, gross 3893.02.
export function communityInvoice(): InvoiceDocument {
  return {
    ...invoiceBase,
    number: 'FV/2026/03/000125',
    buyer: COMMUNITY,
    paymentAccount: account(789),
    readings: [
      { meterSerial: 'W-2201', opening: { date: '2025-12-31', value: 9_010_000, source: 'reader' }, closing: { date: '2026-02-28', value: 9_320_125, source: 'reader' } },
    ],
    lines: [
      { name: 'Dostawa wody', quantity: 310125, unit: 'm3', unitPrice: 450, net: 139556, vatRate: 8 },
      { name: 'Odprowadzanie ścieków', quantity: 310125, unit: 'm3', unitPrice: 710, net: 220189, vatRate: 8 },
      { name: 'Opłata abonamentowa (e-faktura)', quantity: 2000, unit: 'month', unitPrice: 360, net: 720, vatRate: 8 },
    ],
    totals: { byRate: [{ vatRate: 8, net: 360465, vat: 28837 }], net: 360465, vat: 28837, gross: 389302 },
  };
}

// No closing reading: 6.200 m³ estimated (water 6.200 × 4.50 = 27.90, sewage 6.200 × 7.10 = 44.02, fee 7.20);
// net 79.12, VAT 6.3296 → 6.33, gross 85.45.
export function estimateInvoice(): InvoiceDocument {
  return {
    ...invoiceBase,
    number: 'FV/2026/03/000126',
    buyer: { ...HOUSEHOLD, name: 'Piotr Nowak', customerNumber: 'K/000321' },
    paymentAccount: account(321),
    readings: [
      { meterSerial: 'A9', opening: { date: '2025-12-31', value: 50000, source: 'customer' }, closing: { date: '2026-02-28', value: 56200, source: 'estimated' } },
    ],
    lines: [
      { name: 'Dostawa wody (szacunek)', quantity: 6200, unit: 'm3', unitPrice: 450, net: 2790, vatRate: 8, estimated: true },
      { name: 'Odprowadzanie ścieków (szacunek)', quantity: 6200, unit: 'm3', unitPrice: 710, net: 4402, vatRate: 8, estimated: true },
      { name: 'Opłata abonamentowa (e-faktura)', quantity: 2000, unit: 'month', unitPrice: 360, net: 720, vatRate: 8 },
    ],
    totals: { byRate: [{ vatRate: 8, net: 7912, vat: 633 }], net: 7912, vat: 633, gross: 8545 },
    estimated: true,
  };
}

// The business invoice corrected: the closing reading was 45.000 m³ but should have been 35.000,
// so water 30.000 × 4.50 = 135.00 instead of 180.00. 8 % net 186.00 → 141.00, VAT 14.88 → 11.28;
// 23 % unchanged. Difference: 8 % net −45.00, VAT −3.60; gross −48.60 (to be credited).
export function businessCorrection(): CorrectionDocument {
  const inv = businessInvoice();
  const after: InvoiceLine[] = [{ ...inv.lines[0], quantity: 30000, net: 13500 }, inv.lines[1], inv.lines[2]];
  return {
    kind: 'correction',
    number: 'FK/2026/03/000007',
    issueDate: '2026-03-20',
    issuePlace: 'Pruszków',
    createdAt: '2026-03-20T09:30:00Z',
    seller: SELLER,
    buyer: BUSINESS,
    period: inv.period,
    paymentAccount: inv.paymentAccount,
    readings: [
      { meterSerial: 'B7', opening: { date: '2026-01-31', value: 5000, source: 'remote' }, closing: { date: '2026-02-28', value: 35000, source: 'reader' } },
    ],
    reason: 'Błędny odczyt końcowy wodomierza B7 (reklamacja uznana)',
    corrected: { number: inv.number, issueDate: inv.issueDate, ksefNumber: `${SELLER.nip}-20260302-0A1B2C-3D4E5F-6A` },
    before: { lines: inv.lines, totals: inv.totals },
    after: {
      lines: after,
      totals: {
        byRate: [
          { vatRate: 23, net: 8500, vat: 1955 },
          { vatRate: 8, net: 14100, vat: 1128 },
        ],
        net: 22600,
        vat: 3083,
        gross: 25683,
      },
    },
    difference: {
      byRate: [
        { vatRate: 23, net: 0, vat: 0 },
        { vatRate: 8, net: -4500, vat: -360 },
      ],
      net: -4500,
      vat: -360,
      gross: -4860,
    },
  };
}

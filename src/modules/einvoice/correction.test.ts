/**
 * The correction document, pure: before / after / difference worked out by
 * hand in sample-documents.ts (the bakery's wrong closing reading), the
 * reason, the due date rule, and its FA(3) KOR XML against the official schema.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../../test/support/shared.ts';
import { AppError } from '../../lib/errors.ts';
import { buildFa3, validateFa3 } from '../billing/fa3/index.ts';
import { businessCorrection, businessInvoice, householdInvoice } from '../billing/fa3/testing/sample-documents.ts';
import { makeCorrection, parseGrosze, parseThousandths, type CorrectionInput } from './correction.ts';

const schemaFile = sharedPath('ksef/schemy/FA/schemat_FA(3)_v1-0E.xsd');
const KSEF = businessCorrection().corrected.ksefNumber;
const meta = { number: 'KOR/2026/03/000007', issueDate: '2026-03-20', createdAt: '2026-03-20T09:30:00Z' };

const asInput = (lines: ReturnType<typeof businessInvoice>['lines']) =>
  lines.map((l) => ({ name: l.name, quantity: (l.quantity / 1000).toFixed(3), unit: l.unit, unitPrice: (l.unitPrice / 100).toFixed(2), vatRate: l.vatRate }));

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
  throw new Error('not refused');
}

describe('decimal input', () => {
  it('reads quantities in thousandths and prices in grosze, with a comma or a point', () => {
    expect(['12,345', '12.5', '0', '-1,5', ' 7 '].map(parseThousandths)).toEqual([12345, 12500, 0, -1500, 7000]);
    expect(['1.2345', '1,2,3', '', 'abc', '1e3'].map(parseThousandths)).toEqual([null, null, null, null, null]);
    expect(['4,50', '4.5', '0', '1234567.89'].map(parseGrosze)).toEqual([450, 450, 0, 123456789]);
    expect(['-1', '4.505', '12345678'].map(parseGrosze)).toEqual([null, null, null]);
  });
});

describe('makeCorrection', () => {
  const inv = businessInvoice();
  const before = { lines: inv.lines, totals: inv.totals, readings: inv.readings };
  // The closing reading was 45.000 m³ but should have been 35.000: water 30.000 m³ instead of 40.000.
  const input: CorrectionInput = {
    reason: 'wrong_reading',
    note: 'stan końcowy 35,000 m³',
    lines: asInput([{ ...inv.lines[0], quantity: 30000, net: 13500 }, inv.lines[1], inv.lines[2]]),
    readings: [{ meterSerial: 'B7', closing: '35,000' }],
  };

  it('gives the hand-computed before, after and difference (8 %: net −45.00, VAT −3.60; gross −48.60), no due date for a credit', () => {
    const doc = makeCorrection(inv, KSEF, before, input, meta);
    const expected = businessCorrection();
    expect(doc.before).toEqual(expected.before);
    expect(doc.after.totals).toEqual(expected.after.totals);
    expect(doc.difference).toEqual(expected.difference);
    expect(doc.corrected).toEqual(expected.corrected);
    expect(doc.readings[0].closing).toEqual({ date: '2026-02-28', value: 35000, source: 'actual' });
    expect(doc.reason).toBe('Błędny odczyt wodomierza: stan końcowy 35,000 m³');
    expect(doc.dueDate).toBeUndefined();
  });

  it('an additional charge is due as long after the correction as the invoice was after its issue (14 days here)', () => {
    const doc = makeCorrection(inv, KSEF, before, { ...input, reason: 'wrong_tariff', readings: undefined, lines: asInput([{ ...inv.lines[0], quantity: 41000, net: 18450 }, inv.lines[1], inv.lines[2]]) }, meta);
    expect(doc.difference.gross).toBe(450 + 36); // +4.50 net, VAT 8 % on 190.50 = 15.24 (was 14.88)
    expect(doc.dueDate).toBe('2026-04-03');
  });

  it.skipIf(schemaFile === null)('makes KOR XML that is valid FA(3), also for an invoice issued outside KSeF', () => {
    const dir = path.dirname(schemaFile!);
    expect(validateFa3(buildFa3(makeCorrection(inv, KSEF, before, input, meta)), dir)).toEqual({ valid: true });
    const h = householdInvoice();
    const hb = { lines: h.lines, totals: h.totals, readings: h.readings };
    const lines = asInput(h.lines);
    lines[4] = { ...lines[4], name: 'Opłata abonamentowa (e-faktura)', unitPrice: '3.60' };
    expect(validateFa3(buildFa3(makeCorrection(h, null, hb, { reason: 'complaint_upheld', note: 'opłata za e-fakturę', lines }, meta)), dir)).toEqual({ valid: true });
  });

  it('refuses a correction that changes nothing, a meter outside the basis, a closing below the opening, and an empty note', () => {
    expect(refusal(() => makeCorrection(inv, KSEF, before, { ...input, readings: undefined, lines: asInput(inv.lines) }, meta))).toBe('correction.no_change');
    expect(refusal(() => makeCorrection(inv, KSEF, before, { ...input, readings: [{ meterSerial: 'X', closing: '1' }] }, meta))).toBe('correction.unknown_meter');
    expect(refusal(() => makeCorrection(inv, KSEF, before, { ...input, readings: [{ meterSerial: 'B7', closing: '4,999' }] }, meta))).toBe('correction.reading_below_opening');
    expect(refusal(() => makeCorrection(inv, KSEF, before, { ...input, note: '  ' }, meta))).toBe('correction.note_required');
  });
});

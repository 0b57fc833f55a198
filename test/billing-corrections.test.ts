/**
 * Corrections from the engine: an issued invoice corrected for a wrong
 * reading re-bills its contract for its period with the corrected input
 * (a reading corrected in metering, or a closing register staff type), and
 * the corrective invoice states before / after / difference from that bill,
 * its own KOR number, the corrected invoice's number and KSeF number; the
 * original stays byte for byte as it was. A correction that would not be
 * billable is refused with the run's code and takes no number.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connection.ts';
import { withTenant } from '../src/db/tenant.ts';
import { validateFa3 } from '../src/modules/billing/fa3/index.ts';
import type { CorrectionDocument, InvoiceDocument } from '../src/modules/billing/invoice-document.ts';
import { approveRun, createPreviewRun, issueRun } from '../src/modules/billing/runs/service.ts';
import { issueCorrection, previewCorrection, type CorrectionInput } from '../src/modules/einvoice/correction.ts';
import { PERIOD, buildBillingWorld, type World } from './support/billing-world.ts';
import { createTestDatabase } from './support/db.ts';
import { buildUser } from './support/factories.ts';

let database: Database;
let w: World;
let staffId: number;
let invoiceId: number;
let original: { document: InvoiceDocument; xml: Uint8Array };
const NOW = new Date('2026-12-02T10:00:00Z');
const KSEF = '5261047890-20261103-0100A0B1C2D3-4E';

beforeAll(async () => {
  database = await createTestDatabase();
  w = await buildBillingWorld(database, 2);
  staffId = (await buildUser(database, w.utilityId, { kind: 'staff', roles: ['billing'] })).id;
  const runId = await tenant((tx) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }));
  await tenant((tx) => approveRun(tx, w.utilityId, runId, null));
  await issueRun(database, w.utilityId, runId, { now: () => new Date('2026-11-03T09:00:00Z'), documents: false });
  // UM/1: 12.345 m³ over 61 days, e-invoice; gross 201.81 zł (worked by hand in billing-runs.test.ts).
  const { rows } = await sql<{ id: number; document: InvoiceDocument; xml: Uint8Array }>`
    select i.id, i.document, i.xml from invoices i join contracts c on c.utility_id = i.utility_id and c.id = i.contract_id
    where i.utility_id = ${w.utilityId} and c.contract_number = 'UM/1'`.execute(database.db);
  invoiceId = Number(rows[0].id);
  original = { document: rows[0].document, xml: new Uint8Array(rows[0].xml) };
  // The KSeF issue's part: the invoice was accepted there.
  await sql`update invoices set ksef_number = ${KSEF} where id = ${invoiceId}`.execute(database.db);
}, 180_000);
afterAll(() => database?.close());

function tenant<T>(fn: Parameters<typeof withTenant<T>>[2]) {
  return withTenant(database.db, { utilityId: w.utilityId }, fn);
}
const correct = (input: CorrectionInput, id = invoiceId) => tenant((tx) => issueCorrection(tx, { utilityId: w.utilityId, invoiceId: id, staffId, ip: '127.0.0.1', now: NOW, input }));
const stored = async (id: number) =>
  (await sql<{ document: CorrectionDocument; xml: Uint8Array; gross_grosze: number; series: string; corrects_invoice_id: number }>`
    select document, xml, gross_grosze, series, corrects_invoice_id from invoices where id = ${id}`.execute(database.db)).rows[0];
const korCount = async () => Number((await sql<{ n: number }>`select count(*)::int as n from invoices where utility_id = ${w.utilityId} and kind = 'correction'`.execute(database.db)).rows[0].n);

describe('a correction recomputed by the engine', () => {
  it('refuses a corrected closing register below the opening one with the run code, taking no number', async () => {
    const res = correct({ reason: 'wrong_reading', note: 'Odczyt 30.10', readings: [{ meterSerial: 'SN1', closing: '99.000' }] });
    await expect(res).rejects.toMatchObject({ code: 'reading.lower_than_previous', kind: 'bad_request' });
    expect(await korCount()).toBe(0);
  });

  it('previews and issues from a closing register typed by staff: before, after and difference worked by hand', async () => {
    // 100.000 → 106.100: 6.100 m³ in 61 days, split 30/31: 3.000 (old tariff) and 3.100 (new).
    // water 3.000 × 5.00 = 15.00, 3.100 × 5.40 = 16.74; sewage 3.000 × 9.00 = 27.00, 3.100 × 9.40 = 29.14;
    // e-invoice fee 5.40 + 3.60 = 9.00; net 96.88, VAT 8 % 7.7504 → 7.75, gross 104.63; before 201.81 → −97.18.
    const input: CorrectionInput = { reason: 'wrong_reading', note: 'Błędnie spisany stan', readings: [{ meterSerial: 'SN1', closing: '106,100' }] };
    const preview = await tenant((tx) => previewCorrection(tx, { utilityId: w.utilityId, invoiceId, now: NOW, input }));
    expect(preview.after.totals).toMatchObject({ net: 9688, vat: 775, gross: 10463 });
    expect(preview.difference).toMatchObject({ net: 9688 - 18686, vat: 775 - 1495, gross: -9718 });
    expect(await korCount()).toBe(0);

    const { id, number } = await correct(input);
    expect(number).toBe('KOR/2026/12/000001');
    const kor = await stored(id);
    expect(kor).toMatchObject({ series: 'KOR', corrects_invoice_id: invoiceId, gross_grosze: -9718 });
    const doc = kor.document;
    expect(doc.corrected).toEqual({ number: original.document.number, issueDate: original.document.issueDate, ksefNumber: KSEF });
    expect(doc.before.totals.gross).toBe(20181);
    expect(doc.after.lines.map((l) => [l.quantity, l.unitPrice, l.net])).toEqual([
      [3000, 500, 1500],
      [3100, 540, 1674],
      [3000, 900, 2700],
      [3100, 940, 2914],
      [1000, 540, 540],
      [1000, 360, 360],
    ]);
    expect(doc.readings).toEqual([expect.objectContaining({ meterSerial: 'SN1', closing: expect.objectContaining({ date: '2026-10-31', value: 106_100, source: 'actual' }) })]);
    expect(doc.reason).toBe('Błędny odczyt wodomierza: Błędnie spisany stan');
    expect(validateFa3(new Uint8Array(kor.xml))).toEqual({ valid: true });
    expect(Buffer.from(kor.xml).toString()).toContain(KSEF);
  });

  it('corrects again from a reading corrected in metering, starting from the first correction, and leaves the original as issued', async () => {
    // The reader's 31.10 register was wrong: metering rejects it and records the right one, 108.100 (8.100 m³).
    const meter = (await sql<{ id: number }>`select id from meters where utility_id = ${w.utilityId} and serial_number = 'SN1'`.execute(database.db)).rows[0].id;
    await sql`update readings set status = 'rejected' where meter_id = ${meter} and read_at = '2026-10-31T12:00:00+02:00'`.execute(database.db);
    await sql`insert into readings (utility_id, meter_id, read_at, value_m3, source) values (${w.utilityId}, ${meter}, '2026-10-31T13:00:00+02:00', 108.100, 'reader')`.execute(database.db);
    const { id, number } = await correct({ reason: 'complaint_upheld', note: 'Reklamacja uznana' });
    expect(number).toBe('KOR/2026/12/000002');
    const doc = (await stored(id)).document;
    // 8.100 m³: 30/61 → 3.984 (3.9836…), the rest 4.116; water 19.92 + 22.23, sewage 35.86 + 38.69, fee 9.00 → net 125.70, VAT 10.06, gross 135.76.
    expect(doc.before.totals.gross).toBe(10463);
    expect(doc.after.lines.slice(0, 4).map((l) => [l.quantity, l.net])).toEqual([
      [3984, 1992],
      [4116, 2223],
      [3984, 3586],
      [4116, 3869],
    ]);
    expect(doc.after.totals).toMatchObject({ net: 12570, vat: 1006, gross: 13576 });
    expect(doc.difference.gross).toBe(13576 - 10463);
    expect(doc.dueDate).toBeDefined();

    // Nothing changed since: the engine gives the same bill, so there is nothing to correct.
    await expect(correct({ reason: 'wrong_reading', note: 'Jeszcze raz' })).rejects.toMatchObject({ code: 'correction.no_change' });
    const now = (await sql<{ document: InvoiceDocument; xml: Uint8Array }>`select document, xml from invoices where id = ${invoiceId}`.execute(database.db)).rows[0];
    expect(now.document).toEqual(original.document);
    expect(new Uint8Array(now.xml)).toEqual(original.xml);
  });

  it('keeps lines typed by hand as the other way', async () => {
    const { number } = await correct({
      reason: 'complaint_upheld',
      note: 'Bonifikata',
      lines: [{ name: 'Dostawa wody', quantity: '1', unit: 'm3', unitPrice: '5.00', vatRate: 8 }],
    });
    expect(number).toBe('KOR/2026/12/000003');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/connection.ts';
import { withTenant } from '../../db/tenant.ts';
import { createTestDatabase } from '../../../test/support/db.ts';
import { buildUtility } from '../../../test/support/factories.ts';
import { checkInvoiceNumber, formatInvoiceNumber, parseInvoiceNumber, takeNumbers } from './numbering.ts';

describe('invoice numbers', () => {
  it('are written and read back', () => {
    expect(formatInvoiceNumber('FV', '2026-12-06', 123)).toBe('FV/2026/12/000123');
    expect(parseInvoiceNumber('KOR/2027/01/000007')).toEqual({ series: 'KOR', year: 2027, month: 1, n: 7 });
    for (const bad of ['FV/2026/13/000001', 'FV/26/12/000001', 'XX/2026/12/000001', 'FV/2026/12/12', 'FV/2026/12/000001 ']) {
      expect(parseInvoiceNumber(bad)).toBeNull();
      expect(() => checkInvoiceNumber(bad)).toThrow(expect.objectContaining({ code: 'invoice.bad_number' }));
    }
  });

  describe('on the database', () => {
    let database: Database;
    let utilityId: number;
    beforeAll(async () => {
      database = await createTestDatabase();
      utilityId = (await buildUtility(database)).id;
    });
    afterAll(() => database.close());

    it('run without gaps per series and year; a rolled-back transaction gives its numbers back', async () => {
      const take = (series: 'FV' | 'KOR', date: string, count = 1) =>
        withTenant(database.db, { utilityId }, (tx) => takeNumbers(tx, utilityId, series, date, count));
      expect(await take('FV', '2026-12-01')).toBe(1);
      expect(await take('FV', '2026-12-31', 10)).toBe(2);
      await expect(
        withTenant(database.db, { utilityId }, async (tx) => {
          await takeNumbers(tx, utilityId, 'FV', '2026-12-31', 5);
          throw new Error('crash before the invoices were stored');
        }),
      ).rejects.toThrow('crash');
      expect(await take('FV', '2026-12-31')).toBe(12);
      expect(await take('KOR', '2026-12-31')).toBe(1);
      expect(await take('FV', '2027-01-02')).toBe(1);
    });
  });
});

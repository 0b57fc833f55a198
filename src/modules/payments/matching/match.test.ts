/** Matching and allocation as pure functions, on titles as payers write them. */
import { describe, expect, it } from 'vitest';
import { allocate, refundFrom } from '../ledger/allocate.ts';
import { keysOf, matchLine, splitPayment, type Lookups } from './match.ts';

const ACC_A = '61109010140000071219812874';
const ACC_B = '27114020040000300201355387';
const lookups: Lookups = {
  customerByAccount: new Map([[ACC_A, 1], [ACC_B, 2]]),
  invoiceByNumber: new Map([['FV/2026/11/000123', { id: 10, customerId: 1 }], ['FV/2026/10/000045', { id: 11, customerId: 3 }]]),
  invoiceByKsef: new Map([['5250001009-20261031-0A1B2C3D4E5F-7A', { id: 12, customerId: 4 }]]),
  customerByNumber: new Map([['0000777', 5]]),
  customerByNip: new Map([['5250001009', 4]]),
};
const line = (title: string, extra: Partial<{ counterAccount: string; account: string }> = {}) => ({ account: 'PL10102013290000000000999999', counterAccount: null, counterName: null, title, ...extra });
const m = (title: string, extra = {}) => matchLine(keysOf(line(title, extra)), lookups);

describe('matching', () => {
  it('reads an invoice number typed loosely, a KSeF number, a labelled customer number and the split payment', () => {
    expect(m('zapłata fv 2026 11 123')).toEqual({ customerId: 1, by: 'invoice', namedInvoiceIds: [10] });
    expect(m('Faktura 5250001009-20261031-0a1b2c3d4e5f-7a')).toEqual({ customerId: 4, by: 'ksef', namedInvoiceIds: [12] });
    expect(m('woda Nr klienta: 0000777')).toEqual({ customerId: 5, by: 'customer_number', namedInvoiceIds: [] });
    expect(m('/VAT/8,00/IDC/5250001009/INV/FV/2026/10/000045/TXT/woda')).toEqual({ customerId: 3, by: 'split_payment', namedInvoiceIds: [11] });
    expect(splitPayment('/VAT/8,00/IDC/525-000-10-09/INV/FV/2026/10/000045/TXT/woda')).toEqual({ invoices: ['FV/2026/10/000045'], nip: '5250001009' });
  });

  it('trusts the individual account first, keeps only that customer’s named invoices, and gives up on ambiguity', () => {
    expect(m('FV/2026/10/000045', { counterAccount: `PL${ACC_A}` })).toEqual({ customerId: 1, by: 'account', namedInvoiceIds: [] });
    expect(m(`wpłata ${ACC_A.replace(/^(\d\d)(\d{4})(\d{4})(\d{4})(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3 $4 $5 $6 $7')} i ${ACC_B}`)).toEqual({ customerId: null, by: null, namedInvoiceIds: [] });
    expect(m('FV/2026/11/000123 FV/2026/10/000045')).toEqual({ customerId: null, by: null, namedInvoiceIds: [] });
    expect(m('za wodę')).toEqual({ customerId: null, by: null, namedInvoiceIds: [] });
  });
});

describe('allocation', () => {
  const debts = [
    { kind: 'invoice' as const, id: 1, open: 5_000, dueDate: '2026-09-15', interest: false },
    { kind: 'invoice' as const, id: 2, open: 3_000, dueDate: '2026-10-15', interest: false },
    { kind: 'charge' as const, id: 9, open: 200, dueDate: '2026-11-15', interest: true },
  ];
  it('settles interest first, then the oldest debt; named invoices before both; never above open', () => {
    expect(allocate(debts, [{ paymentId: 7, remaining: 6_000 }]).allocations).toEqual([
      { paymentId: 7, kind: 'charge', id: 9, amount: 200 },
      { paymentId: 7, kind: 'invoice', id: 1, amount: 5_000 },
      { paymentId: 7, kind: 'invoice', id: 2, amount: 800 },
    ]);
    const named = allocate(debts, [{ paymentId: 7, remaining: 9_000, namedInvoiceIds: [2] }]);
    expect(named.allocations.map((a) => [a.id, a.amount])).toEqual([[2, 3_000], [9, 200], [1, 5_000]]);
    expect(named.credits[0].remaining).toBe(800);
  });
  it('refunds only from what payments have left', () => {
    expect(refundFrom([{ paymentId: 1, remaining: 300 }, { paymentId: 2, remaining: 500 }], 600, 4)).toEqual([
      { paymentId: 1, kind: 'refund', id: 4, amount: 300 },
      { paymentId: 2, kind: 'refund', id: 4, amount: 300 },
    ]);
    expect(refundFrom([{ paymentId: 1, remaining: 300 }], 301, 4)).toBeNull();
  });
});

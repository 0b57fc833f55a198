/**
 * The pure rules of online payment: the providers' signatures as their docs
 * write them (P24: SHA-384 of the JSON of named fields in order, encoded as
 * PHP's json_encode with JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES;
 * PayU: hash of body + second key, read from the OpenPayu-Signature header),
 * and which invoices an order may pay.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chooseInvoices, type DueInvoice } from '../src/modules/payments/online/orders.ts';
import { p24NotificationSign, p24RegisterSign, p24VerifySign } from '../src/modules/payments/online/p24.ts';
import { parseOpenPayuSignature, payuSignature, sameHex } from '../src/modules/payments/online/sign.ts';

const sha384 = (s: string) => createHash('sha384').update(s, 'utf8').digest('hex');

describe('Przelewy24 signs', () => {
  it('hash the documented JSON, fields in the documented order, Polish letters and slashes unescaped', () => {
    expect(p24RegisterSign({ sessionId: 'wod-1', merchantId: 64195, amount: 40750, currency: 'PLN' }, 'a1b2c3')).toBe(
      sha384('{"sessionId":"wod-1","merchantId":64195,"amount":40750,"currency":"PLN","crc":"a1b2c3"}'),
    );
    expect(p24VerifySign({ sessionId: 'wod-1', orderId: 300000001, amount: 40750, currency: 'PLN' }, 'a1b2c3')).toBe(
      sha384('{"sessionId":"wod-1","orderId":300000001,"amount":40750,"currency":"PLN","crc":"a1b2c3"}'),
    );
    const n = { merchantId: 64195, posId: 64195, sessionId: 'wod-1', amount: 40750, originAmount: 40750, currency: 'PLN', orderId: 300000001, methodId: 181, statement: 'Opłata za wodę FV/2026/03' };
    expect(p24NotificationSign(n, 'a1b2c3')).toBe(
      sha384('{"merchantId":64195,"posId":64195,"sessionId":"wod-1","amount":40750,"originAmount":40750,"currency":"PLN","orderId":300000001,"methodId":181,"statement":"Opłata za wodę FV/2026/03","crc":"a1b2c3"}'),
    );
    // Another order of the same fields is another sign.
    expect(p24VerifySign({ sessionId: 'wod-1', orderId: 300000001, amount: 40750, currency: 'PLN' }, 'a1b2c3')).not.toBe(
      sha384('{"orderId":300000001,"sessionId":"wod-1","amount":40750,"currency":"PLN","crc":"a1b2c3"}'),
    );
  });
});

describe('PayU signature', () => {
  it('reads the header and hashes body + second key with the named algorithm', () => {
    const h = parseOpenPayuSignature('sender=checkout;signature=c33a38d89fb60f873c039fcec3a14743;algorithm=MD5;content=DOCUMENT');
    expect(h).toEqual({ sender: 'checkout', signature: 'c33a38d89fb60f873c039fcec3a14743', algorithm: 'MD5', content: 'DOCUMENT' });
    const body = '{"order":{"orderId":"LDLW5N7MF4140324GUEST000P01","status":"COMPLETED"}}';
    expect(payuSignature(body, 'k2', 'MD5')).toBe(createHash('md5').update(`${body}k2`).digest('hex'));
    expect(payuSignature(body, 'k2', 'SHA-256')).toBe(createHash('sha256').update(`${body}k2`).digest('hex'));
    expect(sameHex('ABCDEF', 'abcdef')).toBe(true);
    expect(sameHex('abcdef', 'abcde0')).toBe(false);
    expect(sameHex('abc', 'abcd')).toBe(false);
  });
});

describe('which invoices an order pays', () => {
  const due: DueInvoice[] = [
    { id: 1, number: 'FV/1', dueDate: '2026-01-15', openGrosze: 100 },
    { id: 2, number: 'FV/2', dueDate: '2026-02-15', openGrosze: 250 },
  ];
  it('all due ones when none is named; the named ones once each; refuses one not due and an empty debt', () => {
    expect(chooseInvoices(due).map((d) => d.id)).toEqual([1, 2]);
    expect(chooseInvoices(due, []).map((d) => d.id)).toEqual([1, 2]);
    expect(chooseInvoices(due, [2, 2]).map((d) => d.id)).toEqual([2]);
    expect(() => chooseInvoices(due, [2, 3])).toThrow(expect.objectContaining({ code: 'online_payment.invoice_not_due' }));
    expect(() => chooseInvoices([], undefined)).toThrow(expect.objectContaining({ code: 'online_payment.nothing_due' }));
  });
});

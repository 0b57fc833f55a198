import { describe, expect, it } from 'vitest';
import { decodeAttachment } from './attachment.ts';
import { addressText, sniffAttachment, validateChange } from './rules.ts';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'no error';
};

describe('validateChange', () => {
  it('refuses the fields that identify the customer or are set by the utility', () => {
    for (const field of ['customer_number', 'pesel', 'nip', 'regon', 'payment_account', 'invoice_delivery', 'kind']) {
      expect(code(() => validateChange({ field, value: 'x' }))).toBe('change_request.field_fixed');
    }
    expect(code(() => validateChange({ field: 'password_hash', value: 'x' }))).toBe('change_request.field_unknown');
  });

  it('normalises and checks each changeable field', () => {
    expect(validateChange({ field: 'name', value: '  Anna   Nowak ' })).toEqual({ field: 'name', display: 'Anna Nowak', patch: { name: 'Anna Nowak' } });
    expect(validateChange({ field: 'phone', value: '+48 600-100-200' }).patch).toEqual({ phone: '+48 600-100-200' });
    expect(code(() => validateChange({ field: 'phone', value: '600 1002' }))).toBe('change_request.invalid_phone');
    expect(code(() => validateChange({ field: 'email', value: 'a@b' }))).toBe('change_request.invalid_email');
    expect(code(() => validateChange({ field: 'name', value: 'A' }))).toBe('change_request.invalid_name');
    const addr = validateChange({ field: 'correspondence_address', address: { street: 'ul. Źródlana', building: '3', apartment: '', postalCode: '90-001', city: 'Łódź' } });
    expect(addr.display).toBe('ul. Źródlana 3, 90-001 Łódź');
    expect(addr.patch).toEqual({ correspondence_street: 'ul. Źródlana', correspondence_building: '3', correspondence_apartment: null, correspondence_postal_code: '90-001', correspondence_city: 'Łódź' });
    expect(code(() => validateChange({ field: 'address', address: { street: 'ul. X', building: '3', postalCode: '9000', city: 'Łódź' } }))).toBe('change_request.invalid_address');
    expect(code(() => validateChange({ field: 'address' }))).toBe('change_request.invalid_address');
  });

  it('writes an address as on a Polish letter, a village without streets too', () => {
    expect(addressText({ street: '', building: '12', postalCode: '16-060', city: 'Zabłudów' })).toBe('12, 16-060 Zabłudów');
  });
});

describe('attachments', () => {
  it('knows PDF, JPEG and PNG by their first bytes, nothing else', () => {
    expect(sniffAttachment(Buffer.from('%PDF-1.7'))).toBe('application/pdf');
    expect(sniffAttachment(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffAttachment(Buffer.from('GIF89a'))).toBeUndefined();
  });

  it('refuses bad base64, empty, too large and wrong-type files', () => {
    expect(code(() => decodeAttachment('!!!'))).toBe('change_request.attachment_encoding');
    expect(code(() => decodeAttachment(''))).toBe('change_request.attachment_empty');
    expect(code(() => decodeAttachment(Buffer.alloc(5 * 1024 * 1024 + 1).toString('base64')))).toBe('change_request.attachment_too_large');
    expect(code(() => decodeAttachment(Buffer.from('<html>').toString('base64')))).toBe('change_request.attachment_type');
    expect(decodeAttachment(`data:application/pdf;base64,${Buffer.from('%PDF-1.4 x').toString('base64')}`).contentType).toBe('application/pdf');
  });
});

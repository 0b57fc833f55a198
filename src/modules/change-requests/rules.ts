/**
 * Which customer data a customer may ask to change, and what a valid new
 * value is (pure: the same rules answer the portal form and the server).
 *
 * Changeable: the name (e.g. after marriage, with a document attached),
 * e-mail, phone, the customer's address and the correspondence address.
 * Not changeable by request: the customer number (the utility's key), the
 * tax ids PESEL, NIP and REGON (they identify the party to the contract: a
 * different one is a transfer of the contract, done at the office), the
 * individual bank account (assigned by the utility) and the delivery of
 * invoices (changed by the e-invoice consent, not by staff).
 */
import { badRequest } from '../../lib/errors.ts';

export const CHANGEABLE_FIELDS = ['name', 'email', 'phone', 'address', 'correspondence_address'] as const;
export type ChangeableField = (typeof CHANGEABLE_FIELDS)[number];

/** Fields a customer can see but never change by a request, with the reason told to them. */
export const FIXED_FIELDS: Record<string, { pl: string; en: string }> = {
  customer_number: { pl: 'Numer klienta nadaje przedsiębiorstwo i nie można go zmienić.', en: 'The customer number is assigned by the utility and cannot be changed.' },
  pesel: { pl: 'Numeru PESEL nie można zmienić wnioskiem: zmiana strony umowy wymaga wizyty w Biurze Obsługi Klienta.', en: 'PESEL cannot be changed by a request: a change of the contracting party needs a visit to the customer office.' },
  nip: { pl: 'Numeru NIP nie można zmienić wnioskiem: zmiana strony umowy wymaga wizyty w Biurze Obsługi Klienta.', en: 'NIP cannot be changed by a request: a change of the contracting party needs a visit to the customer office.' },
  regon: { pl: 'Numeru REGON nie można zmienić wnioskiem: zmiana strony umowy wymaga wizyty w Biurze Obsługi Klienta.', en: 'REGON cannot be changed by a request: a change of the contracting party needs a visit to the customer office.' },
  payment_account: { pl: 'Indywidualny rachunek bankowy nadaje przedsiębiorstwo i nie można go zmienić.', en: 'The individual bank account is assigned by the utility and cannot be changed.' },
  invoice_delivery: { pl: 'Sposób doręczania faktur zmienia się przez zgodę na e-fakturę (lub jej wycofanie), nie wnioskiem.', en: 'Invoice delivery is changed by the e-invoice consent (or its withdrawal), not by a request.' },
  kind: { pl: 'Rodzaju klienta nie można zmienić wnioskiem.', en: 'The kind of customer cannot be changed by a request.' },
};

export interface AddressInput {
  street: string;
  building: string;
  apartment?: string | null;
  postalCode: string;
  city: string;
}

export interface ChangeInput {
  field: string;
  value?: string;
  address?: AddressInput;
}

/** A valid change: what to show people and which customers columns to set. */
export interface ValidChange {
  field: ChangeableField;
  display: string;
  patch: Record<string, string | null>;
}

const invalid = (field: string, pl: string, en: string) => badRequest(`change_request.invalid_${field}`, pl, en, { field: field === 'address' || field === 'correspondence_address' ? 'address' : 'value' });

/** 'ul. Lipowa 12/3, 16-060 Wodnikowo' */
export function addressText(a: { street: string; building: string; apartment?: string | null; postalCode: string; city: string }): string {
  const line = [a.street, `${a.building}${a.apartment ? `/${a.apartment}` : ''}`].filter((s) => s.trim()).join(' ');
  return [line, `${a.postalCode} ${a.city}`.trim()].filter(Boolean).join(', ');
}

const clean = (s: string | undefined | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/** Checks a requested change; throws a 400 with a stable code for a field that cannot change or a bad value. */
export function validateChange(input: ChangeInput): ValidChange {
  const field = input.field;
  if (field in FIXED_FIELDS) {
    const m = FIXED_FIELDS[field];
    throw badRequest('change_request.field_fixed', m.pl, m.en, { field: 'field' });
  }
  if (!(CHANGEABLE_FIELDS as readonly string[]).includes(field)) {
    throw badRequest('change_request.field_unknown', 'Nie można złożyć wniosku o zmianę tego pola.', 'No change can be requested for this field.', { field: 'field' });
  }
  const f = field as ChangeableField;
  if (f === 'address' || f === 'correspondence_address') {
    const a = input.address;
    if (!a) throw invalid(f, 'Prosimy podać nowy adres.', 'Please give the new address.');
    const v = { street: clean(a.street), building: clean(a.building), apartment: clean(a.apartment) || null, postalCode: clean(a.postalCode), city: clean(a.city) };
    if (!v.city || v.city.length > 100) throw invalid(f, 'Prosimy podać miejscowość (do 100 znaków).', 'Please give the town (up to 100 characters).');
    if (!/^\d{2}-\d{3}$/.test(v.postalCode)) throw invalid(f, 'Kod pocztowy ma postać 00-000.', 'The postal code has the form 00-000.');
    if (!v.building || v.building.length > 20) throw invalid(f, 'Prosimy podać numer budynku (do 20 znaków).', 'Please give the building number (up to 20 characters).');
    if (v.street.length > 120 || (v.apartment ?? '').length > 20) throw invalid(f, 'Ulica może mieć do 120 znaków, numer lokalu do 20.', 'The street may have up to 120 characters, the apartment up to 20.');
    const prefix = f === 'address' ? '' : 'correspondence_';
    return {
      field: f,
      display: addressText(v),
      patch: { [`${prefix}street`]: v.street, [`${prefix}building`]: v.building, [`${prefix}apartment`]: v.apartment, [`${prefix}postal_code`]: v.postalCode, [`${prefix}city`]: v.city },
    };
  }
  const value = clean(input.value);
  if (f === 'name') {
    if (value.length < 2 || value.length > 200) throw invalid(f, 'Nazwa lub imię i nazwisko: od 2 do 200 znaków.', 'The name must have 2 to 200 characters.');
    return { field: f, display: value, patch: { name: value } };
  }
  if (f === 'email') {
    if (value.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw invalid(f, 'Prosimy podać poprawny adres e-mail.', 'Please give a valid e-mail address.');
    return { field: f, display: value, patch: { email: value } };
  }
  // phone: digits with optional +48, spaces and hyphens; 9 to 15 digits.
  const digits = value.replace(/[\s-]/g, '');
  if (!/^\+?\d{9,15}$/.test(digits)) throw invalid(f, 'Numer telefonu: od 9 do 15 cyfr (można poprzedzić znakiem +).', 'The phone number must have 9 to 15 digits (a leading + is allowed).');
  return { field: f, display: value, patch: { phone: value } };
}

/** The attachment a request may carry: a scan or photo of a document. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export type AttachmentType = 'application/pdf' | 'image/jpeg' | 'image/png';

/** What the file is by its first bytes (never by its name or the type the browser claimed). */
export function sniffAttachment(b: Uint8Array): AttachmentType | undefined {
  if (b.length >= 5 && b[0] === 0x25 && b[1] === 0x50 && b[2] === 0x44 && b[3] === 0x46 && b[4] === 0x2d) return 'application/pdf';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a) return 'image/png';
  return undefined;
}


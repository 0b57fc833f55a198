/**
 * The rules for a reading a customer submits, in one pure module that the
 * server and the web app both import (web/src/pages/customer/SubmitReading.tsx),
 * so the form refuses at once with exactly the message the server would give.
 * No I/O, no Node APIs.
 */
import { assessReading, SPIKE_FACTOR, type MeterHistory } from '../metering/ingest/plausibility.ts';

export interface RuleMessage {
  code: string;
  pl: string;
  en: string;
}

/** A photo of the register: JPEG, PNG or HEIC (what phones take), at most 10 MB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/heic'] as const;
export type ReadingPhotoType = (typeof PHOTO_TYPES)[number];

export const messages = {
  valueInvalid: {
    code: 'readings.value_invalid',
    pl: 'Prosimy podać stan licznika samymi cyframi, najwyżej 3 miejsca po przecinku (np. 123,456).',
    en: 'Please give the register in digits only, at most 3 decimals (e.g. 123.456).',
  },
  photoTooLarge: {
    code: 'readings.photo_too_large',
    pl: 'Zdjęcie może mieć najwyżej 10 MB.',
    en: 'The photo may be at most 10 MB.',
  },
  photoType: {
    code: 'readings.photo_type',
    pl: 'Zdjęcie musi być plikiem JPEG, PNG lub HEIC.',
    en: 'The photo must be a JPEG, PNG or HEIC image.',
  },
  photoEmpty: { code: 'readings.photo_empty', pl: 'Przesłane zdjęcie jest puste.', en: 'The photo is empty.' },
} satisfies Record<string, RuleMessage>;

export function belowLast(lastM3: string): RuleMessage {
  const shown = lastM3.replace('.', ',');
  return {
    code: 'readings.below_last',
    pl: `Stan licznika nie może być niższy niż ostatni odczyt (${shown} m³). Jeśli wodomierz wymieniono, prosimy o kontakt z biurem obsługi klienta.`,
    en: `The register cannot be lower than the last reading (${lastM3} m³). If the meter was exchanged, please contact customer service.`,
  };
}

export function jumpNeedsConfirmation(usedM3: string, days: number): RuleMessage {
  return {
    code: 'readings.confirm_jump',
    pl: `Od ostatniego odczytu zużycie wyniosłoby ${usedM3.replace('.', ',')} m³ w ${days} ${days === 1 ? 'dobę' : 'dób'}, ponad ${SPIKE_FACTOR} razy więcej niż zwykle. Prosimy sprawdzić stan licznika; jeśli jest prawidłowy, można go potwierdzić, a odczyt zostanie zweryfikowany przez pracownika.`,
    en: `Since the last reading that would be ${usedM3} m³ in ${days} days, over ${SPIKE_FACTOR} times the usual. Please check the register; if it is right, confirm it and staff will verify the reading.`,
  };
}

/** The register as integer litres (exact), or null when it is not digits with at most 3 decimals (comma or dot). */
export function parseRegister(input: string): number | null {
  const s = input.trim();
  const m = /^(\d{1,9})(?:[.,](\d{1,3}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

/** Litres as m³ with three decimals ('1234.500'). */
export const litresToM3 = (litres: number) => `${Math.trunc(litres / 1000)}.${String(litres % 1000).padStart(3, '0')}`;

export interface SubmissionContext {
  /** The meter's latest accepted reading, or its initial reading when it has none since installation. */
  last: { valueM3: string; at: number } | null;
  /** Usual daily consumption (m³/day) from the accepted history; null when too little. */
  avgDailyM3: number | null;
}

export type Verdict =
  | { ok: true; litres: number; valueM3: string; status: 'accepted' | 'pending'; jump: { usedM3: string; days: number } | null }
  | { ok: false; error: RuleMessage; needsConfirmation?: boolean };

/**
 * Judges a customer's reading taken at `at`. Below the last reading: refused
 * (a meter exchange gives a new meter, whose last reading is its initial
 * one). An implausible jump (the remote readings' rule, plausibility.ts)
 * needs the customer's confirmation and is then held for verification.
 */
export function judgeSubmission(input: string, ctx: SubmissionContext, at: number, confirmed: boolean): Verdict {
  const litres = parseRegister(input);
  if (litres === null) return { ok: false, error: messages.valueInvalid };
  const valueM3 = litresToM3(litres);
  if (!ctx.last) return { ok: true, litres, valueM3, status: 'accepted', jump: null };
  const lastLitres = parseRegister(ctx.last.valueM3) ?? 0;
  if (litres < lastLitres) return { ok: false, error: belowLast(litresToM3(lastLitres)) };
  const history: MeterHistory = { last: { at: ctx.last.at, valueM3: lastLitres / 1000 }, avgDailyM3: ctx.avgDailyM3 };
  const a = assessReading(history, Math.max(at, ctx.last.at), litres / 1000);
  if (a.status === 'accepted') return { ok: true, litres, valueM3, status: 'accepted', jump: null };
  const days = Math.max(1, Math.round((at - ctx.last.at) / 86_400_000));
  const usedM3 = litresToM3(litres - lastLitres);
  if (!confirmed) return { ok: false, error: jumpNeedsConfirmation(usedM3, days), needsConfirmation: true };
  return { ok: true, litres, valueM3, status: 'pending', jump: { usedM3, days } };
}

/** The reason stored with a confirmed jump (shown to the customer and to staff in Polish, as all reasons we write). */
export const jumpReason = (usedM3: string, days: number) =>
  `Zużycie ${usedM3.replace('.', ',')} m³ w ${days} ${days === 1 ? 'dobę' : 'dób'} — ponad ${SPIKE_FACTOR}× więcej niż zwykle; klient potwierdził stan, odczyt czeka na weryfikację.`;

/** The type of a photo from its first bytes (a file name or a declared type proves nothing). */
export function sniffPhoto(bytes: Uint8Array): ReadingPhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  // ISO base media file: size(4) 'ftyp' brand(4); HEIF brands of phone photos.
  if (bytes.length >= 12) {
    const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
    if (ascii(4, 8) === 'ftyp' && ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(ascii(8, 12))) return 'image/heic';
  }
  return null;
}

/** What the form can check of a chosen photo before sending it (type by the browser's word, size). */
export function checkPhotoFile(size: number, declaredType: string, name: string): RuleMessage | null {
  if (size === 0) return messages.photoEmpty;
  if (size > MAX_PHOTO_BYTES) return messages.photoTooLarge;
  const okType = (PHOTO_TYPES as readonly string[]).includes(declaredType) || declaredType === 'image/heif' || /\.(jpe?g|png|heic|heif)$/i.test(name);
  return okType ? null : messages.photoType;
}

import { describe, expect, it } from 'vitest';
import { addDays, attachmentProblems, dueOnFor, dueState, formatCaseNumber, newCaseProblems, sniffAttachment, warsawToday } from './rules.ts';

describe('case rules', () => {
  it('sets a deadline on complaints only, across month and year ends', () => {
    expect(dueOnFor('complaint', '2026-12-20', 14)).toBe('2027-01-03');
    expect(dueOnFor('complaint', '2028-02-20', 14)).toBe('2028-03-05');
    expect(dueOnFor('failure', '2026-12-20', 14)).toBeNull();
    expect(addDays('2026-03-28', 3)).toBe('2026-03-31');
  });

  it('warns 3 days before the deadline and after it, only while the case is open', () => {
    expect(dueState('2026-12-10', 'new', '2026-12-07')).toBe('dueSoon');
    expect(dueState('2026-12-11', 'in_progress', '2026-12-07')).toBeNull();
    expect(dueState('2026-12-07', 'new', '2026-12-07')).toBe('dueSoon');
    expect(dueState('2026-12-06', 'waiting_for_customer', '2026-12-07')).toBe('overdue');
    expect(dueState('2026-12-06', 'resolved', '2026-12-07')).toBeNull();
    expect(dueState(null, 'new', '2026-12-07')).toBeNull();
  });

  it("takes today's date in Warsaw, not UTC", () => {
    expect(warsawToday(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(warsawToday(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
    expect(warsawToday(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
  });

  it('numbers cases SPR/<year>/<six digits>', () => {
    expect(formatCaseNumber('2026', 123)).toBe('SPR/2026/000123');
    expect(formatCaseNumber(2026, 1234567)).toBe('SPR/2026/1234567');
  });

  it('refuses an empty subject, text or place, and a kind a customer may not file, in Polish and English', () => {
    expect(newCaseProblems({ kind: 'failure', subject: ' ', body: '', place: '' }).map((p) => p.code)).toEqual(['cases.subject_required', 'cases.body_required', 'cases.place_required']);
    expect(newCaseProblems({ kind: 'dataChange', subject: 'a', body: 'b' })[0]).toMatchObject({ field: 'kind', code: 'cases.kind_invalid' });
    expect(newCaseProblems({ kind: 'message', subject: 'a', body: 'b'.repeat(5001) })[0].pl).toBe('Treść może mieć najwyżej 5000 znaków.');
    expect(newCaseProblems({ kind: 'complaint', subject: 'Faktura', body: 'Za wysoka' })).toEqual([]);
  });

  it('takes photos only, by their bytes, up to 10 MB', () => {
    expect(sniffAttachment(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffAttachment(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffAttachment(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffAttachment(new TextEncoder().encode('\0\0\0\x18ftypheic\0\0\0\0'))).toBe('image/heic');
    expect(sniffAttachment(new TextEncoder().encode('%PDF-1.7'))).toBeNull();
    expect(attachmentProblems(50 * 1024 * 1024, 'image/jpeg')[0].code).toBe('cases.attachment_too_large');
    expect(attachmentProblems(1000, 'application/pdf')[0].code).toBe('cases.attachment_type');
    expect(attachmentProblems(0, 'image/png')[0].code).toBe('cases.attachment_empty');
    expect(attachmentProblems(1000, '')).toEqual([]);
  });
});

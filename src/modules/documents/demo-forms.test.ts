import { describe, expect, it } from 'vitest';
import { pdfText } from '../../../test/support/pdf.ts';
import { DEMO_FORMS, renderForm } from './demo-forms.ts';

describe('demo forms', () => {
  it('are real PDFs whose Polish text reads back (embedded font)', async () => {
    const f = DEMO_FORMS.find((d) => d.title === 'AKCEPTACJA PRZESYŁANIA I UDOSTĘPNIANIA E-FAKTUR')!;
    const pdf = await renderForm({ name: 'Zakład Gospodarki Komunalnej w Wodnikowie', street: 'ul. Źródlana 5', postalCode: '00-001', city: 'Wodnikowo' }, f);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = (await pdfText(pdf)).replace(/\s+/g, ' ');
    expect(text).toContain('AKCEPTACJA PRZESYŁANIA I UDOSTĘPNIANIA E-FAKTUR');
    expect(text).toContain('ul. Źródlana 5, 00-001 Wodnikowo');
    expect(text).toContain('Adres e-mail do przesyłania faktur');
    expect(text).toContain('czytelny podpis');
  });
});

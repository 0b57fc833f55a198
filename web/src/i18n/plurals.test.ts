/** Counts on pages take the Polish plural form of their number (500 klientów, 2 klienci, 1 klient). */
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { en, pl } from './index.ts';

describe('plural forms in the catalogues', () => {
  it('agree with the count in Polish and English', async () => {
    const i = i18next.createInstance();
    await i.init({ resources: { pl: { translation: pl }, en: { translation: en } }, lng: 'pl', interpolation: { escapeValue: false } });
    const t = (key: string, count: number, lng = 'pl') => i.t(key, { count, lng });
    expect(t('staffOverview.customers', 1)).toBe('klient');
    expect(t('staffOverview.customers', 2)).toBe('klienci');
    expect(t('staffOverview.customers', 500)).toBe('klientów');
    expect(t('staffOverview.contracts', 501)).toBe('umów');
    expect(t('staffOverview.openCases', 7)).toBe('otwartych spraw');
    expect(t('staffOverview.openCases', 22)).toBe('otwarte sprawy');
    expect(t('staffOverview.meters', 1, 'en')).toBe('water meter');
    expect(t('staffOverview.meters', 558, 'en')).toBe('water meters');
  });
});

/**
 * Translations: Polish by default, English available. The core catalogue
 * per language (pl.json, en.json, same keys) plus one pair per area
 * (`<area>.pl.json` / `<area>.en.json`, e.g. billing.pl.json), merged at
 * start-up, so that areas built side by side do not edit one file.
 * Polish plurals use i18next's `_one`, `_few`, `_many` keys (Intl.PluralRules).
 * The choice is remembered in the
 * cookie `wodnik_lang`, which the server also reads to answer errors in the
 * same language, and `<html lang>` follows it.
 */
import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { readCookie, type Lang } from '../api/client.ts';
import plCore from './pl.json';
import enCore from './en.json';

type Catalogue = Record<string, unknown>;
const areas = import.meta.glob<Catalogue>('./*.*.json', { eager: true, import: 'default' });

/** Deep merge of the area catalogues into the core one (an area adds keys, never replaces one). */
function merged(core: Catalogue, lang: 'pl' | 'en'): Catalogue {
  const out: Catalogue = structuredClone(core);
  const put = (into: Catalogue, from: Catalogue, path: string) => {
    for (const [k, v] of Object.entries(from)) {
      const cur = into[k];
      if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object') put(cur as Catalogue, v as Catalogue, `${path}${k}.`);
      else if (cur === undefined) into[k] = v;
      else throw new Error(`i18n: ${path}${k} is defined twice`);
    }
  };
  for (const [file, cat] of Object.entries(areas)) if (file.endsWith(`.${lang}.json`)) put(out, cat, '');
  return out;
}
export const pl = merged(plCore, 'pl');
export const en = merged(enCore, 'en');

export const LANGUAGES: Lang[] = ['pl', 'en'];

function initialLanguage(): Lang {
  const c = readCookie('wodnik_lang');
  return c === 'en' || c === 'pl' ? c : 'pl';
}

export function setLanguage(lang: Lang): void {
  document.cookie = `wodnik_lang=${lang}; path=/; max-age=${365 * 24 * 3600}; samesite=lax`;
  document.documentElement.lang = lang;
  void i18n.changeLanguage(lang);
}

export function initI18n(): void {
  const lng = initialLanguage();
  document.documentElement.lang = lng;
  void i18n.use(initReactI18next).init({
    resources: { pl: { translation: pl }, en: { translation: en } },
    lng,
    fallbackLng: 'pl',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

/** `t` plus the current language as the API client's type. */
export function useLang() {
  const { t, i18n: inst } = useTranslation();
  const lang: Lang = inst.language === 'en' ? 'en' : 'pl';
  return { t, lang };
}

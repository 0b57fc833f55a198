/**
 * Translations: Polish by default, English available. One catalogue per
 * language (pl.json, en.json, same keys). The choice is remembered in the
 * cookie `wodnik_lang`, which the server also reads to answer errors in the
 * same language, and `<html lang>` follows it.
 */
import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { readCookie, type Lang } from '../api/client.ts';
import pl from './pl.json';
import en from './en.json';

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

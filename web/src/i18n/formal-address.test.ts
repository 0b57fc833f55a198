/**
 * The Polish texts address the reader formally and without gender: "Prosimy
 * podać…", "można…", impersonal forms; never "ty" ("możesz", "Twoje konto",
 * "spróbuj ponownie"). Short labels on buttons and links ("Zapisz", "Podaj
 * odczyt") are commands, as everywhere in Polish interfaces; sentences are
 * not. This reads the page catalogues and the server's messages.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pl } from './index.ts';

/** Second person singular: pronouns and the verbs our texts would use. */
const INFORMAL = /(?<![\p{L}])(ty|ciebie|cię|tobie|twój|twoja|twoje|twojego|twojej|twoim|twoich|możesz|masz|jesteś|musisz|chcesz|podajesz|podasz|szukasz|otrzymasz|zobaczysz|znajdziesz|spróbuj|sprawdź|podaj|wpisz|wybierz|kliknij|zaloguj|odśwież|poproś|skontaktuj|zamknij|ustaw|otwórz|zeskanuj|zainstaluj)(?![\p{L}])/iu;

/** A sentence, not a label: it ends with a full stop, a question mark or a colon, or runs long. */
const isSentence = (s: string) => /[.?!:]\s*$/.test(s.trim()) || s.length > 40;

function strings(value: unknown, at: string, out: [string, string][]): [string, string][] {
  if (typeof value === 'string') out.push([at, value]);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) strings(v, at ? `${at}.${k}` : k, out);
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return name === 'testing' ? [] : sourceFiles(file);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [file] : [];
  });
}

describe('formal address in Polish', () => {
  it('no sentence of the page catalogues says "ty"', () => {
    const found = strings(pl, '', []).filter(([, s]) => isSentence(s) && INFORMAL.test(s));
    expect(found).toEqual([]);
  });

  it("no Polish message of the server's errors, e-mails or letters says \"ty\"", () => {
    const root = path.resolve(import.meta.dirname, '../../../src');
    const found: string[] = [];
    for (const file of sourceFiles(root)) {
      // Polish texts are the string literals with a Polish letter in them (the English ones have none).
      for (const m of readFileSync(file, 'utf8').matchAll(/'([^'\n]*[ąćęłńóśźż][^'\n]*)'|`([^`]*[ąćęłńóśźż][^`]*)`/giu)) {
        const s = m[1] ?? m[2];
        if (isSentence(s) && INFORMAL.test(s)) found.push(`${path.relative(root, file)}: ${s.slice(0, 120)}`);
      }
    }
    expect(found).toEqual([]);
  });
});

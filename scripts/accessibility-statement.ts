/**
 * Makes the accessibility statement's data from the browser tests' own axe results:
 *
 *   WODNIK_RECORD_A11Y=1 npx vitest run test/e2e/…   (records docs/accessibility/axe-results.json)
 *   node bin/run-ts.js scripts/accessibility-statement.ts
 *
 * reads docs/accessibility/axe-results.json and settings.json (dates and the
 * findings of manual checks, kept by people) and writes
 * docs/accessibility/statement.json, which GET /api/accessibility-statement
 * serves and the page /dostepnosc renders with the utility's name and contacts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStatement, type AxeRecord, type StatementSettings } from '../src/modules/accessibility/statement.ts';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/accessibility');
const results = JSON.parse(readFileSync(path.join(dir, 'axe-results.json'), 'utf8')) as { results: AxeRecord[] };
const settings = JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as StatementSettings;

// axe-core's own Polish texts of its rules (it comes with @axe-core/playwright); English when absent.
let polishRules: Record<string, { help?: string }> = {};
try {
  polishRules = (createRequire(import.meta.url)('axe-core/locales/pl.json') as { rules: typeof polishRules }).rules;
} catch {
  console.warn('axe-core/locales/pl.json not found: rule texts stay in English');
}

const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Warsaw' });
const statement = buildStatement(results.results, settings, (id) => polishRules[id]?.help, today);
writeFileSync(path.join(dir, 'statement.json'), JSON.stringify(statement, null, 2) + '\n');
console.log(
  `statement.json: status ${statement.status}, ${statement.method.pages} pages at ${statement.method.widths.join(' and ')} px, ` +
    `${statement.issues.length} kinds of violation, checked ${statement.reviewedOn}`,
);

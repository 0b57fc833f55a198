/**
 * The accessibility statement made from recorded axe runs
 * (src/modules/accessibility/statement.ts): violations grouped by rule with
 * the pages and widths where they were found, the status the template's
 * rules give, dates from the runs; the recorded page paths carry no tenant
 * prefix or ids; and the committed statement.json is what the script makes
 * of the committed axe-results.json (so the page never shows stale data).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildStatement, statementPath, type AxeRecord, type StatementSettings } from '../src/modules/accessibility/statement.ts';

const settings: StatementSettings = { publishedOn: '2026-12-07', updatedOn: '2026-12-07', knownIssues: [], exclusions: [], manualChecks: [] };
const run = (page: string, width: number, violations: AxeRecord['violations'] = [], checkedAt = '2026-12-07T06:00:00Z'): AxeRecord => ({
  page,
  title: page,
  width,
  checkedAt,
  axeVersion: '4.11.0',
  counts: { critical: 0, serious: 0, moderate: 0, minor: 0 },
  violations,
});
const contrast = { id: 'color-contrast', impact: 'serious', help: 'Elements must meet minimum color contrast ratio thresholds', helpUrl: 'https://example/cc', nodes: 2 };

describe('the accessibility statement', () => {
  it('is compliant only when neither axe nor people found anything', () => {
    const s = buildStatement([run('/login', 360), run('/login', 1280), run('/portal', 360)], settings, () => undefined, '2026-12-08');
    expect(s.status).toBe('full');
    expect(s.method).toMatchObject({ pages: 2, widths: [360, 1280], runs: 3, tool: 'axe-core 4.11.0' });
    expect([s.preparedOn, s.reviewedOn]).toEqual(['2026-12-08', '2026-12-07']);
    const known = buildStatement([run('/login', 360)], { ...settings, knownIssues: [{ pl: 'PDF', en: 'PDF' }] }, () => undefined, '2026-12-08');
    expect(known.status).toBe('partial');
  });

  it('lists each violated rule once, in Polish, with its pages and widths, and says "not compliant" when most pages fail', () => {
    const records = [run('/login', 360, [contrast]), run('/login', 1280, [contrast]), run('/portal', 360), run('/forms', 360)];
    const s = buildStatement(records, settings, (id) => (id === 'color-contrast' ? 'Elementy muszą mieć wystarczający kontrast kolorów.' : undefined), '2026-12-08');
    expect(s.issues).toEqual([
      { ruleId: 'color-contrast', impact: 'serious', help: { pl: 'Elementy muszą mieć wystarczający kontrast kolorów.', en: contrast.help }, helpUrl: contrast.helpUrl, pages: [{ page: '/login', title: '/login', widths: [360, 1280] }] },
    ]);
    expect(s.status).toBe('partial');
    expect(s.pages.find((p) => p.page === '/login')?.clean).toBe(false);
    const worse = buildStatement([...records, run('/portal', 1280, [contrast])], settings, () => undefined, '2026-12-08');
    expect(worse.status).toBe('none');
  });

  it('names a page of one record (a customer, a meter) by its path, never by the record’s name', () => {
    const s = buildStatement([{ ...run('/staff/customers/:id', 1280, [contrast]), title: 'Halina Przybylska' }], settings, () => undefined, '2026-12-08');
    expect(s.pages).toEqual([{ page: '/staff/customers/:id', title: '', widths: [1280], clean: false }]);
    expect(s.issues[0].pages).toEqual([{ page: '/staff/customers/:id', title: '', widths: [1280] }]);
  });

  it('refuses to make a statement from no results', () => {
    expect(() => buildStatement([], settings, () => undefined, '2026-12-08')).toThrow(/no axe results/);
  });

  it('names pages without the tenant prefix and ids', () => {
    expect(statementPath('http://127.0.0.1:4000/t/zgk-test/staff/customers/123/cases/45?x=1')).toBe('/staff/customers/:id/cases/:id');
    expect(statementPath('http://127.0.0.1:4000/t/zgk-test')).toBe('/');
  });

  it('the committed statement is the one the committed results make', () => {
    const dir = new URL('../docs/accessibility/', import.meta.url);
    const results = JSON.parse(readFileSync(new URL('axe-results.json', dir), 'utf8')) as { results: AxeRecord[] };
    const committed = JSON.parse(readFileSync(new URL('statement.json', dir), 'utf8'));
    const mine = JSON.parse(readFileSync(new URL('settings.json', dir), 'utf8')) as StatementSettings;
    const again = buildStatement(results.results, mine, (id) => committed.issues.find((i: { ruleId: string }) => i.ruleId === id)?.help.pl, committed.preparedOn);
    expect(again).toEqual(committed);
  });
});

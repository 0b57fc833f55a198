/**
 * The accessibility statement (deklaracja dostępności) as data, made from the
 * project's own browser tests: every page the e2e tests open is checked by
 * axe-core at 360 and 1280 px, and with WODNIK_RECORD_A11Y=1 each result is
 * kept in docs/accessibility/axe-results.json (test/e2e/support.ts). This
 * pure function turns those results, and the findings that a machine cannot
 * make (settings.json), into what the statement says: its status under
 * WCAG 2.1 AA, the inaccessible content and on which pages, the method
 * (self-assessment) and its dates. The page /dostepnosc renders it with the
 * utility's own name and contacts, in the structure of the Minister's
 * template under the Act of 4 April 2019 on the digital accessibility of
 * public bodies' websites and mobile applications.
 */

export type Impact = 'critical' | 'serious' | 'moderate' | 'minor';
export const IMPACTS: Impact[] = ['critical', 'serious', 'moderate', 'minor'];

/** One axe run as the e2e support records it. */
export interface AxeRecord {
  page: string;
  title: string;
  width: number;
  checkedAt: string;
  axeVersion: string;
  counts: Record<Impact, number>;
  violations: { id: string; impact: string; help: string; helpUrl: string; nodes: number }[];
}

export interface Bilingual {
  pl: string;
  en: string;
}

/** What people, not axe, know: dates the utility sets and findings of manual checks. */
export interface StatementSettings {
  /** When the portal was first published (YYYY-MM-DD). */
  publishedOn: string;
  /** Its last significant update (YYYY-MM-DD). */
  updatedOn: string;
  /** Inaccessible content found by hand (with the reason and the alternative). */
  knownIssues: Bilingual[];
  /** Content excluded by the Act (art. 3 ust. 2), with the reason. */
  exclusions: Bilingual[];
  /** Keyboard, focus and zoom checks made by hand, described for the method section. */
  manualChecks: Bilingual[];
}

export type ComplianceStatus = 'full' | 'partial' | 'none';

export interface StatementIssue {
  ruleId: string;
  impact: Impact;
  help: Bilingual;
  helpUrl: string;
  /** Where it was found: page, heading and widths. */
  pages: { page: string; title: string; widths: number[] }[];
}

export interface StatementData {
  standard: 'WCAG 2.1 AA';
  status: ComplianceStatus;
  publishedOn: string;
  updatedOn: string;
  /** The day the statement was made (from the test results). */
  preparedOn: string;
  /** The last day the pages were checked. */
  reviewedOn: string;
  method: { kind: 'self-assessment'; tool: string; pages: number; widths: number[]; runs: number; manualChecks: Bilingual[] };
  issues: StatementIssue[];
  knownIssues: Bilingual[];
  exclusions: Bilingual[];
  /** Every page checked, and whether axe found nothing there at any width. */
  pages: { page: string; title: string; widths: number[]; clean: boolean }[];
}

const day = (iso: string) => iso.slice(0, 10);

/** A page's path as the statement names it: no tenant prefix, no query, ids as `:id`. */
export function statementPath(url: string): string {
  const p = new URL(url).pathname.replace(/^\/t\/[a-z0-9-]+(?=\/|$)/, '') || '/';
  return p.replace(/\/\d+(?=\/|$)/g, '/:id');
}

/**
 * The statement from the recorded axe runs. `polish` translates an axe rule's
 * help text (axe-core's Polish locale), falling back to its English text.
 * Throws when there are no results: a statement must not claim pages were
 * checked when none were.
 */
export function buildStatement(records: AxeRecord[], settings: StatementSettings, polish: (ruleId: string) => string | undefined, today: string): StatementData {
  if (records.length === 0) throw new Error('no axe results: run the browser tests with WODNIK_RECORD_A11Y=1 first');
  const issues = new Map<string, StatementIssue>();
  const pages = new Map<string, { page: string; title: string; widths: Set<number>; clean: boolean }>();
  for (const rec of records) {
    // A page of one record (a customer, a meter) has that record's name as its heading: the statement is public, so it names the path only.
    const r = rec.page.includes(':id') ? { ...rec, title: '' } : rec;
    const p = pages.get(r.page) ?? { page: r.page, title: r.title, widths: new Set<number>(), clean: true };
    p.widths.add(r.width);
    if (!p.title && r.title) p.title = r.title;
    if (r.violations.length) p.clean = false;
    pages.set(r.page, p);
    for (const v of r.violations) {
      const impact = (IMPACTS as string[]).includes(v.impact) ? (v.impact as Impact) : 'minor';
      const issue = issues.get(v.id) ?? { ruleId: v.id, impact, help: { pl: polish(v.id) ?? v.help, en: v.help }, helpUrl: v.helpUrl, pages: [] };
      if (IMPACTS.indexOf(impact) < IMPACTS.indexOf(issue.impact)) issue.impact = impact;
      const at = issue.pages.find((x) => x.page === r.page);
      if (at) at.widths = [...new Set([...at.widths, r.width])].sort((a, b) => a - b);
      else issue.pages.push({ page: r.page, title: r.title, widths: [r.width] });
      issues.set(v.id, issue);
    }
  }
  const issueList = [...issues.values()].sort((a, b) => IMPACTS.indexOf(a.impact) - IMPACTS.indexOf(b.impact) || a.ruleId.localeCompare(b.ruleId));
  for (const i of issueList) i.pages.sort((a, b) => a.page.localeCompare(b.page));
  const pageList = [...pages.values()]
    .map((p) => ({ page: p.page, title: p.title, widths: [...p.widths].sort((a, b) => a - b), clean: p.clean }))
    .sort((a, b) => a.page.localeCompare(b.page));
  const widths = [...new Set(records.map((r) => r.width))].sort((a, b) => a - b);
  const versions = [...new Set(records.map((r) => r.axeVersion).filter(Boolean))].sort();
  return {
    standard: 'WCAG 2.1 AA',
    status: complianceStatus(issueList, settings.knownIssues, pageList.length),
    publishedOn: settings.publishedOn,
    updatedOn: settings.updatedOn,
    preparedOn: today,
    reviewedOn: day(records.map((r) => r.checkedAt).sort().at(-1)!),
    method: { kind: 'self-assessment', tool: `axe-core ${versions.join(', ')}`.trim(), pages: pageList.length, widths, runs: records.length, manualChecks: settings.manualChecks },
    issues: issueList,
    knownIssues: settings.knownIssues,
    exclusions: settings.exclusions,
    pages: pageList,
  };
}

/**
 * The template's three statuses: compliant when nothing was found (by axe or
 * by hand); not compliant when serious or critical violations lie on most of
 * the pages checked; partially compliant otherwise.
 */
export function complianceStatus(issues: StatementIssue[], knownIssues: Bilingual[], pageCount: number): ComplianceStatus {
  if (issues.length === 0 && knownIssues.length === 0) return 'full';
  const badPages = new Set(issues.filter((i) => i.impact === 'critical' || i.impact === 'serious').flatMap((i) => i.pages.map((p) => p.page)));
  return badPages.size * 2 > pageCount ? 'none' : 'partial';
}

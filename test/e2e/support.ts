/**
 * End-to-end support: the web app built once, the real server on a random
 * port over a fresh database (in-memory PGlite, or a new database on the
 * PostgreSQL server of TEST_DATABASE_URL), Debian's Chromium driven by
 * playwright-core, axe-core on every page, screenshots for a human to look at.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AxeBuilder from '@axe-core/playwright';
import lockfile from 'proper-lockfile';
import { it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import type { Database } from '../../src/db/connection.ts';
import { buildApp, type App } from '../../src/http/app.ts';
import { createTestDatabase } from '../support/db.ts';
import { statementPath, type AxeRecord } from '../../src/modules/accessibility/statement.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const webSrc = path.join(root, 'web');
const webOut = path.join(root, 'dist/web');
export const screenshotDir = path.join(root, 'test-results/screenshots');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Builds web/ into dist/web unless the build is newer than every source file.
 * A lock serializes e2e files running in parallel workers (one builds, the
 * others wait and then find the build fresh).
 */
export async function ensureWebBuilt(): Promise<void> {
  mkdirSync(path.join(root, 'dist'), { recursive: true });
  const release = await lockfile.lock(path.join(root, 'dist'), {
    lockfilePath: path.join(root, 'dist/.web-build.lock'),
    retries: { retries: 120, minTimeout: 250, maxTimeout: 1000 },
    stale: 60_000,
  });
  try {
    const index = path.join(webOut, 'index.html');
    if (existsSync(index) && statSync(index).mtimeMs >= newest(webSrc)) return;
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: path.join(webSrc, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    await release();
  }
}

export interface E2eServer {
  app: App;
  database: Database;
  /** http://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

/** The real application (every module's routes, the static web app) listening on a random local port. */
export async function startE2eServer(): Promise<E2eServer> {
  await ensureWebBuilt();
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', WODNIK_SECRET_KEY: '22'.repeat(32) });
  const app = await buildApp({ config, database });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    database,
    origin,
    close: async () => {
      await app.close();
      await database.close();
    },
  };
}

/** The one command that installs what the browser tests need (the only thing outside npm that `npm test` needs). */
export const CHROMIUM_INSTALL = 'sudo apt-get install chromium';

/** The Chromium the browser tests drive: Debian's package, or CHROMIUM_PATH. */
export const chromiumPath = (env: NodeJS.ProcessEnv = process.env): string => env.CHROMIUM_PATH || '/usr/bin/chromium';

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the browser tests cannot run here, or null when they can. A machine
 * without Chromium skips them with this message (which names the command
 * that installs it); under CI (CI=true) a missing Chromium is an error, never
 * a skip. Browser test files pass the result to `describe.skipIf`.
 */
export function chromiumMissing(env: NodeJS.ProcessEnv = process.env, executable: (file: string) => boolean = isExecutable): string | null {
  const file = chromiumPath(env);
  if (executable(file)) return null;
  if (env.CI === 'true' || env.CI === '1') {
    throw new Error(`Chromium not found at ${file}, and CI runs every test: install it (${CHROMIUM_INSTALL}) or set CHROMIUM_PATH.`);
  }
  const message = `Browser tests skipped: Chromium not found at ${file}. Install it with: ${CHROMIUM_INSTALL} (or set CHROMIUM_PATH).`;
  console.warn(message);
  return message;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * axe and the screenshots look at what the web app shows, which does not
 * depend on the database under it: CI runs them in the PGlite suite and turns
 * them off (WODNIK_E2E_PAGE_CHECKS=off) when it walks the same flows again on
 * PostgreSQL, where they would only double the browser tests' time.
 */
const pageChecks = process.env.WODNIK_E2E_PAGE_CHECKS !== 'off';

/**
 * A browser test of the web app alone (axe over every menu page, client-side
 * validation, the language switch, the phone layout): no flow through the
 * database engine, so the suite that walks the flows again on PostgreSQL
 * leaves it out instead of repeating it (not a skip: it runs in every other
 * run, the PGlite suite of CI included).
 */
export function uiTest(name: string, fn: () => Promise<void>, timeout?: number): void {
  if (pageChecks) it(name, fn, timeout);
}

/** axe-core on the page as it is now: the serious and critical violations, described for a failure message. */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!pageChecks) return [];
  const result = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  if (process.env.WODNIK_RECORD_A11Y === '1') await recordAxeResult(page, result.violations);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
}

/**
 * Waits for the page's heading, then checks it with axe and photographs it at
 * 1280 px and at 360 px (a phone), and returns to 1280 px.
 */
export async function checkAtBothWidths(page: Page, heading: string | RegExp, shot: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await page.waitForLoadState('networkidle');
  for (const [width, height] of [[1280, 800], [360, 740]]) {
    await page.setViewportSize({ width, height });
    const found = await seriousViolations(page);
    if (found.length) throw new Error(`axe on ${shot} at ${width} px:\n${found.join('\n')}`);
    await screenshot(page, `${shot}-${width}`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!pageChecks) return;
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** What the accessibility statement is made from (scripts/accessibility-statement.ts). */
export const axeResultsFile = path.join(root, 'docs/accessibility/axe-results.json');

/**
 * With WODNIK_RECORD_A11Y=1, each axe run is kept in docs/accessibility/axe-results.json
 * (the last run of each page at each width), so that the accessibility statement
 * is made from the tests' own results. Off by default: a normal test run leaves
 * the tree clean, and CI never needs it. Test files run in parallel workers, so
 * the file is read and written under a lock.
 */
async function recordAxeResult(page: Page, violations: { id: string; impact?: string | null; help: string; helpUrl: string; nodes: unknown[] }[]): Promise<void> {
  const counts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const v of violations) if (v.impact && v.impact in counts) counts[v.impact as keyof typeof counts]++;
  const record: AxeRecord = {
    page: statementPath(page.url()),
    title: ((await page.locator('h1').first().textContent({ timeout: 1000 }).catch(() => '')) ?? '').trim(),
    width: page.viewportSize()?.width ?? 0,
    checkedAt: new Date().toISOString(),
    axeVersion: (await page.evaluate(() => (globalThis as { axe?: { version?: string } }).axe?.version ?? '')) || '',
    counts,
    violations: violations.map((v) => ({ id: v.id, impact: v.impact ?? 'unknown', help: v.help, helpUrl: v.helpUrl, nodes: v.nodes.length })),
  };
  mkdirSync(path.dirname(axeResultsFile), { recursive: true });
  if (!existsSync(axeResultsFile)) writeFileSync(axeResultsFile, '{"results":[]}\n');
  const release = await lockfile.lock(axeResultsFile, { retries: { retries: 50, minTimeout: 50, maxTimeout: 500 }, stale: 10_000 });
  try {
    const data = JSON.parse(readFileSync(axeResultsFile, 'utf8')) as { results: AxeRecord[] };
    const rest = data.results.filter((r) => !(r.page === record.page && r.width === record.width));
    const results = [...rest, record].sort((a, b) => a.page.localeCompare(b.page) || a.width - b.width);
    writeFileSync(axeResultsFile, JSON.stringify({ tags: AXE_TAGS, results }, null, 2) + '\n');
  } finally {
    await release();
  }
}

/**
 * The staff page of background jobs in a real browser: a billing clerk sees
 * a failed delivery job with its error, runs it again, and finds the print
 * batch download. axe-checked and photographed at 1280 and 360 px wide.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { defineJob, enqueue, runDueJobs } from '../../src/jobs/queue.ts';
import { TEST_PASSWORD, buildUser, buildUtility } from '../support/factories.ts';
import { chromiumMissing, launchBrowser, screenshot, seriousViolations, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug: string;
let jobId = 0;
const noChromium = chromiumMissing();

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const db = server.database;
  const u = await buildUtility(db, { name: 'Wodociągi Jeziorańskie Sp. z o.o.', short_name: 'WJ' });
  slug = u.slug;
  await buildUser(db, u.id, { kind: 'staff', email: 'ksiegowa@wj-e2e.example', roles: ['billing'] });
  defineJob('invoice.e2e-fails', async () => {
    throw new Error('SMTP 550: mailbox unavailable');
  });
  jobId = (await withTenant(db.db, { utilityId: u.id }, (tx) => enqueue(tx, 'invoice.e2e-fails', { invoiceId: 42 }, { maxAttempts: 1 })))!;
  await runDueJobs(db, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '22'.repeat(32) }), { kinds: ['invoice.e2e-fails'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function arrive(page: Page, shot: string) {
  await page.getByRole('heading', { level: 1, name: 'Zadania w tle i wydruk faktur' }).waitFor();
  await page.waitForLoadState('networkidle');
  expect(await seriousViolations(page), `axe on ${shot}`).toEqual([]);
  await screenshot(page, shot);
}

describe.skipIf(noChromium)('background jobs page', () => {
  it('a billing clerk sees a failed job, runs it again, and finds the print batch', async () => {
    const ctx = await browser.newContext({ baseURL: server.origin, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`/t/${slug}/login?next=%2Fstaff%2Fjobs`);
    await page.getByLabel('Adres e-mail').fill('ksiegowa@wj-e2e.example');
    await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Zaloguj się' }).click();
    await arrive(page, 'jobs-failed-1280');
    const row = page.getByRole('row').filter({ hasText: 'SMTP 550: mailbox unavailable' });
    await row.waitFor();
    expect(await row.textContent()).toContain('1 z 1');
    expect(await page.getByRole('link', { name: 'Pobierz PDF do druku' }).getAttribute('href')).toMatch(/\/api\/staff\/print-batch\?issued=\d{4}-\d{2}-\d{2}$/);
    await page.getByRole('button', { name: `Uruchom ponownie zadanie ${jobId}` }).click();
    await page.getByRole('status').filter({ hasText: `Zadanie ${jobId} wróciło do kolejki.` }).waitFor();
    await page.getByText('Brak nieudanych zadań.').waitFor();
    await ctx.close();

    const phone = await browser.newContext({ baseURL: server.origin, viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    const p2 = await phone.newPage();
    await p2.goto(`/t/${slug}/login?next=%2Fstaff%2Fjobs`);
    await p2.getByLabel('Adres e-mail').fill('ksiegowa@wj-e2e.example');
    await p2.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
    await p2.getByRole('button', { name: 'Zaloguj się' }).click();
    await arrive(p2, 'jobs-360');
    await phone.close();
  }, 120_000);
});

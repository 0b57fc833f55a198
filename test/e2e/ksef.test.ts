/**
 * The KSeF staff page in a real browser: an admin opens it and sees the
 * configuration, the counts, the sessions, the invoices waiting, rejected
 * and offline, and the invoice whose UPO did not validate (ksef.upo_invalid).
 * The data is made through the service layer (no KSeF needed): a billing
 * run's invoices queued for KSeF, then put in each state. Checked with axe
 * and photographed at 1280 and 360 px; nothing may be wider than a phone.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { approveRun, createPreviewRun, issueRun } from '../../src/modules/billing/runs/service.ts';
import { boxOf } from '../../src/modules/ksef/service.ts';
import { queueInvoices } from '../../src/modules/ksef/selection.ts';
import { saveSettings } from '../../src/modules/ksef/settings.ts';
import { recordUpo } from '../../src/modules/ksef/upo-store.ts';
import { PERIOD, buildBillingWorld } from '../support/billing-world.ts';
import { TEST_PASSWORD, buildUser } from '../support/factories.ts';
import { makeKsefNumber, makeReferenceNumber } from '../support/ksef-sim/ksef-number.ts';
import { checkAtBothWidths, chromiumMissing, launchBrowser, startE2eServer, type E2eServer } from './support.ts';

let server: E2eServer;
let browser: Browser;
let slug: string;
let numbers: { rejected: string; offline: string; queued: string; upoInvalid: string };
const noChromium = chromiumMissing();
const email = 'admin@zgk-ksef.example';
const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', WODNIK_SECRET_KEY: '22'.repeat(32) });

beforeAll(async () => {
  if (noChromium) return;
  [server, browser] = await Promise.all([startE2eServer(), launchBrowser()]);
  const w = await buildBillingWorld(server.database, 2);
  slug = w.slug;
  await buildUser(server.database, w.utilityId, { kind: 'staff', email, roles: ['admin'] });
  const tenant = <T,>(fn: Parameters<typeof withTenant<T>>[2]) => withTenant(server.database.db, { utilityId: w.utilityId }, fn);
  const runId = await tenant((tx) => createPreviewRun(tx, w.utilityId, { period: PERIOD, selection: {} }));
  await tenant((tx) => approveRun(tx, w.utilityId, runId, null));
  await issueRun(server.database, w.utilityId, runId, { now: () => new Date('2026-11-03T09:00:00Z'), batchSize: 50 });
  numbers = await tenant(async (tx) => {
    const nip = (await sql<{ nip: string }>`select nip from utilities where id = app_utility_id()`.execute(tx)).rows[0]!.nip;
    await saveSettings(tx, boxOf(config), { environment: 'test', sellerNip: nip, authMethod: 'token', token: 'token-never-shown', includeConsumers: true, offline24: false });
    await queueInvoices(tx, true, { runId });
    const inv = (await sql<{ id: number; invoice_number: string }>`select id, invoice_number from invoices order by invoice_number`.execute(tx)).rows;
    const [rejected, offline, upoInvalid, queued] = inv;
    // Two sessions: one processed, one KSeF ended with errors.
    const s = await sql<{ id: number }>`
      insert into ksef_sessions (utility_id, kind, reference_number, state, status_code, status_text, invoice_count, created_at)
      values (app_utility_id(), 'batch', ${makeReferenceNumber('SB')}, 'processed', 200, 'Sesja wsadowa przetworzona pomyślnie', 2, '2026-12-06T08:15:00Z'),
             (app_utility_id(), 'online', ${makeReferenceNumber('SO')}, 'failed', 500, 'Nieznany błąd (500)', 1, '2026-12-06T09:30:00Z')
      returning id`.execute(tx);
    await sql`update ksef_invoices set state = 'rejected', session_id = ${s.rows[0]!.id}, status_code = 450,
                status_text = 'Błąd weryfikacji semantyki dokumentu faktury — Data wystawienia (P_1) późniejsza niż data przyjęcia' where invoice_id = ${rejected!.id}`.execute(tx);
    await sql`update ksef_invoices set state = 'offline', offline = true, status_text = 'KSeF nie odpowiada' where invoice_id = ${offline!.id}`.execute(tx);
    const ksefNumber = makeKsefNumber(nip, new Date('2026-12-06T08:16:00Z'));
    await sql`update ksef_invoices set state = 'accepted', session_id = ${s.rows[0]!.id}, ksef_number = ${ksefNumber}, accepted_at = now() where invoice_id = ${upoInvalid!.id}`.execute(tx);
    await sql`update invoices set ksef_number = ${ksefNumber} where id = ${upoInvalid!.id}`.execute(tx);
    // What KSeF sent does not validate: a UPO in another namespace, checked and kept aside as the sender does.
    await recordUpo(tx, upoInvalid!.id, Buffer.from('<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-2"/>'), 'test');
    return { rejected: rejected!.invoice_number, offline: offline!.invoice_number, upoInvalid: upoInvalid!.invoice_number, queued: queued!.invoice_number };
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe.skipIf(noChromium)('the KSeF page in the browser', { timeout: 120_000 }, () => {
  it('shows an admin the configuration, the sessions, and the invoices waiting, rejected, offline and with an invalid UPO', async () => {
    const ctx = await browser.newContext({ baseURL: server.origin, viewport: { width: 1280, height: 800 } });
    const page = await ctx.newPage();
    await page.goto(`/t/${slug}/login`);
    await page.getByLabel('Adres e-mail').fill(email);
    await page.getByLabel('Hasło', { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Zaloguj się' }).click();
    await page.waitForURL(/\/staff/);
    await page.goto(`/t/${slug}/staff/ksef`);
    await page.getByRole('table', { name: 'Sesje KSeF' }).waitFor();

    await expect(page.getByRole('heading', { level: 2, name: 'Konfiguracja' }).isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('NIP sprzedawcy').inputValue()).resolves.toMatch(/^\d{10}$/);
    const sessions = page.getByRole('table', { name: 'Sesje KSeF' });
    await expect(sessions.locator('tbody tr').count()).resolves.toBe(2);
    expect(await sessions.textContent()).toContain('Zakończona błędem');
    // Polish dates: 06.12.2026.
    expect(await sessions.textContent()).toMatch(/06\.12\.2026/);
    const waiting = page.getByRole('table', { name: 'Faktury oczekujące, odrzucone i offline' });
    const waitingText = (await waiting.textContent()) ?? '';
    for (const n of [numbers.queued, numbers.rejected, numbers.offline]) expect(waitingText).toContain(n);
    expect(waitingText).toContain('Odrzucona przez KSeF');
    expect(waitingText).toContain('P_1');
    const upo = page.getByRole('table', { name: 'Faktury z UPO niezgodnym ze schematem' });
    const upoText = (await upo.textContent()) ?? '';
    expect(upoText).toContain(numbers.upoInvalid);
    expect(upoText).toContain('ksef.upo_invalid');
    expect(upoText).toContain('No matching global declaration');

    await checkAtBothWidths(page, 'KSeF – Krajowy System e-Faktur', 'ksef-page');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await ctx.close();
  });
});

/**
 * E-invoice consent (E-FAKTURA): a customer accepts the e-invoice terms in
 * the portal, or staff record a signed paper form (its scan kept in
 * `files`); either may withdraw it. What is recorded: the terms acceptance
 * (who, when, which version, from which address and browser) and the
 * consent (delivery to the portal only or also by e-mail, from which day it
 * applies). The lower subscription fee applies from the start of the next
 * billing period (billing-period.ts); billing reads these dates
 * (src/modules/billing/delivery.ts). `customers.invoice_delivery` follows the
 * customer's choice at once (it says how invoices are to be delivered; the
 * fee follows the effective dates).
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from '../identity/audit.ts';
import { findCurrentTerms } from '../identity/terms.ts';
import { mulDivHalfUp } from '../billing/invoice-document.ts';
import { consentEffectiveFrom, localDate, withdrawalEffectiveFrom, type BillingCycle } from './billing-period.ts';

export interface ConsentView {
  id: number;
  source: 'portal' | 'paper_form';
  grantedAt: string;
  effectiveFrom: string;
  byEmail: boolean;
  email: string | null;
  termsVersion: string | null;
  acceptedAt: string | null;
  acceptedFromIp: string | null;
  withdrawnAt: string | null;
  withdrawnEffectiveFrom: string | null;
  hasForm: boolean;
}

export interface FeeSaving {
  contractNumber: string;
  tariffGroupCode: string;
  tariffName: string;
  billingCycle: BillingCycle;
  vatRate: number;
  /** Net fees per month in grosze. */
  feePaperNet: number;
  feeEinvoiceNet: number;
  feePaperGross: number;
  feeEinvoiceGross: number;
  savingNetPerMonth: number;
  savingGrossPerMonth: number;
  /** Twelve months' saving, gross (VAT on the year's net saving). */
  savingGrossPerYear: number;
}

export interface EinvoiceStatus {
  customerId: number;
  /** The customer's chosen delivery now (customers.invoice_delivery). */
  delivery: 'paper' | 'einvoice';
  /** The standing consent, or null. */
  consent: ConsentView | null;
  /** The latest withdrawn consent whose withdrawal has not yet taken effect or did lately, for the status line. */
  lastWithdrawn: ConsentView | null;
  /** The day a consent given today would take effect, and a withdrawal today. */
  wouldTakeEffect: string;
  wouldEnd: string;
  terms: { id: number; version: string; title: string; body: string } | null;
  savings: FeeSaving[];
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

async function customerRow(tx: Tx, customerId: number) {
  const c = await tx.selectFrom('customers').select(['id', 'email', 'invoice_delivery']).where('id', '=', customerId).executeTakeFirst();
  if (!c) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'Customer not found.');
  return c;
}

async function activeCycles(tx: Tx, customerId: number, today: string): Promise<BillingCycle[]> {
  const rows = await tx
    .selectFrom('contracts')
    .select('billing_cycle')
    .where('customer_id', '=', customerId)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', today)]))
    .execute();
  return rows.map((r) => r.billing_cycle as BillingCycle);
}

async function consents(tx: Tx, customerId: number): Promise<ConsentView[]> {
  const rows = await tx
    .selectFrom('einvoice_consents as c')
    .leftJoin('terms_acceptances as a', 'a.id', 'c.terms_acceptance_id')
    .leftJoin('terms_versions as v', 'v.id', 'a.terms_version_id')
    .select([
      'c.id',
      'c.source',
      'c.granted_at',
      'c.effective_from',
      'c.by_email',
      'c.email',
      'c.withdrawn_at',
      'c.withdrawn_effective_from',
      'c.form_file_id',
      'v.version',
      'a.accepted_at',
      'a.ip',
    ])
    .where('c.customer_id', '=', customerId)
    .orderBy('c.granted_at', 'desc')
    .orderBy('c.id', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    source: r.source as ConsentView['source'],
    grantedAt: iso(r.granted_at)!,
    effectiveFrom: r.effective_from,
    byEmail: r.by_email,
    email: r.email,
    termsVersion: r.version,
    acceptedAt: iso(r.accepted_at),
    acceptedFromIp: r.ip,
    withdrawnAt: iso(r.withdrawn_at),
    withdrawnEffectiveFrom: r.withdrawn_effective_from,
    hasForm: r.form_file_id !== null,
  }));
}

/** The subscription fees of the customer's contracts at the tariff in force today, paper against e-invoice. */
export async function feeSavings(tx: Tx, customerId: number, today: string): Promise<FeeSaving[]> {
  const rows = await tx
    .selectFrom('contracts as k')
    .innerJoin('tariff_groups as g', 'g.code', 'k.tariff_group_code')
    .innerJoin('tariffs as t', 't.id', 'g.tariff_id')
    .select([
      'k.contract_number',
      'k.tariff_group_code',
      'k.billing_cycle',
      't.name',
      'g.vat_rate_percent',
      'g.subscription_fee_paper_net_grosze as paper',
      'g.subscription_fee_einvoice_net_grosze as einvoice',
    ])
    .where('k.customer_id', '=', customerId)
    .where('k.status', '=', 'active')
    .where((eb) => eb.or([eb('k.valid_to', 'is', null), eb('k.valid_to', '>=', today)]))
    .where('t.valid_from', '<=', today)
    .where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', today)]))
    .orderBy('k.contract_number')
    .execute();
  return rows.map((r) => {
    const gross = (net: number) => mulDivHalfUp(net, 100 + r.vat_rate_percent, 100);
    const paper = Number(r.paper);
    const einvoice = Number(r.einvoice);
    return {
      contractNumber: r.contract_number,
      tariffGroupCode: r.tariff_group_code,
      tariffName: r.name,
      billingCycle: r.billing_cycle as BillingCycle,
      vatRate: r.vat_rate_percent,
      feePaperNet: paper,
      feeEinvoiceNet: einvoice,
      feePaperGross: gross(paper),
      feeEinvoiceGross: gross(einvoice),
      savingNetPerMonth: paper - einvoice,
      savingGrossPerMonth: gross(paper) - gross(einvoice),
      savingGrossPerYear: gross(12 * (paper - einvoice)),
    };
  });
}

export async function einvoiceStatus(tx: Tx, customerId: number, now: Date): Promise<EinvoiceStatus> {
  const today = localDate(now);
  const c = await customerRow(tx, customerId);
  const all = await consents(tx, customerId);
  const cycles = await activeCycles(tx, customerId, today);
  const terms = await findCurrentTerms(tx, 'einvoice');
  return {
    customerId,
    delivery: c.invoice_delivery as 'paper' | 'einvoice',
    consent: all.find((x) => x.withdrawnAt === null) ?? null,
    lastWithdrawn: all.find((x) => x.withdrawnAt !== null) ?? null,
    wouldTakeEffect: consentEffectiveFrom(cycles, today),
    wouldEnd: withdrawalEffectiveFrom(cycles, today),
    terms: terms ? { id: terms.id, version: terms.version, title: terms.title, body: terms.body } : null,
    savings: await feeSavings(tx, customerId, today),
  };
}

/** Every consent of a customer, newest first (staff see the history). */
export const consentHistory = consents;

export interface GrantInput {
  utilityId: number;
  customerId: number;
  /** The terms version the person accepted (the id shown to them): refused when it is no longer the current one. */
  termsVersionId: number;
  byEmail: boolean;
  /** The address e-invoices are e-mailed to (required when byEmail). */
  email: string | null;
  now: Date;
  /** A portal user accepting for themselves, or staff recording a signed form. */
  by:
    | { kind: 'portal'; userId: number; ip: string; userAgent?: string }
    | { kind: 'paper_form'; staffId: number; ip: string; signedOn: string; formFileId: number };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function grantConsent(tx: Tx, g: GrantInput): Promise<void> {
  const today = localDate(g.now);
  await customerRow(tx, g.customerId);
  const terms = await findCurrentTerms(tx, 'einvoice');
  if (!terms) throw notFound('terms.not_found', 'Regulamin e-faktury nie został jeszcze opublikowany.', 'The e-invoice terms have not been published yet.');
  if (terms.id !== g.termsVersionId) {
    throw conflict('einvoice.terms_changed', 'Regulamin e-faktury został zmieniony. Prosimy zapoznać się z aktualną wersją i zaakceptować ją ponownie.', 'The e-invoice terms have changed. Please read the current version and accept it again.');
  }
  if (g.byEmail && (g.email === null || !EMAIL.test(g.email) || g.email.length > 254)) {
    throw badRequest('einvoice.email_required', 'Do wysyłki e-faktur e-mailem potrzebny jest poprawny adres e-mail.', 'A valid e-mail address is needed to e-mail e-invoices.', { field: 'body.email' });
  }
  if (g.by.kind === 'paper_form' && g.by.signedOn > today) {
    throw badRequest('einvoice.signed_in_future', 'Data podpisania formularza nie może być z przyszłości.', 'The form cannot have been signed in the future.', { field: 'body.signedOn' });
  }
  const standing = await tx.selectFrom('einvoice_consents').select('id').where('customer_id', '=', g.customerId).where('withdrawn_at', 'is', null).forUpdate().executeTakeFirst();
  if (standing) throw alreadyActive();

  const acceptance = await tx
    .insertInto('terms_acceptances')
    .values({
      utility_id: g.utilityId,
      terms_version_id: terms.id,
      user_id: g.by.kind === 'portal' ? g.by.userId : null,
      customer_id: g.customerId,
      // A paper form was accepted when it was signed (noon, Warsaw), not from an address.
      accepted_at: g.by.kind === 'portal' ? g.now : sql<Date>`(${g.by.signedOn}::date + time '12:00') at time zone 'Europe/Warsaw'`,
      ip: g.by.kind === 'portal' ? g.by.ip : null,
      user_agent: g.by.kind === 'portal' ? (g.by.userAgent?.slice(0, 300) ?? null) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const effectiveFrom = consentEffectiveFrom(await activeCycles(tx, g.customerId, today), today);
  let consentId: number;
  try {
    const row = await tx
      .insertInto('einvoice_consents')
      .values({
        utility_id: g.utilityId,
        customer_id: g.customerId,
        terms_acceptance_id: acceptance.id,
        email: g.byEmail ? g.email : null,
        by_email: g.byEmail,
        granted_at: g.now,
        effective_from: effectiveFrom,
        source: g.by.kind,
        form_file_id: g.by.kind === 'paper_form' ? g.by.formFileId : null,
        recorded_by: g.by.kind === 'paper_form' ? g.by.staffId : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    consentId = row.id;
  } catch (e) {
    // Two consents given at the same moment: the unique index keeps one; this request is rolled back whole.
    if ((e as { code?: string }).code === '23505') throw alreadyActive();
    throw e;
  }
  await tx.updateTable('customers').set({ invoice_delivery: 'einvoice', updated_at: g.now }).where('id', '=', g.customerId).execute();
  await recordAudit(tx, {
    utilityId: g.utilityId,
    actorId: g.by.kind === 'portal' ? g.by.userId : g.by.staffId,
    actorKind: g.by.kind === 'portal' ? 'customer' : 'staff',
    action: 'einvoice.consent',
    entity: 'einvoice_consent',
    entityId: consentId,
    customerId: g.customerId,
    ip: g.by.ip,
    data: { termsVersion: terms.version, byEmail: g.byEmail, effectiveFrom, source: g.by.kind },
  });
}

const alreadyActive = () =>
  conflict('einvoice.already_active', 'Zgoda na e-fakturę jest już udzielona.', 'E-invoice consent has already been given.');

export async function withdrawConsent(
  tx: Tx,
  w: { utilityId: number; customerId: number; now: Date; by: { kind: 'customer' | 'staff'; userId: number; ip: string } },
): Promise<void> {
  const today = localDate(w.now);
  await customerRow(tx, w.customerId);
  const standing = await tx.selectFrom('einvoice_consents').select(['id', 'effective_from']).where('customer_id', '=', w.customerId).where('withdrawn_at', 'is', null).forUpdate().executeTakeFirst();
  if (!standing) throw conflict('einvoice.not_active', 'Zgoda na e-fakturę nie jest udzielona.', 'No e-invoice consent is in force.');
  let ends = withdrawalEffectiveFrom(await activeCycles(tx, w.customerId, today), today);
  // Withdrawn before it took effect: it never applies (an empty span).
  if (ends < standing.effective_from) ends = standing.effective_from;
  await tx
    .updateTable('einvoice_consents')
    .set({ withdrawn_at: w.now, withdrawn_effective_from: ends, withdrawn_by: w.by.userId })
    .where('id', '=', standing.id)
    .execute();
  await tx.updateTable('customers').set({ invoice_delivery: 'paper', updated_at: w.now }).where('id', '=', w.customerId).execute();
  await recordAudit(tx, {
    utilityId: w.utilityId,
    actorId: w.by.userId,
    actorKind: w.by.kind,
    action: 'einvoice.withdraw',
    entity: 'einvoice_consent',
    entityId: standing.id,
    customerId: w.customerId,
    ip: w.by.ip,
    data: { withdrawnEffectiveFrom: ends },
  });
}

/** Portal only or also by e-mail, on the standing consent (the fee does not depend on it). */
export async function setByEmail(
  tx: Tx,
  s: { utilityId: number; customerId: number; byEmail: boolean; email: string | null; by: { kind: 'customer' | 'staff'; userId: number; ip: string } },
): Promise<void> {
  if (s.byEmail && (s.email === null || !EMAIL.test(s.email) || s.email.length > 254)) {
    throw badRequest('einvoice.email_required', 'Do wysyłki e-faktur e-mailem potrzebny jest poprawny adres e-mail.', 'A valid e-mail address is needed to e-mail e-invoices.', { field: 'body.email' });
  }
  const res = await tx
    .updateTable('einvoice_consents')
    .set({ by_email: s.byEmail, email: s.byEmail ? s.email : null })
    .where('customer_id', '=', s.customerId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) throw conflict('einvoice.not_active', 'Zgoda na e-fakturę nie jest udzielona.', 'No e-invoice consent is in force.');
  await recordAudit(tx, {
    utilityId: s.utilityId,
    actorId: s.by.userId,
    actorKind: s.by.kind,
    action: 'einvoice.by_email',
    entity: 'customer',
    entityId: s.customerId,
    customerId: s.customerId,
    ip: s.by.ip,
    data: { byEmail: s.byEmail },
  });
}

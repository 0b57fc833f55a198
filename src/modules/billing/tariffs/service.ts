/**
 * Tariffs (issue 14, item 1): the regulator's decision, validity, and per
 * tariff group the net prices per m³ of water and sewage and the monthly
 * subscription fee for paper and for e-invoice delivery. History is kept:
 * a tariff is never deleted, only ended. Two tariffs may not both be in force
 * on one day for one group. A tariff that has been billed (an invoice of a
 * contract in one of its groups covers a day of its validity) cannot be
 * edited, and can be ended only after its last billed day.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import { badRequest, conflict, notFound } from '../../../lib/errors.ts';

export interface TariffGroupInput {
  code: string;
  name: string;
  /** Net prices in grosze. */
  water: number;
  sewage: number;
  feePaper: number;
  feeEinvoice: number;
}

export interface TariffInput {
  name: string;
  decisionNumber: string;
  decisionDate: string;
  validFrom: string;
  validTo: string | null;
  vatRate: number;
  groups: TariffGroupInput[];
}

export interface TariffView extends TariffInput {
  id: number;
  createdAt: string;
  /** Last day billed under this tariff, or null: a billed tariff can only be ended. */
  billedTo: string | null;
}

/** "5.40" → 540 grosze; null when not an amount with at most two decimals. */
export function parsePrice(text: string): number | null {
  const m = /^(\d{1,6})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

async function billedTo(tx: Tx, utilityId: number, tariffId: number): Promise<string | null> {
  const { rows } = await sql<{ d: string | null }>`
    select max(least(i.period_to, coalesce(t.valid_to, i.period_to)))::text as d
    from tariffs t
    join tariff_groups g on g.utility_id = t.utility_id and g.tariff_id = t.id
    join contracts c on c.utility_id = t.utility_id and c.tariff_group_code = g.code
    join invoices i on i.utility_id = c.utility_id and i.contract_id = c.id and i.kind = 'invoice'
    where t.utility_id = ${utilityId} and t.id = ${tariffId}
      and i.period_to >= t.valid_from and (t.valid_to is null or i.period_from <= t.valid_to)`.execute(tx);
  return rows[0]?.d ?? null;
}

export async function listTariffs(tx: Tx, utilityId: number): Promise<TariffView[]> {
  const tariffs = await tx.selectFrom('tariffs').selectAll().where('utility_id', '=', utilityId).orderBy('valid_from', 'desc').orderBy('id', 'desc').execute();
  const groups = await tx.selectFrom('tariff_groups').selectAll().where('utility_id', '=', utilityId).orderBy('code').execute();
  const out: TariffView[] = [];
  for (const t of tariffs) {
    const own = groups.filter((g) => Number(g.tariff_id) === Number(t.id));
    out.push({
      id: Number(t.id),
      name: t.name,
      decisionNumber: t.decision_number,
      decisionDate: t.decision_date ?? '',
      validFrom: t.valid_from,
      validTo: t.valid_to,
      vatRate: own[0]?.vat_rate_percent ?? 8,
      groups: own.map((g) => ({
        code: g.code,
        name: g.name,
        water: Number(g.water_price_net_grosze),
        sewage: Number(g.sewage_price_net_grosze),
        feePaper: Number(g.subscription_fee_paper_net_grosze),
        feeEinvoice: Number(g.subscription_fee_einvoice_net_grosze),
      })),
      createdAt: new Date(t.created_at as unknown as string).toISOString(),
      billedTo: await billedTo(tx, utilityId, Number(t.id)),
    });
  }
  return out;
}

function checkInput(t: TariffInput) {
  if (t.validTo !== null && t.validTo < t.validFrom) throw badRequest('tariff.bad_validity', 'Koniec obowiązywania taryfy jest przed jej początkiem.', 'The tariff ends before it starts.');
  if (t.decisionDate > t.validFrom) throw badRequest('tariff.decision_after_start', 'Decyzja zatwierdzająca taryfę jest późniejsza niż początek jej obowiązywania.', 'The decision approving the tariff is dated after the tariff starts.');
  if (t.groups.length === 0) throw badRequest('tariff.no_groups', 'Taryfa musi mieć co najmniej jedną grupę taryfową.', 'A tariff needs at least one tariff group.');
  const codes = new Set(t.groups.map((g) => g.code));
  if (codes.size !== t.groups.length) throw badRequest('tariff.group_repeated', 'Grupa taryfowa powtórzona.', 'A tariff group is listed twice.');
}

/** Refuses validity that overlaps another tariff's for one of the groups. */
async function checkOverlap(tx: Tx, utilityId: number, codes: string[], from: string, to: string | null, except: number | null) {
  const { rows } = await sql<{ code: string; decision_number: string }>`
    select g.code, t.decision_number from tariffs t join tariff_groups g on g.utility_id = t.utility_id and g.tariff_id = t.id
    where t.utility_id = ${utilityId} and g.code = any(${codes}::text[]) ${except === null ? sql`` : sql`and t.id <> ${except}`}
      and (t.valid_to is null or t.valid_to >= ${from}::date) ${to === null ? sql`` : sql`and t.valid_from <= ${to}::date`}
    limit 1`.execute(tx);
  if (rows.length > 0) {
    throw conflict(
      'tariff.overlap',
      `Dla grupy ${rows[0].code} w tym okresie obowiązuje już taryfa ${rows[0].decision_number}; najpierw trzeba ją zakończyć.`,
      `Tariff ${rows[0].decision_number} is already in force for group ${rows[0].code} in this period; end it first.`,
    );
  }
}

async function writeGroups(tx: Tx, utilityId: number, tariffId: number, t: TariffInput) {
  await tx
    .insertInto('tariff_groups')
    .values(
      t.groups.map((g) => ({
        utility_id: utilityId,
        tariff_id: tariffId,
        code: g.code,
        name: g.name,
        water_price_net_grosze: g.water,
        sewage_price_net_grosze: g.sewage,
        subscription_fee_paper_net_grosze: g.feePaper,
        subscription_fee_einvoice_net_grosze: g.feeEinvoice,
        vat_rate_percent: t.vatRate,
      })),
    )
    .execute();
}

async function lockTariff(tx: Tx, utilityId: number, id: number) {
  const t = await tx.selectFrom('tariffs').selectAll().where('utility_id', '=', utilityId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!t) throw notFound('tariff.not_found', 'Nie ma takiej taryfy.', 'There is no such tariff.');
  return t;
}

/** Serialises tariff changes of one utility, so that two overlapping tariffs cannot both pass the check. */
async function lockUtilityTariffs(tx: Tx, utilityId: number) {
  await sql`select pg_advisory_xact_lock(hashtext('wodnik.tariffs'), ${utilityId}::int)`.execute(tx);
}

export async function createTariff(tx: Tx, utilityId: number, t: TariffInput): Promise<number> {
  checkInput(t);
  await lockUtilityTariffs(tx, utilityId);
  await checkOverlap(tx, utilityId, t.groups.map((g) => g.code), t.validFrom, t.validTo, null);
  const { id } = await tx
    .insertInto('tariffs')
    .values({ utility_id: utilityId, name: t.name, decision_number: t.decisionNumber, decision_date: t.decisionDate, valid_from: t.validFrom, valid_to: t.validTo })
    .returning('id')
    .executeTakeFirstOrThrow();
  await writeGroups(tx, utilityId, Number(id), t);
  return Number(id);
}

/** Replaces a tariff that has not been billed yet. */
export async function updateTariff(tx: Tx, utilityId: number, id: number, t: TariffInput): Promise<void> {
  checkInput(t);
  await lockUtilityTariffs(tx, utilityId);
  await lockTariff(tx, utilityId, id);
  if ((await billedTo(tx, utilityId, id)) !== null) {
    throw conflict('tariff.billed', 'Taryfa została już zastosowana na fakturach: można ją tylko zakończyć.', 'The tariff has been billed already: it can only be ended.');
  }
  await checkOverlap(tx, utilityId, t.groups.map((g) => g.code), t.validFrom, t.validTo, id);
  await tx
    .updateTable('tariffs')
    .set({ name: t.name, decision_number: t.decisionNumber, decision_date: t.decisionDate, valid_from: t.validFrom, valid_to: t.validTo })
    .where('utility_id', '=', utilityId)
    .where('id', '=', id)
    .execute();
  await tx.deleteFrom('tariff_groups').where('utility_id', '=', utilityId).where('tariff_id', '=', id).execute();
  await writeGroups(tx, utilityId, id, t);
}

/** Ends a tariff on `validTo` (its last day), never before a day already billed under it. */
export async function endTariff(tx: Tx, utilityId: number, id: number, validTo: string): Promise<void> {
  await lockUtilityTariffs(tx, utilityId);
  const t = await lockTariff(tx, utilityId, id);
  if (validTo < t.valid_from) throw badRequest('tariff.bad_validity', 'Koniec obowiązywania taryfy jest przed jej początkiem.', 'The tariff ends before it starts.');
  if (t.valid_to !== null && validTo > t.valid_to) {
    throw conflict('tariff.end_later', 'Taryfę można zakończyć wcześniej, nie przedłużyć.', 'A tariff can be ended earlier, not extended.');
  }
  const billed = await billedTo(tx, utilityId, id);
  if (billed !== null && validTo < billed) {
    throw conflict('tariff.billed_after', `Taryfa została zastosowana na fakturach do ${billed}: nie może kończyć się wcześniej.`, `The tariff has been billed up to ${billed}: it cannot end earlier.`);
  }
  await tx.updateTable('tariffs').set({ valid_to: validTo }).where('utility_id', '=', utilityId).where('id', '=', id).execute();
}

/**
 * A contract's consumption analysis for any date range: water per month
 * (main meters; consumption.ts splits the register differences), the daily
 * average, the same range a year earlier, and the cost at today's tariff of
 * the contract's tariff group (water, and sewage when the contract has it:
 * water less the garden sub-meters; net prices + VAT; the subscription fee
 * is not included). Only the customer's own contract, and only readings from
 * its own period (not a previous occupant's).
 */
import { csvTable } from '../../lib/csv.ts';
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import { formatNumber } from '../../lib/polish-format.ts';
import { monthlyConsumption, yearEarlier, type RegisterPoint } from './consumption.ts';
import { litresToM3 } from './rules.ts';
import { warsawToday } from './submit.ts';

/** Ten years at most in one analysis (120 months in a chart is already a lot). */
const MAX_DAYS = 3660;

interface PointRow {
  meter_id: number;
  role: string;
  day: string;
  litres: string;
}

export async function contractConsumption(tx: Tx, customerId: number, contractId: number, from: string, to: string) {
  if (from > to) throw badRequest('readings.bad_range', 'Data „od” jest późniejsza niż data „do”.', 'The "from" date is after the "to" date.');
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS) {
    throw badRequest('consumption.range_too_long', 'Zakres może obejmować najwyżej 10 lat.', 'The range may cover at most 10 years.');
  }
  const contract = await tx
    .selectFrom('contracts')
    .select(['id', 'contract_number', 'kind', 'sewage_mode', 'tariff_group_code', 'service_point_id', 'valid_from', 'valid_to'])
    .where('id', '=', contractId)
    .where('customer_id', '=', customerId)
    .executeTakeFirst();
  if (!contract) throw notFound('consumption.contract_not_found', 'Nie znaleziono takiej umowy klienta.', 'No such contract of the customer.');
  const prevFrom = yearEarlier(from);
  // Readings of the contract's own period, from a year before the earlier range to a year after the range,
  // so the readings on both sides of every boundary are there; installation and removal registers too.
  const { rows } = await sql<PointRow>`
    with ms as (
      select m.id, m.role, m.installed_on, m.removed_on, m.initial_reading, m.final_reading from meters m
       where m.service_point_id = ${contract.service_point_id} and m.role in ('main', 'garden')),
    win as (select greatest(${prevFrom}::date - 400, ${contract.valid_from}::date) as lo,
                   least(${to}::date + 400, coalesce(${contract.valid_to}::date, ${to}::date + 400)) as hi)
    select ms.id as meter_id, ms.role, (r.read_at at time zone 'Europe/Warsaw')::date::text as day, round(r.value_m3 * 1000)::text as litres
      from readings r join ms on ms.id = r.meter_id, win
     where r.status = 'accepted'
       and r.read_at >= win.lo::timestamp at time zone 'Europe/Warsaw' and r.read_at < (win.hi + 1)::timestamp at time zone 'Europe/Warsaw'
    union all
    select ms.id, ms.role, ms.installed_on::text, round(ms.initial_reading * 1000)::text from ms, win where ms.installed_on between win.lo and win.hi
    union all
    select ms.id, ms.role, ms.removed_on::text, round(ms.final_reading * 1000)::text from ms, win
     where ms.removed_on between win.lo and win.hi and ms.final_reading is not null`.execute(tx);
  const series = (role: string) => {
    const byMeter = new Map<number, RegisterPoint[]>();
    for (const r of rows) {
      if (r.role !== role) continue;
      const list = byMeter.get(Number(r.meter_id)) ?? [];
      list.push({ date: r.day, litres: Number(r.litres) });
      byMeter.set(Number(r.meter_id), list);
    }
    return [...byMeter.values()];
  };
  const water = series('main');
  const garden = series('garden');
  const now = monthlyConsumption(water, from, to);
  const before = monthlyConsumption(water, prevFrom, yearEarlier(to));
  const gardenNow = monthlyConsumption(garden, from, to);
  const cost = await costAtTodaysTariff(tx, contract, now.totalLitres, gardenNow.totalLitres);
  const m3 = (l: number) => litresToM3(l);
  return {
    contract: { id: Number(contract.id), contractNumber: contract.contract_number, kind: contract.kind, tariffGroup: contract.tariff_group_code },
    from,
    to,
    months: now.months.map((m, i) => ({
      month: m.month,
      usedM3: m3(m.litres),
      coveredDays: m.coveredDays,
      days: m.days,
      previousYearM3: before.months[i] && before.months[i].coveredDays > 0 ? m3(before.months[i].litres) : null,
    })),
    totalM3: m3(now.totalLitres),
    coveredDays: now.coveredDays,
    days: now.days,
    dailyAverageM3: now.dailyAverageLitres === null ? null : m3(now.dailyAverageLitres),
    previousYear: {
      from: prevFrom,
      to: yearEarlier(to),
      totalM3: m3(before.totalLitres),
      coveredDays: before.coveredDays,
      dailyAverageM3: before.dailyAverageLitres === null ? null : m3(before.dailyAverageLitres),
    },
    cost,
  };
}

async function costAtTodaysTariff(
  tx: Tx,
  contract: { kind: string; sewage_mode: string; tariff_group_code: string },
  waterLitres: number,
  gardenLitres: number,
) {
  const today = await warsawToday(tx);
  const group = await tx
    .selectFrom('tariff_groups as g')
    .innerJoin('tariffs as t', 't.id', 'g.tariff_id')
    .select(['t.name as tariff', 't.decision_number', 'g.code', 'g.water_price_net_grosze', 'g.sewage_price_net_grosze', 'g.vat_rate_percent'])
    .where('g.code', '=', contract.tariff_group_code)
    .where('t.valid_from', '<=', today)
    .where((eb) => eb.or([eb('t.valid_to', 'is', null), eb('t.valid_to', '>=', today)]))
    .orderBy('t.valid_from', 'desc')
    .executeTakeFirst();
  if (!group) return null;
  const lines: { item: 'water' | 'sewage'; quantityM3: string; priceNetGrosze: number; netGrosze: number }[] = [];
  if (contract.kind !== 'sewage') {
    const price = Number(group.water_price_net_grosze);
    lines.push({ item: 'water', quantityM3: litresToM3(waterLitres), priceNetGrosze: price, netGrosze: Math.round((waterLitres * price) / 1000) });
  }
  if (contract.kind !== 'water' && contract.sewage_mode !== 'none') {
    const litres = Math.max(waterLitres - gardenLitres, 0);
    const price = Number(group.sewage_price_net_grosze);
    lines.push({ item: 'sewage', quantityM3: litresToM3(litres), priceNetGrosze: price, netGrosze: Math.round((litres * price) / 1000) });
  }
  const net = lines.reduce((s, l) => s + l.netGrosze, 0);
  const vat = Math.round((net * Number(group.vat_rate_percent)) / 100);
  return {
    tariff: group.tariff,
    decisionNumber: group.decision_number,
    group: group.code,
    vatPercent: Number(group.vat_rate_percent),
    lines,
    netGrosze: net,
    vatGrosze: vat,
    grossGrosze: net + vat,
  };
}

/** The analysis as CSV for a spreadsheet in Polish settings: ';' between fields, decimal commas, UTF-8 with BOM. */
export function consumptionCsv(a: Awaited<ReturnType<typeof contractConsumption>>): string {
  const n = (m3: string | null) => (m3 === null ? '' : formatNumber(Number(m3), 'pl', 3).replace(/\s/g, ''));
  return csvTable([
    ['Miesiąc', 'Zużycie [m³]', 'Dni z odczytami', 'Dni w zakresie', 'Zużycie rok wcześniej [m³]'],
    ...a.months.map((m) => [m.month, n(m.usedM3), m.coveredDays, m.days, n(m.previousYearM3)]),
    ['Razem', n(a.totalM3), a.coveredDays, a.days, n(a.previousYear.totalM3)],
  ]);
}

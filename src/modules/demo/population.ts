/**
 * Generates demo customers with everything that hangs on them — service
 * point, contract, meters (main, some garden sub-meters, a removed
 * predecessor where a meter was exchanged), radio modules and three years
 * of readings — as COPY lines, ids assigned here so that rows can refer to
 * each other before they reach the database.
 */
import { createHmac } from 'node:crypto';
import { completeNip, completeRegon, makePesel, nrbFromBban } from '../../lib/check-digits.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import type { Address, AddressBook } from './addresses.ts';
import { copyLine } from './bulk.ts';
import { CopyBuffer } from '../../db/copy-buffer.ts';
import { m3, readingSeries, type Usage } from './consumption.ts';
import { BUSINESS_KINDS, FEMALE_FIRST, MALE_FIRST, PUBLIC_BODIES, SURNAMES, asciiFold } from './names.ts';
import type { UtilityProfile } from './profiles.ts';
import type { Rng } from './random.ts';

export const COLUMNS = {
  customers: ['utility_id', 'id', 'customer_number', 'kind', 'name', 'first_name', 'last_name', 'nip', 'pesel', 'regon', 'email', 'phone', 'street', 'building', 'apartment', 'postal_code', 'city', 'payment_account', 'invoice_delivery'],
  service_points: ['utility_id', 'id', 'code', 'street', 'building', 'apartment', 'postal_code', 'locality', 'route_order'],
  contracts: ['utility_id', 'id', 'contract_number', 'customer_id', 'service_point_id', 'kind', 'tariff_group_code', 'billing_cycle', 'sewage_mode', 'valid_from', 'status'],
  radio_modules: ['utility_id', 'id', 'manufacturer', 'radio_id', 'model', 'key_enc'],
  meters: ['utility_id', 'id', 'service_point_id', 'role', 'serial_number', 'manufacturer', 'model', 'diameter_mm', 'installed_on', 'removed_on', 'initial_reading', 'final_reading', 'legalization_valid_until', 'radio_module_id'],
  readings: ['utility_id', 'id', 'meter_id', 'read_at', 'value_m3', 'source'],
} as const;

export type Table = keyof typeof COLUMNS;
/** Parents before children: the order COPY must load them in. */
export const TABLES = Object.keys(COLUMNS) as Table[];
/** Rows as COPY lines; the readings (millions) straight as bytes. */
export type Batch = Record<Exclude<Table, 'readings'>, string[]> & { readings: CopyBuffer };
export const emptyBatch = (readings = new CopyBuffer()): Batch => {
  readings.reset();
  return { customers: [], service_points: [], contracts: [], radio_modules: [], meters: [], readings };
};

const DAY = 86_400_000;
const YEAR = 365.25 * DAY;

/** The demo's radio keys are derived, not random, so that a demo walk-by file can be encrypted for them later. */
const DEMO_KEY_SECRET = 'wodnik-demo-radio-keys-v1';
export function demoRadioKey(manufacturer: string, radioId: string): Buffer {
  return createHmac('sha256', DEMO_KEY_SECRET).update(`${manufacturer}:${radioId}`).digest().subarray(0, 16);
}

/** 8-digit radio id from a meter id: multiplying by a number prime to 10^8 is a bijection, so ids never clash. */
export const radioIdFor = (meterId: number) => String((meterId * 7919 + 10_000_019) % 100_000_000).padStart(8, '0');

const MAKES = [
  { code: 'APA', name: 'Apator Powogaz', model: 'JS Smart+ 2,5', radioModel: 'AT-WMBUS-16-2', prefix: 'A', weight: 5 },
  { code: 'DME', name: 'Diehl Metering', model: 'ALTAIR V4', radioModel: 'IZAR RC 868 I R4 PL', prefix: 'DM', weight: 3 },
  { code: 'BMT', name: 'B METERS', model: 'GMB-RP', radioModel: 'GMB-RF 868', prefix: 'BM', weight: 2 },
] as const;

export interface PopulationContext {
  utilityId: number;
  profile: UtilityProfile;
  legalizationYears: number;
  nowMs: number;
  /** Next free id per table, advanced as rows are made. */
  ids: Record<Table, number>;
  box: SecretBox;
  rng: Rng;
  addresses: AddressBook;
}

export interface MadeCustomer {
  id: number;
  kind: string;
  name: string;
  email: string | null;
  contracts: Array<{ id: number; servicePointId: number }>;
  mainMeterIds: number[];
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const iso = (ms: number) => new Date(ms).toISOString();

function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y + years, m - 1, d));
  // 29 February + 5 years → 1 March would be wrong for a verification mark: use 28 February.
  if (t.getUTCMonth() !== m - 1) t.setUTCDate(0);
  return isoDate(t.getTime());
}

function validNip(rng: Rng): string {
  for (;;) {
    const n = completeNip(`${rng.int(1, 9)}${rng.digits(8)}`);
    if (n) return n;
  }
}

const phone = (rng: Rng) => `+48 ${rng.pick(['5', '6', '7', '8'])}${rng.digits(2)} ${rng.digits(3)} ${rng.digits(3)}`;

interface MeterSpec {
  servicePointId: number;
  role: 'main' | 'garden';
  usage: Usage;
  /** Litres in an average month. */
  base: number;
  diameter: number;
  radio: boolean;
  everyMonths: 1 | 2;
  /** Fixed installation instant (else drawn). */
  installedMs?: number;
  /** Whether an older meter was exchanged for this one inside the three years (when installedMs is drawn). */
  allowExchange: boolean;
}

/**
 * Generates one customer and their premises into the batch. `rich` makes
 * the portal demo customer: a family house with a radio meter whose
 * verification lapses soon, a garden sub-meter and an allotment.
 */
export function makeCustomer(ctx: PopulationContext, batch: Batch, opts: { rich?: boolean } = {}): MadeCustomer {
  const { rng, utilityId, nowMs } = ctx;
  const id = ctx.ids.customers++;
  const customerNumber = String(id).padStart(7, '0');
  const kind = opts.rich ? 'person' : rng.weighted([['person', 86], ['business', 8], ['housing_community', 4], ['public_body', 2]] as const);
  const address: Address = kind === 'housing_community' ? ctx.addresses.block() : ctx.addresses.house();
  const village = address.locality !== ctx.addresses.seat.name;

  let name: string;
  let first: string | null = null;
  let last: string | null = null;
  let nip: string | null = null;
  let pesel: string | null = null;
  let regon: string | null = null;
  let email: string | null = null;
  let group: 'G1' | 'G2' | 'G3' = 'G1';
  let usage: Usage = 'household';
  let base: number;
  let diameter: number;

  if (kind === 'person') {
    const female = opts.rich || rng.chance(0.5);
    const surname = rng.pick(SURNAMES);
    first = opts.rich ? 'Anna' : rng.pick(female ? FEMALE_FIRST : MALE_FIRST);
    last = opts.rich ? 'Kowalska' : surname[female ? 1 : 0];
    name = `${first} ${last}`;
    const born = isoDate(Date.UTC(1940, 0, 1) + rng.int(0, 62 * 365) * DAY);
    pesel = makePesel(born, rng.int(0, 999), female ? 'F' : 'M');
    email = opts.rich ? 'anna.kowalska@example.com' : rng.chance(0.7) ? `${asciiFold(first)}.${asciiFold(last)}${id}@example.com` : null;
    const persons = opts.rich ? 4 : rng.weighted([[1, 20], [2, 30], [3, 20], [4, 20], [5, 10]] as const);
    base = persons * 3000;
    diameter = rng.chance(0.7) ? 15 : 20;
  } else if (kind === 'business') {
    const [pattern, g] = rng.pick(BUSINESS_KINDS);
    const surname = rng.pick(SURNAMES)[0];
    name = pattern.replace('FIRST', rng.pick(MALE_FIRST)).replace('SURNAME', surname);
    nip = validNip(rng);
    regon = completeRegon(rng.digits(8));
    email = `biuro${id}@example.net`;
    group = g;
    usage = 'steady';
    base = g === 'G3' ? rng.int(100, 800) * 1000 : rng.int(5, 40) * 1000;
    diameter = g === 'G3' ? rng.pick([32, 40, 50]) : rng.pick([20, 25]);
  } else if (kind === 'housing_community') {
    name = `Wspólnota Mieszkaniowa ${address.street} ${address.building}`;
    nip = validNip(rng);
    regon = completeRegon(rng.digits(8));
    email = `wm${id}@example.org`;
    base = rng.int(20, 90) * 3000;
    diameter = rng.pick([40, 50]);
  } else {
    name = `${rng.pick(PUBLIC_BODIES)} – ${address.locality}`;
    nip = validNip(rng);
    regon = completeRegon(rng.digits(8));
    email = `sekretariat${id}@example.gov`;
    group = 'G2';
    usage = 'steady';
    base = rng.int(10, 80) * 1000;
    diameter = rng.pick([25, 32]);
  }

  const einvoice = opts.rich || (email !== null && rng.chance(0.45));
  const account = nrbFromBban(ctx.profile.virtualAccountPrefix + customerNumber.padStart(12, '0'));
  batch.customers.push(
    copyLine([
      utilityId, id, customerNumber, kind, name, first, last, nip, pesel, regon, email,
      opts.rich || rng.chance(0.6) ? phone(rng) : null,
      address.street, address.building, null, address.postalCode, address.locality, account, einvoice ? 'einvoice' : 'paper',
    ]),
  );

  const made: MadeCustomer = { id, kind, name, email, contracts: [], mainMeterIds: [] };
  const sewage = !(village && rng.chance(0.25)) && !(kind === 'person' && rng.chance(0.03));
  const contract = (sp: number, contractKind: 'water' | 'water_sewage', sinceMs: number) => {
    const cid = ctx.ids.contracts++;
    const from = isoDate(sinceMs);
    batch.contracts.push(
      copyLine([utilityId, cid, `UM/${from.slice(0, 4)}/${String(cid).padStart(6, '0')}`, id, sp, contractKind, group, group === 'G1' && kind === 'person' ? 'bimonthly' : 'monthly', contractKind === 'water' ? 'none' : 'water_meter', from, 'active']),
    );
    made.contracts.push({ id: cid, servicePointId: sp });
  };

  const sp = servicePoint(ctx, batch, address);
  contract(sp, sewage || opts.rich ? 'water_sewage' : 'water', nowMs - rng.int(2, 25) * YEAR - rng.int(0, 364) * DAY);
  const radio = opts.rich || rng.chance(0.85);
  made.mainMeterIds.push(
    meter(ctx, batch, {
      servicePointId: sp,
      role: 'main',
      usage,
      base,
      diameter,
      radio,
      everyMonths: opts.rich ? 1 : 2,
      // The demo customer's verification lapses in 60 days: the portal should say so.
      installedMs: opts.rich ? Date.parse(addYears(isoDate(nowMs + 60 * DAY), -ctx.legalizationYears)) : undefined,
      allowExchange: !opts.rich,
    }),
  );
  if (kind === 'person' && (opts.rich || rng.chance(0.12))) {
    const gardenRadio = opts.rich || rng.chance(0.3);
    meter(ctx, batch, { servicePointId: sp, role: 'garden', usage: 'garden', base: rng.int(2, 6) * 1000, diameter: 15, radio: gardenRadio, everyMonths: 2, allowExchange: false });
  }
  if (opts.rich) {
    // An allotment in the town's allotment garden: water only, used in summer.
    const plot = servicePoint(ctx, batch, { street: 'ROD „Relaks”', building: 'dz. 45', postalCode: address.postalCode, locality: address.locality, routeOrder: 45 });
    contract(plot, 'water', nowMs - 6 * YEAR);
    made.mainMeterIds.push(meter(ctx, batch, { servicePointId: plot, role: 'main', usage: 'garden', base: 4000, diameter: 15, radio: false, everyMonths: 2, allowExchange: false }));
  }
  return made;
}

function servicePoint(ctx: PopulationContext, batch: Batch, a: Address): number {
  const id = ctx.ids.service_points++;
  batch.service_points.push(copyLine([ctx.utilityId, id, `PP-${String(id).padStart(7, '0')}`, a.street, a.building, null, a.postalCode, a.locality, a.routeOrder]));
  return id;
}

/** One meter (and its radio module, its predecessor, its readings); returns the meter's id. */
function meter(ctx: PopulationContext, batch: Batch, spec: MeterSpec): number {
  const { rng, utilityId, nowMs } = ctx;
  const windowStart = Date.UTC(new Date(nowMs).getUTCFullYear() - 3, new Date(nowMs).getUTCMonth(), 1);
  const make = rng.weighted(MAKES.map((m) => [m, m.weight] as const));
  const exchanged = spec.installedMs === undefined && spec.allowExchange && rng.chance(0.2);
  const installedMs =
    spec.installedMs ??
    (exchanged
      ? rng.int(windowStart + 30 * DAY, nowMs - 60 * DAY)
      : rng.int(Date.parse(addYears(isoDate(nowMs), -ctx.legalizationYears)) + 3 * DAY, windowStart));
  const installedOn = isoDate(installedMs);
  const installedAt = Date.parse(`${installedOn}T10:00:00Z`);

  let startLitres = 0;
  if (exchanged) {
    // The old meter, removed at the exchange: readings up to its final register.
    const oldId = ctx.ids.meters++;
    const oldInstalled = isoDate(installedMs - rng.int(5, 9) * YEAR);
    const oldStart = Math.round(spec.base * ((windowStart - Date.parse(oldInstalled)) / (30.4 * DAY)));
    const emitOld = (atMs: number, litres: number, source: string) => reading(ctx, batch, oldId, atMs, litres, source);
    const final = readingSeries(rng, { fromMs: windowStart, toMs: installedAt, startLitres: oldStart, usage: spec.usage, baseLitres: spec.base, everyMonths: 2, radio: false }, (r) =>
      emitOld(r.atMs, r.litres, r.source),
    );
    emitOld(installedAt - 60_000, final, 'removal');
    batch.meters.push(
      copyLine([utilityId, oldId, spec.servicePointId, spec.role, serial(make.prefix, oldInstalled, oldId), make.name, make.model, spec.diameter, oldInstalled, installedOn, '0.000', m3(final), addYears(oldInstalled, ctx.legalizationYears), null]),
    );
  }

  const id = ctx.ids.meters++;
  let radioModuleId: number | null = null;
  if (spec.radio) {
    radioModuleId = ctx.ids.radio_modules++;
    const radioId = radioIdFor(id);
    batch.radio_modules.push(copyLine([utilityId, radioModuleId, make.code, radioId, make.radioModel, ctx.box.seal(demoRadioKey(make.code, radioId))]));
  }
  const emit = (atMs: number, litres: number, source: string) => reading(ctx, batch, id, atMs, litres, source);
  let fromMs = installedAt;
  if (installedAt < windowStart) {
    // Installed before the three years shown: the register has been running since.
    startLitres = Math.round(spec.base * ((windowStart - installedAt) / (30.4 * DAY)) * (spec.usage === 'garden' ? 0.4 : 1));
    fromMs = windowStart;
  } else {
    emit(installedAt, 0, 'installation');
  }
  readingSeries(rng, { fromMs, toMs: nowMs, startLitres, usage: spec.usage, baseLitres: spec.base, everyMonths: spec.everyMonths, radio: spec.radio }, (r) =>
    emit(r.atMs, r.litres, r.source),
  );
  batch.meters.push(
    copyLine([utilityId, id, spec.servicePointId, spec.role, serial(make.prefix, installedOn, id), make.name, make.model, spec.diameter, installedOn, null, '0.000', null, addYears(installedOn, ctx.legalizationYears), radioModuleId]),
  );
  return id;
}

/** One reading row (the hot path: millions of them, written as bytes). */
function reading(ctx: PopulationContext, batch: Batch, meterId: number, atMs: number, litres: number, source: string): void {
  batch.readings.int(ctx.utilityId).int(ctx.ids.readings++).int(meterId).timestamp(atMs).m3(litres).ascii(source, 10);
  batch.readings.rows++;
}

/** Serial number as printed on the meter: maker prefix, year of make, running number. */
const serial = (prefix: string, installedOn: string, id: number) => `${prefix}${installedOn.slice(2, 4)}${String(id).padStart(7, '0')}`;

/**
 * Reads the `wodnik billing simulate` JSON document into the engine's input,
 * checking everything first: a bad document gets one error naming where it
 * is wrong, never a bill computed from half of it.
 */
import { isCivilDate } from '../../../lib/date-formats.ts';
import { fromDay, toDay } from './calendar.ts';
import { parseScaled } from './decimal.ts';
import { BillingInputError } from './errors.ts';
import type { BillingInput, DeliveryChange, Meter, MeterRole, Reading, ReadingSource, Service, Tariff } from './types.ts';

/** A period longer than this is surely a typo, and would only make the day loops long. */
const MAX_PERIOD_DAYS = 3660;

const bad = (path: string, pl: string, en: string) => new BillingInputError('billing.bad_input', path, pl, en);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function object(v: unknown, path: string): Record<string, unknown> {
  if (!isObject(v)) throw bad(path, 'oczekiwano obiektu', 'an object is expected');
  return v;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw bad(path, 'oczekiwano tablicy', 'an array is expected');
  return v;
}

function date(v: unknown, path: string): number {
  if (typeof v !== 'string' || !isCivilDate(v)) throw bad(path, 'oczekiwano istniejącej daty RRRR-MM-DD', 'an existing date YYYY-MM-DD is expected');
  return toDay(v);
}

/** A decimal string (or a plain JSON number) with at most `scale` places, e.g. "4.20" or "135.500". */
function decimal(v: unknown, path: string, scale: number, what: { pl: string; en: string }): number {
  const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
  const parsed = typeof text === 'string' ? parseScaled(text, scale) : null;
  if (parsed === null) throw bad(path, `oczekiwano ${what.pl} (liczba nieujemna, najwyżej ${scale} miejsca po przecinku)`, `${what.en} expected (a non-negative number, at most ${scale} decimal places)`);
  return parsed;
}

const money = (v: unknown, path: string) => decimal(v, path, 2, { pl: 'kwoty w złotych', en: 'an amount in PLN' });

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw bad(path, `dozwolone wartości: ${allowed.join(', ')}`, `allowed values: ${allowed.join(', ')}`);
  return v as T;
}

function tariff(v: unknown, path: string): Tariff {
  const t = object(v, path);
  const optionalMoney = (key: string) => (t[key] === undefined || t[key] === null ? null : money(t[key], `${path}.${key}`));
  const from = date(t.from, `${path}.from`);
  const to = t.to === undefined || t.to === null ? null : date(t.to, `${path}.to`);
  if (to !== null && to < from) throw bad(`${path}.to`, 'koniec przed początkiem', 'the end is before the start');
  // a rate written as text ("8") is the same rate
  const vat = typeof t.vat === 'string' && /^\d{1,3}$/.test(t.vat) ? Number(t.vat) : t.vat;
  if (typeof vat !== 'number' || !Number.isInteger(vat) || vat < 0 || vat > 100) throw bad(`${path}.vat`, 'oczekiwano stawki VAT w procentach (liczba całkowita 0–100)', 'a VAT rate in percent is expected (an integer 0–100)');
  return { from, to, water: optionalMoney('water'), sewage: optionalMoney('sewage'), feePaper: optionalMoney('feePaper'), feeEinvoice: optionalMoney('feeEinvoice'), vat };
}

function reading(v: unknown, path: string): Reading {
  const r = object(v, path);
  const source: ReadingSource = r.source === undefined ? 'actual' : oneOf(r.source, `${path}.source`, ['actual', 'estimated', 'remote', 'reader', 'customer'] as const);
  if (r.held !== undefined && typeof r.held !== 'boolean') throw bad(`${path}.held`, 'oczekiwano true lub false', 'true or false is expected');
  return { day: date(r.date, `${path}.date`), value: decimal(r.value, `${path}.value`, 3, { pl: 'stanu licznika w m³', en: 'a register value in m³' }), source, held: r.held === true };
}

function meter(v: unknown, path: string): Meter {
  const m = object(v, path);
  if (typeof m.serial !== 'string' || m.serial.trim() === '') throw bad(`${path}.serial`, 'oczekiwano numeru wodomierza', 'a meter serial number is expected');
  const role: MeterRole = oneOf(m.role, `${path}.role`, ['main', 'garden', 'sewage'] as const);
  return { serial: m.serial, role, readings: array(m.readings, `${path}.readings`).map((r, i) => reading(r, `${path}.readings[${i}]`)) };
}

export function parseBillingInput(doc: unknown): BillingInput {
  const d = object(doc, '$');
  const p = object(d.period, 'period');
  const period = { from: date(p.from, 'period.from'), to: date(p.to, 'period.to') };
  if (period.to < period.from) throw bad('period.to', 'koniec okresu przed jego początkiem', 'the period ends before it starts');
  if (period.to - period.from + 1 > MAX_PERIOD_DAYS) throw bad('period', `okres dłuższy niż ${MAX_PERIOD_DAYS} dni`, `a period longer than ${MAX_PERIOD_DAYS} days`);

  const services = array(d.services, 'services').map((s, i) => oneOf(s, `services[${i}]`, ['water', 'sewage'] as const));
  if (services.length === 0) throw bad('services', 'wymagana jest co najmniej jedna usługa', 'at least one service is expected');
  if (new Set(services).size !== services.length) throw bad('services', 'usługa powtórzona', 'a service is repeated');

  const delivery: DeliveryChange[] = (d.delivery === undefined ? [] : array(d.delivery, 'delivery')).map((v, i) => {
    const c = object(v, `delivery[${i}]`);
    return { from: date(c.from, `delivery[${i}].from`), channel: oneOf(c.channel, `delivery[${i}].channel`, ['paper', 'einvoice'] as const) };
  });
  delivery.sort((a, b) => a.from - b.from);
  delivery.forEach((c, i) => {
    if (i > 0 && delivery[i - 1].from === c.from) throw bad('delivery', `dwa sposoby doręczenia od ${fromDay(c.from)}`, `two delivery channels from ${fromDay(c.from)}`);
  });

  const tariffs = array(d.tariffs, 'tariffs').map((t, i) => tariff(t, `tariffs[${i}]`));
  tariffs.sort((a, b) => a.from - b.from);
  tariffs.forEach((t, i) => {
    const prev = tariffs[i - 1];
    if (prev && (prev.to === null || prev.to >= t.from)) {
      throw new BillingInputError('billing.tariff_overlap', 'tariffs', `taryfy od ${fromDay(prev.from)} i od ${fromDay(t.from)} nakładają się`, `the tariffs from ${fromDay(prev.from)} and from ${fromDay(t.from)} overlap`);
    }
  });

  const meters = array(d.meters, 'meters').map((m, i) => meter(m, `meters[${i}]`));
  const serials = new Set<string>();
  meters.forEach((m, i) => {
    if (serials.has(m.serial)) throw bad(`meters[${i}].serial`, `wodomierz ${m.serial} podany dwa razy`, `meter ${m.serial} is listed twice`);
    serials.add(m.serial);
  });
  return { period, services: services as Service[], delivery, tariffs, meters };
}

/**
 * The read side of customers: what a portal user sees of their own
 * customers (contracts, premises, meters, last readings), the staff's
 * overview counts, search and one customer's file. Every function runs in
 * the request's tenant transaction, so row-level security binds it too.
 */
import { sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { Customers, DB } from '../../db/types.ts';
import type { Tx } from '../../db/tenant.ts';
import { badRequest, notFound } from '../../lib/errors.ts';

export interface AddressParts {
  street: string;
  building: string;
  apartment: string | null;
  postal_code: string;
  city?: string;
  locality?: string;
}

/** 'ul. Lipowa 12/3, 16-060 Wodnikowo' — the way an address is written on a Polish letter. */
export function formatAddress(a: AddressParts): string {
  const place = a.city ?? a.locality ?? '';
  const line1 = [a.street, `${a.building}${a.apartment ? `/${a.apartment}` : ''}`].filter((s) => s.trim()).join(' ');
  return [line1, `${a.postal_code} ${place}`.trim()].filter(Boolean).join(', ');
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

interface MeterRow {
  id: number;
  role: string;
  serial_number: string;
  diameter_mm: number | null;
  installed_on: string;
  legalization_valid_until: string | null;
  radio_module_id: number | null;
  /** The newest accepted reading (numeric as text, so no digit is lost). */
  last: { value_m3: string; read_at: string; source: string } | null;
}

interface ContractRow extends AddressParts {
  id: number;
  contract_number: string;
  kind: string;
  status: string;
  valid_from: string;
  service_point_id: number;
  code: string;
  meters: MeterRow[];
}

/**
 * Customers with their contracts, premises and meters in service, in the
 * order of the ids given. One statement (the customer rows with their
 * contracts, meters and last readings nested as JSON): the portal's first
 * page is the most requested page of all, and each further round trip to the
 * database cost it more than the query itself.
 */
export async function customerFiles(tx: Tx, utilityId: number, customerIds: number[]) {
  if (!customerIds.length) return [];
  const { rows: customers } = await sql<Selectable<Customers> & { contracts: ContractRow[] }>`
    select c.*, coalesce((
      select json_agg(json_build_object(
               'id', k.id, 'contract_number', k.contract_number, 'kind', k.kind, 'status', k.status,
               'valid_from', k.valid_from, 'service_point_id', k.service_point_id, 'code', sp.code,
               'street', sp.street, 'building', sp.building, 'apartment', sp.apartment,
               'postal_code', sp.postal_code, 'locality', sp.locality,
               'meters', coalesce((
                 select json_agg(json_build_object(
                          'id', m.id, 'role', m.role, 'serial_number', m.serial_number, 'diameter_mm', m.diameter_mm,
                          'installed_on', m.installed_on, 'legalization_valid_until', m.legalization_valid_until,
                          'radio_module_id', m.radio_module_id,
                          'last', (select json_build_object('value_m3', r.value_m3::text, 'read_at', r.read_at, 'source', r.source)
                                     from readings r
                                    where r.utility_id = m.utility_id and r.meter_id = m.id and r.status = 'accepted'
                                    order by r.read_at desc limit 1))
                        order by case m.role when 'main' then 0 else 1 end, m.id)
                   from meters m
                  where m.utility_id = sp.utility_id and m.service_point_id = sp.id
                    and (m.removed_on is null or m.removed_on > current_date)), '[]'::json))
             order by k.valid_from, k.id)
        from contracts k
        join service_points sp on sp.utility_id = k.utility_id and sp.id = k.service_point_id
       where k.utility_id = c.utility_id and k.customer_id = c.id), '[]'::json) as contracts
      from customers c
     where c.utility_id = ${utilityId} and c.id in (${sql.join(customerIds)})`.execute(tx);
  const byId = new Map(customers.map((c) => [Number(c.id), c]));
  return customerIds
    .map((id) => byId.get(id))
    .filter((c) => c !== undefined)
    .map((c) => ({
      id: c.id,
      customerNumber: c.customer_number,
      name: c.name,
      kind: c.kind,
      address: formatAddress(c),
      invoiceDelivery: c.invoice_delivery,
      email: c.email,
      phone: c.phone,
      nip: c.nip,
      contracts: c.contracts.map((k) => ({
        id: k.id,
        contractNumber: k.contract_number,
        kind: k.kind,
        status: k.status,
        validFrom: k.valid_from,
        servicePoint: { id: k.service_point_id, code: k.code, address: formatAddress(k) },
        meters: k.meters.map((m) => meterView(m, m.last ? { valueM3: m.last.value_m3, readAt: iso(m.last.read_at), source: m.last.source } : null)),
      })),
    }));
}

function meterView(
  m: { id: number; role: string; serial_number: string; diameter_mm: number | null; installed_on: string; legalization_valid_until: string | null; radio_module_id: number | null },
  lastReading: { valueM3: string; readAt: string; source: string } | null,
) {
  return {
    id: m.id,
    role: m.role,
    serialNumber: m.serial_number,
    diameterMm: m.diameter_mm,
    installedOn: m.installed_on,
    legalizationValidUntil: m.legalization_valid_until,
    radio: m.radio_module_id !== null,
    lastReading,
  };
}

/** What a portal user sees: their own customers only (the ids come from their session's user_customers). */
export async function portalOverview(tx: Tx, utilityId: number, customerIds: number[]) {
  return { customers: await customerFiles(tx, utilityId, customerIds) };
}

export async function customerFile(tx: Tx, utilityId: number, customerId: number) {
  const [file] = await customerFiles(tx, utilityId, [customerId]);
  if (!file) throw notFound('customer.not_found', 'Nie znaleziono klienta.', 'No such customer.');
  return file;
}

/** The counts on the staff dashboard. */
export async function staffOverview(tx: Tx, utilityId: number) {
  const r = await sql<Record<string, number>>`
    select
      (select count(*)::int from customers where utility_id = ${utilityId}) as customers,
      (select count(*)::int from contracts where utility_id = ${utilityId} and status = 'active') as contracts,
      m.meters, m.radio_meters, m.legalization_due,
      (select count(*)::int from cases where utility_id = ${utilityId} and status in ('new', 'in_progress', 'waiting_for_customer')) as open_cases,
      (select count(*)::int from readings where utility_id = ${utilityId} and read_at >= now() - interval '30 days') as readings_30,
      -- What waits for someone in the back office (each count walks a partial index of its own).
      (select count(*)::int from billing_runs where utility_id = ${utilityId} and status <> 'issued') as runs_open,
      (select count(*)::int from readings where utility_id = ${utilityId} and status = 'pending') as readings_held,
      (select count(*)::int from data_change_requests where utility_id = ${utilityId} and status = 'pending') as change_requests,
      (select count(*)::int from bank_statement_lines where utility_id = ${utilityId} and status = 'unmatched') as payments_unmatched,
      (select count(*)::int from ksef_invoices where utility_id = ${utilityId} and state = 'rejected') as ksef_rejected,
      wodnik_failed_jobs_count() as jobs_failed
    from (
      select count(*)::int as meters,
             count(*) filter (where radio_module_id is not null)::int as radio_meters,
             count(*) filter (where legalization_valid_until <= current_date + 90)::int as legalization_due
      from meters where utility_id = ${utilityId} and (removed_on is null or removed_on > current_date)
    ) m`.execute(tx);
  const row = r.rows[0];
  return {
    customers: Number(row.customers),
    contracts: Number(row.contracts),
    meters: Number(row.meters),
    radioMeters: Number(row.radio_meters),
    legalizationDueIn90Days: Number(row.legalization_due),
    openCases: Number(row.open_cases),
    readingsLast30Days: Number(row.readings_30),
    todo: {
      billingRunsOpen: Number(row.runs_open),
      readingsHeld: Number(row.readings_held),
      changeRequestsPending: Number(row.change_requests),
      paymentsUnmatched: Number(row.payments_unmatched),
      ksefRejected: Number(row.ksef_rejected),
      jobsFailed: Number(row.jobs_failed),
    },
  };
}

export interface CustomerSearch {
  q?: string;
  limit: number;
  offset: number;
}

const LISTED = ['id', 'customer_number', 'name', 'kind', 'street', 'building', 'apartment', 'postal_code', 'city', 'email', 'name_sort_key'] as const;

/**
 * The customers a staff search text finds, as a union of lookups that each
 * use their own index (one `or` over all of them made the planner scan every
 * customer): a fragment of the name, e-mail or address in the stored folded
 * text (pg_trgm, through customers_matching_text, which the tenant policy
 * does not keep from the index; migration 202612090000), the customer number, a NIP or PESEL,
 * and a service point's code or a meter serial as printed or in capitals.
 * Each branch yields the listed columns, so the page needs no second pass
 * over the customers.
 */
function matchingCustomers(tx: Tx, utilityId: number, text: string) {
  // White space folded to single spaces: the stored text joins its parts
  // with line feeds, which a fragment then never spans.
  const q = text.replace(/\s+/g, ' ');
  const like = sql<string>`'%' || replace(replace(replace(pl_fold(${q}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
  const digits = q.replace(/[\s-]/g, '');
  const exact = q.toUpperCase();
  const own = () => tx.selectFrom('customers').select(LISTED).where('utility_id', '=', utilityId);
  // A service point's code and a meter serial reach the customer through the
  // contract on that service point.
  const onServicePoints = (ids: SelectQueryBuilder<DB, keyof DB, { id: number } | { service_point_id: number }>) =>
    own().where('id', 'in', tx.selectFrom('contracts').select('customer_id').where('utility_id', '=', utilityId).where('service_point_id', 'in', ids));
  let found = own()
    .where('id', 'in', sql<number>`(select customers_matching_text(${like}))`)
    .union(own().where('customer_number', '=', q))
    .union(onServicePoints(tx.selectFrom('service_points').select('id').where('utility_id', '=', utilityId).where('code', 'in', [q, exact])))
    .union(onServicePoints(tx.selectFrom('meters').select('service_point_id').where('utility_id', '=', utilityId).where('serial_number', 'in', [q, exact])));
  if (/^\d{10,11}$/.test(digits)) found = found.union(own().where('nip', '=', digits)).union(own().where('pesel', '=', digits));
  return found;
}

/**
 * Staff search by name, customer number, e-mail, NIP, PESEL, address, meter
 * serial or service-point code, without regard to case or Polish letters
 * ("wisniewski" finds "Wiśniewski"); results in Polish alphabetical order
 * (Ł after L, Ś after S: pl_fold and pl_sort_key, migration 202612070110,
 * stored per customer as search_text and name_sort_key, 202612090000).
 */
export async function searchCustomers(tx: Tx, utilityId: number, s: CustomerSearch) {
  if (s.limit < 1 || s.limit > 100) throw badRequest('request.limit', 'Limit musi być liczbą od 1 do 100.', 'The limit must be from 1 to 100.');
  const q = (s.q ?? '').trim();
  let rows: Array<Pick<Selectable<Customers>, (typeof LISTED)[number]>>;
  let total: number;
  if (q) {
    // The matches are few next to all customers: sorted and counted in one
    // statement (the window count), and counted apart only for a page past
    // the end, which has no row to carry the count.
    const page = await tx
      .selectFrom(matchingCustomers(tx, utilityId, q).as('c'))
      .selectAll()
      .select(sql<string>`count(*) over ()`.as('total'))
      .orderBy('c.name_sort_key')
      .orderBy('c.id')
      .limit(s.limit)
      .offset(s.offset)
      .execute();
    rows = page;
    total = page.length
      ? Number(page[0].total)
      : s.offset === 0
        ? 0
        : Number((await tx.selectFrom(matchingCustomers(tx, utilityId, q).as('c')).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  } else {
    // Everyone: the page walks the Polish-order index; the count is the table's.
    const base = tx.selectFrom('customers').where('utility_id', '=', utilityId);
    total = Number((await base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    rows = await base.select(LISTED).orderBy('name_sort_key').orderBy('id').limit(s.limit).offset(s.offset).execute();
  }
  return {
    items: rows.map((c) => ({ id: c.id, customerNumber: c.customer_number, name: c.name, kind: c.kind, address: formatAddress(c), email: c.email })),
    total,
  };
}

/**
 * Notices: staff write one with its area and time window, preview whom it
 * concerns, publish it (which e-mails the affected customers once), and it
 * shows on those customers' Pulpit and on the public page until it ends.
 * Which service point lies in the area is decided by area.ts alone; SQL only
 * narrows the candidates to the area's localities.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { queueEmail } from '../notify/index.ts';
import { areaProblems, describeArea, inAnyArea, localityKey, placeKey, type NoticeArea } from './area.ts';
import { noticeEmail } from './email.ts';

export const NOTICE_KINDS = ['outage', 'planned_interruption', 'works', 'info'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeInput {
  kind: NoticeKind;
  title: string;
  body: string;
  startsAt: string;
  endsAt: string | null;
  areas: NoticeArea[];
}

const AREA_MESSAGES: Record<string, [string, string]> = {
  'notices.area_empty': ['Prosimy wskazać obszar komunikatu: co najmniej jedną miejscowość.', 'Give the notice an area: at least one locality.'],
  'notices.area_locality': ['Każdy wiersz obszaru musi mieć miejscowość.', 'Every area row needs a locality.'],
  'notices.area_range_needs_street': ['Zakres numerów domów wymaga podania ulicy.', 'A house-number range needs a street.'],
  'notices.area_range': ['Numer „od” nie może być większy niż numer „do”.', 'The "from" number cannot be greater than the "to" number.'],
};

/** Refuses an area that cannot be right (empty, a row without locality, a bad range). */
export function checkArea(areas: NoticeArea[]): void {
  const problems = areaProblems(areas);
  if (problems.length) {
    const p = problems[0]!;
    const [pl, en] = AREA_MESSAGES[p.code]!;
    throw badRequest(p.code, pl, en, { field: p.index === undefined ? 'areas' : `areas.${p.index}`, problems });
  }
}

/** Refuses a notice whose area or time window cannot be right (nothing is saved). */
export function checkNotice(input: NoticeInput): void {
  checkArea(input.areas);
  if (!input.title.trim()) throw badRequest('notices.title_required', 'Prosimy podać tytuł komunikatu.', 'Give the notice a title.', { field: 'title' });
  if (input.endsAt !== null && Date.parse(input.endsAt) <= Date.parse(input.startsAt)) {
    throw badRequest('notices.ends_before_start', 'Koniec musi być późniejszy niż początek.', 'The end must be later than the start.', { field: 'endsAt' });
  }
}

export interface AffectedPoint {
  servicePointId: number;
  code: string;
  address: string;
  customers: Array<{ id: number; customerNumber: string; name: string; email: string | null }>;
}

/** The service points in the area and the customers with a current contract there. */
export async function affectedBy(tx: Tx, areas: NoticeArea[]): Promise<AffectedPoint[]> {
  const localities = [...new Set(areas.map((a) => localityKey(a.locality)))];
  if (localities.length === 0) return [];
  const rows = await tx
    .selectFrom('service_points as sp')
    .leftJoin('contracts as k', (j) =>
      j
        .onRef('k.service_point_id', '=', 'sp.id')
        .on('k.status', '=', 'active')
        .on((eb) => eb.or([eb('k.valid_to', 'is', null), eb('k.valid_to', '>=', sql<string>`current_date`)])),
    )
    .leftJoin('customers as c', 'c.id', 'k.customer_id')
    .select(['sp.id', 'sp.code', 'sp.street', 'sp.building', 'sp.apartment', 'sp.postal_code', 'sp.locality', 'c.id as customer_id', 'c.customer_number', 'c.name', 'c.email'])
    .where(sql<string>`lower(regexp_replace(trim(sp.locality), '\\s+', ' ', 'g'))`, 'in', localities)
    .orderBy('sp.locality')
    .orderBy('sp.street')
    .orderBy('sp.route_order')
    .orderBy('sp.id')
    .execute();
  const points = new Map<number, AffectedPoint>();
  for (const r of rows) {
    if (!inAnyArea({ locality: r.locality, street: r.street, building: r.building }, areas)) continue;
    let p = points.get(r.id);
    if (!p) {
      const address = `${r.street} ${r.building}${r.apartment ? `/${r.apartment}` : ''}, ${r.postal_code} ${r.locality}`;
      p = { servicePointId: r.id, code: r.code, address, customers: [] };
      points.set(r.id, p);
    }
    if (r.customer_id !== null && !p.customers.some((c) => c.id === r.customer_id)) {
      p.customers.push({ id: r.customer_id, customerNumber: r.customer_number!, name: r.name!, email: r.email?.trim() || null });
    }
  }
  return [...points.values()];
}

export function summarize(points: AffectedPoint[], listLimit = 500) {
  const customers = new Map<number, { email: string | null }>();
  for (const p of points) for (const c of p.customers) customers.set(c.id, c);
  const withoutEmail = [...customers.values()].filter((c) => !c.email).length;
  return {
    servicePoints: points.length,
    customers: customers.size,
    customersWithoutEmail: withoutEmail,
    items: points.slice(0, listLimit),
    truncated: points.length > listLimit,
  };
}

async function areasOf(tx: Tx, noticeIds: number[]): Promise<Map<number, NoticeArea[]>> {
  const out = new Map<number, NoticeArea[]>();
  if (noticeIds.length === 0) return out;
  const rows = await tx
    .selectFrom('notice_areas')
    .select(['notice_id', 'locality', 'street', 'from_number', 'to_number'])
    .where('notice_id', 'in', noticeIds)
    .orderBy('id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.notice_id) ?? [];
    list.push({ locality: r.locality, street: r.street, fromNumber: r.from_number, toNumber: r.to_number });
    out.set(r.notice_id, list);
  }
  return out;
}

type NoticeRow = {
  id: number;
  kind: string;
  title: string;
  body: string;
  starts_at: Date | string;
  ends_at: Date | string | null;
  published_at: Date | string | null;
  emailed_count: number | null;
  no_email_count: number | null;
  created_at: Date | string;
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function view(n: NoticeRow, areas: NoticeArea[]) {
  return {
    id: n.id,
    kind: n.kind,
    title: n.title,
    body: n.body,
    startsAt: iso(n.starts_at)!,
    endsAt: iso(n.ends_at),
    publishedAt: iso(n.published_at),
    areas,
    areaText: areas.map(describeArea),
  };
}

const NOTICE_COLUMNS = ['id', 'kind', 'title', 'body', 'starts_at', 'ends_at', 'published_at', 'emailed_count', 'no_email_count', 'created_at'] as const;

export async function createNotice(tx: Tx, utilityId: number, userId: number, input: NoticeInput): Promise<number> {
  checkNotice(input);
  const { id } = await tx
    .insertInto('notices')
    .values({
      utility_id: utilityId,
      kind: input.kind,
      title: input.title.trim(),
      body: input.body.trim(),
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      created_by: userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('notice_areas')
    .values(
      input.areas.map((a) => ({
        utility_id: utilityId,
        notice_id: id,
        locality: a.locality.trim(),
        street: a.street?.trim() || null,
        from_number: a.fromNumber,
        to_number: a.toNumber,
      })),
    )
    .execute();
  return id;
}

export async function staffNotices(tx: Tx) {
  const rows = await tx.selectFrom('notices').select(NOTICE_COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(200).execute();
  const areas = await areasOf(tx, rows.map((r) => r.id));
  const now = Date.now();
  return {
    items: rows.map((r) => ({
      ...view(r, areas.get(r.id) ?? []),
      status: status(r, now),
      emailedCount: r.emailed_count,
      noEmailCount: r.no_email_count,
    })),
  };
}

function status(r: NoticeRow, now: number): 'draft' | 'ended' | 'current' | 'planned' {
  if (!r.published_at) return 'draft';
  if (r.ends_at !== null && new Date(r.ends_at).getTime() <= now) return 'ended';
  return new Date(r.starts_at).getTime() <= now ? 'current' : 'planned';
}

async function loadNotice(tx: Tx, id: number): Promise<NoticeRow> {
  const n = await tx.selectFrom('notices').select(NOTICE_COLUMNS).where('id', '=', id).executeTakeFirst();
  if (!n) throw notFound('notices.not_found', 'Nie znaleziono komunikatu.', 'No such notice.');
  return n;
}

export async function staffNotice(tx: Tx, id: number) {
  const n = await loadNotice(tx, id);
  const areas = (await areasOf(tx, [id])).get(id) ?? [];
  return {
    ...view(n, areas),
    status: status(n, Date.now()),
    emailedCount: n.emailed_count,
    noEmailCount: n.no_email_count,
    affected: summarize(await affectedBy(tx, areas)),
  };
}

/**
 * Publishes a notice and queues one e-mail per affected customer with an
 * address (in this transaction: nothing goes out unless the publishing
 * commits). A customer without an address is counted, not mailed.
 */
export async function publishNotice(tx: Tx, utilityId: number, userId: number, id: number, sender: { utilityName: string; portalUrl: string }) {
  // Locks the row: two clerks pressing "publish" at once send the e-mails once.
  const n = await tx.selectFrom('notices').select(NOTICE_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!n) throw notFound('notices.not_found', 'Nie znaleziono komunikatu.', 'No such notice.');
  if (n.published_at) throw conflict('notices.already_published', 'Komunikat został już opublikowany.', 'The notice has already been published.');
  if (n.ends_at !== null && new Date(n.ends_at).getTime() <= Date.now()) {
    throw badRequest('notices.already_ended', 'Komunikat już się zakończył; nie można go opublikować.', 'The notice has already ended; it cannot be published.');
  }
  const areas = (await areasOf(tx, [id])).get(id) ?? [];
  if (areas.length === 0) throw badRequest('notices.area_empty', AREA_MESSAGES['notices.area_empty']![0], AREA_MESSAGES['notices.area_empty']![1]);
  const points = await affectedBy(tx, areas);
  const byCustomer = new Map<number, { email: string | null; addresses: string[] }>();
  for (const p of points) {
    for (const c of p.customers) {
      const e = byCustomer.get(c.id) ?? { email: c.email, addresses: [] };
      e.addresses.push(p.address);
      byCustomer.set(c.id, e);
    }
  }
  let emailed = 0;
  let noEmail = 0;
  for (const c of byCustomer.values()) {
    if (!c.email) {
      noEmail++;
      continue;
    }
    const m = noticeEmail({ ...sender, kind: n.kind, title: n.title, body: n.body, startsAt: new Date(n.starts_at), endsAt: n.ends_at === null ? null : new Date(n.ends_at), addresses: c.addresses });
    await queueEmail(tx, { utilityId, to: c.email, subject: m.subject, text: m.text, html: m.html, template: 'notice' });
    emailed++;
  }
  await tx
    .updateTable('notices')
    .set({ published_at: sql`now()`, published_by: userId, emailed_count: emailed, no_email_count: noEmail })
    .where('id', '=', id)
    .execute();
  return { servicePoints: points.length, customers: byCustomer.size, emailed, withoutEmail: noEmail };
}

/** Ends a published notice now (it leaves the Pulpit and the public page). */
export async function endNotice(tx: Tx, id: number) {
  const n = await loadNotice(tx, id);
  if (!n.published_at) throw badRequest('notices.not_published', 'Komunikat nie został opublikowany.', 'The notice has not been published.');
  if (n.ends_at !== null && new Date(n.ends_at).getTime() <= Date.now()) throw conflict('notices.already_ended', 'Komunikat już się zakończył.', 'The notice has already ended.');
  await tx.updateTable('notices').set({ ends_at: sql`now()` }).where('id', '=', id).execute();
}

/** Published notices that have not ended (current and planned), with their areas. */
async function activeNotices(tx: Tx) {
  const rows = await tx
    .selectFrom('notices')
    .select(NOTICE_COLUMNS)
    .where('published_at', 'is not', null)
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', sql<Date>`now()`)]))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .orderBy('starts_at')
    .orderBy('id')
    .execute();
  const areas = await areasOf(tx, rows.map((r) => r.id));
  return rows.map((r) => ({ row: r, areas: areas.get(r.id) ?? [] }));
}

/**
 * The public page: every current and planned notice; with a locality (and a
 * street) only those whose area takes some of it, and the general ones (no area).
 */
export async function publicNotices(tx: Tx, filter: { locality?: string; street?: string }) {
  const all = await activeNotices(tx);
  const loc = filter.locality?.trim() ? localityKey(filter.locality) : null;
  const street = filter.street?.trim() ? placeKey(filter.street) : null;
  const items = all.filter(({ areas }) => {
    if (!loc || areas.length === 0) return true;
    return areas.some((a) => localityKey(a.locality) === loc && (!street || !a.street || placeKey(a.street) === street));
  });
  return { items: items.map(({ row, areas }) => view(row, areas)) };
}

/**
 * The Pulpit: notices whose area takes one of the customer's service points
 * (current contracts) first, each with those addresses; then the general ones.
 */
export async function portalNotices(tx: Tx, customerIds: number[]) {
  if (customerIds.length === 0) return { items: [] };
  const points = await tx
    .selectFrom('contracts as k')
    .innerJoin('service_points as sp', 'sp.id', 'k.service_point_id')
    .select(['sp.id', 'sp.street', 'sp.building', 'sp.apartment', 'sp.locality'])
    .where('k.customer_id', 'in', customerIds)
    .where('k.status', '=', 'active')
    .distinct()
    .execute();
  const all = await activeNotices(tx);
  const mine = [];
  const general = [];
  for (const { row, areas } of all) {
    if (areas.length === 0) {
      general.push({ ...view(row, areas), mine: false, addresses: [] as string[] });
      continue;
    }
    const hit = points.filter((p) => inAnyArea(p, areas));
    if (hit.length) mine.push({ ...view(row, areas), mine: true, addresses: hit.map((p) => `${p.street} ${p.building}${p.apartment ? `/${p.apartment}` : ''}, ${p.locality}`) });
  }
  return { items: [...mine, ...general] };
}

/**
 * Reading routes on the staff side: building a route from service points
 * (a locality and its streets in walking order, or an explicit list),
 * assigning it to a meter reader for a period, and its progress.
 */
import { sql } from 'kysely';
import { asBuffer } from '../../../db/bytea.ts';
import type { Tx } from '../../../db/tenant.ts';
import { AppError, badRequest, conflict, notFound } from '../../../lib/errors.ts';
import { normalizeStreet, sortStops } from './order.ts';
import { checkPeriod, localDate, monthOf } from './period.ts';
import { countStops, routeStops, type Counts, type Period, type StopRow } from './queries.ts';

export const MAX_STOPS = 2000;

export interface Selection {
  locality?: string;
  streets?: string[];
  servicePointIds?: number[];
  onlyRadio?: boolean;
}

export interface Candidate {
  id: number;
  code: string;
  street: string;
  building: string;
  apartment: string | null;
  locality: string;
  routeOrder: number;
  meters: { id: number; serialNumber: string; radio: boolean }[];
}

export interface AssignmentView {
  id: number;
  readerId: number;
  readerName: string;
  periodFrom: string;
  periodTo: string;
}

const routeNotFound = () => notFound('route.not_found', 'Nie ma takiej trasy odczytowej.', 'There is no such reading route.');

/** The service points a selection names, with their current main meters, in walking order. */
export async function selectStops(tx: Tx, sel: Selection): Promise<Candidate[]> {
  const byList = sel.servicePointIds !== undefined;
  const byArea = sel.locality !== undefined || sel.streets !== undefined;
  if (byList && byArea) {
    throw badRequest(
      'route.selection_ambiguous',
      'Punkty wybiera się albo według miejscowości i ulic, albo z listy — nie oba sposoby naraz.',
      'Choose service points either by locality and streets or as a list, not both.',
    );
  }
  if (!byList && !byArea) {
    throw badRequest('route.selection_missing', 'Prosimy wybrać miejscowość (i ulice) albo podać listę punktów.', 'Choose a locality (and streets) or give a list of service points.');
  }
  if (byArea && !sel.locality?.trim()) {
    throw badRequest('route.locality_missing', 'Prosimy podać miejscowość, w której leżą ulice.', 'Give the locality the streets are in.');
  }
  const ids = sel.servicePointIds ?? [];
  if (byList && ids.length === 0) throw badRequest('route.selection_empty', 'Lista punktów jest pusta.', 'The list of service points is empty.');
  if (new Set(ids).size !== ids.length) {
    throw badRequest('route.duplicate_stop', 'Ten sam punkt występuje na liście więcej niż raz.', 'A service point appears more than once in the list.');
  }

  let q = tx
    .selectFrom('service_points as sp')
    .select(['sp.id', 'sp.code', 'sp.street', 'sp.building', 'sp.apartment', 'sp.locality', 'sp.route_order']);
  if (byList) q = q.where('sp.id', 'in', ids);
  else q = q.where(sql`lower(btrim(sp.locality))`, '=', sel.locality!.trim().toLocaleLowerCase('pl'));
  const points = await q.execute();

  if (byList && points.length !== ids.length) {
    const found = new Set(points.map((p) => p.id));
    const missing = ids.filter((id) => !found.has(id));
    throw badRequest('route.unknown_service_point', `Nie ma punktów poboru o numerach: ${missing.join(', ')}.`, `No service points with ids: ${missing.join(', ')}.`, { missing });
  }
  let chosen = points;
  if (byArea && sel.streets && sel.streets.length > 0) {
    const wanted = new Set(sel.streets.map(normalizeStreet));
    const known = new Set(points.map((p) => normalizeStreet(p.street)));
    const unknown = sel.streets.filter((s) => !known.has(normalizeStreet(s)));
    if (unknown.length > 0) {
      throw badRequest(
        'route.unknown_street',
        `W miejscowości ${sel.locality} nie ma punktów przy ulicach: ${unknown.join(', ')}.`,
        `No service points in ${sel.locality} on: ${unknown.join(', ')}.`,
        { unknown },
      );
    }
    chosen = points.filter((p) => wanted.has(normalizeStreet(p.street)));
  }

  const meters = chosen.length
    ? await tx
        .selectFrom('meters')
        .select(['id', 'service_point_id', 'serial_number', 'radio_module_id'])
        .where('service_point_id', 'in', chosen.map((p) => p.id))
        .where('role', '=', 'main')
        .where('removed_on', 'is', null)
        .orderBy('id')
        .execute()
    : [];
  const metersOf = new Map<number, Candidate['meters']>();
  for (const m of meters) {
    if (sel.onlyRadio && m.radio_module_id === null) continue;
    const list = metersOf.get(m.service_point_id) ?? [];
    list.push({ id: m.id, serialNumber: m.serial_number, radio: m.radio_module_id !== null });
    metersOf.set(m.service_point_id, list);
  }
  // A stop is a place with something to read: a current main meter (with a radio module when asked).
  const candidates: Candidate[] = chosen
    .filter((p) => metersOf.has(p.id))
    .map((p) => ({
      id: p.id,
      code: p.code,
      street: p.street,
      building: p.building,
      apartment: p.apartment,
      locality: p.locality,
      routeOrder: p.route_order,
      meters: metersOf.get(p.id)!,
    }));
  if (byList && candidates.length !== ids.length) {
    const without = ids.filter((id) => !metersOf.has(id));
    throw badRequest(
      'route.stop_without_meter',
      `Punkty bez czynnego wodomierza głównego${sel.onlyRadio ? ' z nakładką radiową' : ''}: ${without.join(', ')}.`,
      `Service points without a current main meter${sel.onlyRadio ? ' with a radio module' : ''}: ${without.join(', ')}.`,
      { without },
    );
  }
  if (candidates.length === 0) {
    throw badRequest('route.no_stops', 'Wybrane miejsca nie mają wodomierzy do odczytu.', 'The chosen places have no meters to read.');
  }
  if (candidates.length > MAX_STOPS) {
    throw badRequest('route.too_many_stops', `Trasa może mieć najwyżej ${MAX_STOPS} punktów.`, `A route may have at most ${MAX_STOPS} stops.`);
  }
  // An explicit list is walked as given; an area street by street in the order named.
  if (byList) {
    const at = new Map(ids.map((id, i) => [id, i]));
    return candidates.sort((a, b) => at.get(a.id)! - at.get(b.id)!);
  }
  return sortStops(candidates, sel.streets ?? []);
}

export async function createRoute(tx: Tx, userId: number, input: Selection & { name: string }): Promise<number> {
  const name = input.name.trim().replace(/\s+/g, ' ');
  if (!name) throw badRequest('route.name_missing', 'Prosimy podać nazwę trasy.', 'Give the route a name.');
  const stops = await selectStops(tx, input);
  const taken = await tx
    .selectFrom('reading_routes')
    .select('id')
    .where(sql`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst();
  if (taken) throw conflict('route.name_taken', `Trasa o nazwie „${name}” już istnieje.`, `A route named "${name}" already exists.`);
  const utilityId = await currentUtilityId(tx);
  const route = await tx
    .insertInto('reading_routes')
    .values({ utility_id: utilityId, name, created_by: userId })
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('reading_route_stops')
    .values(stops.map((s, i) => ({ utility_id: utilityId, route_id: route.id, position: i + 1, service_point_id: s.id })))
    .execute();
  return route.id;
}

export async function deleteRoute(tx: Tx, routeId: number): Promise<void> {
  await findRoute(tx, routeId);
  const used = await tx.selectFrom('reader_submissions').select('client_id').where('route_id', '=', routeId).limit(1).executeTakeFirst();
  if (used) {
    throw conflict('route.has_readings', 'Na tej trasie wpisano już odczyty — nie można jej usunąć.', 'Readings were entered on this route; it cannot be deleted.');
  }
  await tx.deleteFrom('reading_routes').where('id', '=', routeId).execute();
}

export async function findRoute(tx: Tx, routeId: number) {
  const route = await tx.selectFrom('reading_routes').select(['id', 'name', 'created_at']).where('id', '=', routeId).executeTakeFirst();
  if (!route) throw routeNotFound();
  return route;
}

export async function assignmentsOf(tx: Tx, routeId: number): Promise<AssignmentView[]> {
  const rows = await tx
    .selectFrom('reading_route_assignments as a')
    .innerJoin('users as u', 'u.id', 'a.reader_id')
    .select(['a.id', 'a.reader_id', 'u.name', 'u.email', 'a.period_from', 'a.period_to'])
    .where('a.route_id', '=', routeId)
    .orderBy('a.period_from', 'desc')
    .orderBy('a.id', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, readerId: r.reader_id, readerName: r.name || r.email, periodFrom: r.period_from, periodTo: r.period_to }));
}

/** The period a route's progress is shown for: the one asked, else today's assignment, else the latest, else this month. */
export function progressPeriod(assignments: readonly AssignmentView[], today: string, asked?: Partial<Period>): Period {
  if (asked?.from && asked.to) return { from: asked.from, to: asked.to };
  const current = assignments.find((a) => a.periodFrom <= today && today <= a.periodTo) ?? assignments[0];
  return current ? { from: current.periodFrom, to: current.periodTo } : monthOf(today);
}

export async function routeDetail(tx: Tx, routeId: number, asked: Partial<Period>, now = new Date()) {
  if ((asked.from === undefined) !== (asked.to === undefined)) {
    throw badRequest('route.period_incomplete', 'Prosimy podać oba końce okresu albo żaden.', 'Give both ends of the period or neither.');
  }
  if (asked.from && asked.to && asked.to < asked.from) {
    throw badRequest('route.period_reversed', 'Koniec okresu nie może być wcześniejszy niż jego początek.', 'The period cannot end before it starts.');
  }
  const route = await findRoute(tx, routeId);
  const assignments = await assignmentsOf(tx, routeId);
  const period = progressPeriod(assignments, localDate(now), asked);
  const stops = await routeStops(tx, routeId, period);
  return {
    id: route.id,
    name: route.name,
    createdAt: new Date(route.created_at).toISOString(),
    assignments,
    period,
    progress: countStops(stops),
    stops,
  };
}

export async function listRoutes(tx: Tx, now = new Date()) {
  const today = localDate(now);
  const routes = await tx
    .selectFrom('reading_routes as r')
    .leftJoin('reading_route_stops as s', 's.route_id', 'r.id')
    .select(['r.id', 'r.name', 'r.created_at', sql<number>`count(s.position)::int`.as('stop_count')])
    .groupBy(['r.id', 'r.name', 'r.created_at'])
    .orderBy(sql`pl_sort_key(r.name) collate "C"`)
    .orderBy('r.id')
    .execute();
  const items = [];
  for (const r of routes) {
    const assignments = await assignmentsOf(tx, r.id);
    const current = assignments.find((a) => a.periodFrom <= today && today <= a.periodTo) ?? null;
    const progress: Counts | null = current ? countStops(await routeStops(tx, r.id, { from: current.periodFrom, to: current.periodTo })) : null;
    items.push({ id: r.id, name: r.name, stopCount: r.stop_count, createdAt: new Date(r.created_at).toISOString(), currentAssignment: current, progress });
  }
  return { items };
}

/** Staff users who may be given a route: those holding the meter_reader role. */
export async function listReaders(tx: Tx) {
  const rows = await tx
    .selectFrom('users as u')
    .innerJoin('staff_roles as r', (j) => j.onRef('r.user_id', '=', 'u.id').on('r.role', '=', 'meter_reader'))
    .select(['u.id', 'u.name', 'u.email'])
    .where('u.kind', '=', 'staff')
    .where('u.disabled_at', 'is', null)
    .orderBy(sql`pl_sort_key(u.name) collate "C"`)
    .orderBy('u.id')
    .execute();
  return { items: rows.map((r) => ({ id: r.id, name: r.name || r.email, email: r.email })) };
}

export async function assignRoute(
  tx: Tx,
  userId: number,
  routeId: number,
  input: { readerId: number; periodFrom: string; periodTo: string },
  now = new Date(),
): Promise<AssignmentView> {
  await findRoute(tx, routeId);
  checkPeriod(input.periodFrom, input.periodTo, localDate(now));
  const reader = await tx
    .selectFrom('users as u')
    .select(['u.id', 'u.name', 'u.email', 'u.kind', 'u.disabled_at'])
    .select((eb) =>
      eb
        .exists(eb.selectFrom('staff_roles as r').select('r.role').whereRef('r.user_id', '=', 'u.id').where('r.role', '=', 'meter_reader'))
        .as('is_reader'),
    )
    .where('u.id', '=', input.readerId)
    .executeTakeFirst();
  if (!reader || reader.kind !== 'staff' || reader.disabled_at || !reader.is_reader) {
    throw badRequest('route.not_a_reader', 'Trasę można przydzielić tylko czynnemu inkasentowi.', 'A route can only be assigned to an active meter reader.');
  }
  const overlap = await tx
    .selectFrom('reading_route_assignments')
    .select(['id', 'period_from', 'period_to'])
    .where('route_id', '=', routeId)
    .where('period_from', '<=', input.periodTo)
    .where('period_to', '>=', input.periodFrom)
    .executeTakeFirst();
  if (overlap) {
    throw conflict(
      'route.assignment_overlap',
      `Trasa jest już przydzielona na okres ${overlap.period_from} – ${overlap.period_to}.`,
      `The route is already assigned for ${overlap.period_from} – ${overlap.period_to}.`,
    );
  }
  const row = await tx
    .insertInto('reading_route_assignments')
    .values({
      utility_id: await currentUtilityId(tx),
      route_id: routeId,
      reader_id: reader.id,
      period_from: input.periodFrom,
      period_to: input.periodTo,
      created_by: userId,
    })
    .returning(['id', 'period_from', 'period_to'])
    .executeTakeFirstOrThrow();
  return { id: row.id, readerId: reader.id, readerName: reader.name || reader.email, periodFrom: row.period_from, periodTo: row.period_to };
}

export async function unassignRoute(tx: Tx, routeId: number, assignmentId: number): Promise<void> {
  const a = await tx
    .selectFrom('reading_route_assignments')
    .select('id')
    .where('id', '=', assignmentId)
    .where('route_id', '=', routeId)
    .executeTakeFirst();
  if (!a) throw notFound('route.assignment_not_found', 'Nie ma takiego przydziału trasy.', 'There is no such route assignment.');
  const used = await tx.selectFrom('reader_submissions').select('client_id').where('assignment_id', '=', assignmentId).limit(1).executeTakeFirst();
  if (used) {
    throw conflict('route.assignment_has_readings', 'Inkasent wpisał już odczyty w tym przydziale — nie można go cofnąć.', 'The reader already entered readings under this assignment; it cannot be withdrawn.');
  }
  await tx.deleteFrom('reading_route_assignments').where('id', '=', assignmentId).execute();
}

/** Localities and their streets with service points: what the route builder offers. */
export async function listStreets(tx: Tx) {
  const { rows } = await sql<{ locality: string; street: string; points: number; radio: number }>`
    select sp.locality, sp.street, count(distinct sp.id)::int as points, count(distinct m.id) filter (where m.radio_module_id is not null)::int as radio
    from service_points sp
    left join meters m on m.utility_id = sp.utility_id and m.service_point_id = sp.id and m.role = 'main' and m.removed_on is null
    group by sp.locality, sp.street
    -- Polish alphabetical order (Ł after L, Ś after S), the same on both engines: migration 202612070110.
    order by pl_sort_key(sp.locality) collate "C", pl_sort_key(sp.street) collate "C", sp.street`.execute(tx);
  const localities: { locality: string; streets: { street: string; servicePoints: number; radioMeters: number }[] }[] = [];
  for (const r of rows) {
    let l = localities.at(-1);
    if (!l || l.locality !== r.locality) localities.push((l = { locality: r.locality, streets: [] }));
    l.streets.push({ street: r.street, servicePoints: r.points, radioMeters: r.radio });
  }
  return { localities };
}

export function previewView(stops: Candidate[]) {
  return {
    stops: stops.map((s, i) => ({
      position: i + 1,
      servicePointId: s.id,
      code: s.code,
      street: s.street,
      building: s.building,
      apartment: s.apartment,
      locality: s.locality,
      meters: s.meters,
    })),
  };
}

/** The utility of the current transaction (set by inTenant / withTenant). */
export async function currentUtilityId(tx: Tx): Promise<number> {
  const { rows } = await sql<{ id: string | null }>`select app_utility_id()::text as id`.execute(tx);
  const id = Number(rows[0]?.id);
  if (!id) throw new AppError('internal', 'tenant.missing', { pl: 'Brak kontekstu przedsiębiorstwa.', en: 'No utility context.' });
  return id;
}

/** The photo a meter reader attached to a manual reading (for staff verifying it). */
export async function readingPhoto(tx: Tx, readingId: number): Promise<{ contentType: string; data: Buffer; name: string }> {
  const row = await tx
    .selectFrom('readings as r')
    .innerJoin('files as f', 'f.id', 'r.photo_file_id')
    .select(['f.content_type', 'f.data', 'f.name'])
    .where('r.id', '=', readingId)
    .executeTakeFirst();
  if (!row) throw notFound('reading.photo_not_found', 'Ten odczyt nie ma zdjęcia.', 'This reading has no photo.');
  return { contentType: row.content_type, data: asBuffer(row.data), name: row.name };
}

export type { StopRow };

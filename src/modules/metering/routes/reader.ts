/**
 * The meter reader's side of a route: today's assigned routes, a route's
 * stops with what is already read or heard, and manual readings sent from
 * the phone — possibly late, in a batch, after working offline. Each manual
 * reading carries an id made on the phone, so a re-sent batch adds nothing
 * twice.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import type { AuthUser } from '../../../http/access.ts';
import { AppError, badRequest, conflict, notFound } from '../../../lib/errors.ts';
import { isInstant } from '../../../lib/date-formats.ts';
import { localDate } from './period.ts';
import { decodePhoto } from './photo.ts';
import { assessReading, averageDaily, type KnownReading } from '../ingest/plausibility.ts';
import { countStops, routeStops } from './queries.ts';
import { currentUtilityId } from './service.ts';

export interface ManualReadingInput {
  clientId: string;
  meterId: number;
  valueM3: string;
  readAt: string;
  photo?: string;
}

export interface SubmitResult {
  clientId: string;
  readingId: number;
  status: string;
  reason: string | null;
  duplicate: boolean;
}

/** Clock skew allowed between the phone and the server. */
const FUTURE_TOLERANCE_MS = 10 * 60_000;

const notAssigned = () =>
  notFound('route.not_assigned', 'Ta trasa nie jest Ci przydzielona na dziś.', 'This route is not assigned to you for today.');

interface AssignmentRow {
  id: number;
  route_id: number;
  name: string;
  period_from: string;
  period_to: string;
}

function assignmentsQuery(tx: Tx) {
  return tx
    .selectFrom('reading_route_assignments as a')
    .innerJoin('reading_routes as r', 'r.id', 'a.route_id')
    .select(['a.id', 'a.route_id', 'r.name', 'a.period_from', 'a.period_to']);
}

/** The reader's routes whose assignment covers today. */
export async function readerRoutes(tx: Tx, user: AuthUser, now = new Date()) {
  const today = localDate(now);
  const rows: AssignmentRow[] = await assignmentsQuery(tx)
    .where('a.reader_id', '=', user.id)
    .where('a.period_from', '<=', today)
    .where('a.period_to', '>=', today)
    .orderBy('r.name')
    .execute();
  const items = [];
  for (const a of rows) {
    const stops = await routeStops(tx, a.route_id, { from: a.period_from, to: a.period_to });
    items.push({ id: a.route_id, name: a.name, assignmentId: a.id, periodFrom: a.period_from, periodTo: a.period_to, progress: countStops(stops) });
  }
  return { items };
}

/**
 * The assignment under which the caller works a route on a date: their own;
 * an administrator (who passes every staff route) acts under whoever's
 * assignment covers that date.
 */
async function assignmentOn(tx: Tx, user: AuthUser, routeId: number, date: string): Promise<AssignmentRow | undefined> {
  let q = assignmentsQuery(tx).where('a.route_id', '=', routeId).where('a.period_from', '<=', date).where('a.period_to', '>=', date);
  if (!user.roles.includes('admin')) q = q.where('a.reader_id', '=', user.id);
  return q.orderBy('a.id', 'desc').executeTakeFirst();
}

export async function readerRoute(tx: Tx, user: AuthUser, routeId: number, now = new Date()) {
  const a = await assignmentOn(tx, user, routeId, localDate(now));
  if (!a) throw notAssigned();
  const stops = await routeStops(tx, routeId, { from: a.period_from, to: a.period_to });
  return { id: a.route_id, name: a.name, assignmentId: a.id, periodFrom: a.period_from, periodTo: a.period_to, progress: countStops(stops), stops };
}

/** "123,45" or "123.45" → "123.450"; up to 9 whole digits and 3 decimals. */
export function parseVolume(typed: string): string | null {
  const m = /^\s*(\d{1,9})(?:[.,](\d{1,3}))?\s*$/.exec(typed);
  if (!m) return null;
  return `${BigInt(m[1])}.${(m[2] ?? '').padEnd(3, '0')}`;
}

function itemError(index: number, clientId: string, code: string, pl: string, en: string, kind: 'bad_request' | 'too_large' | 'conflict' = 'bad_request') {
  return new AppError(kind, code, { pl: `Odczyt nr ${index + 1}: ${pl}`, en: `Reading ${index + 1}: ${en}` }, { index, clientId });
}

export async function submitReadings(tx: Tx, user: AuthUser, routeId: number, items: ManualReadingInput[], now = new Date()): Promise<{ results: SubmitResult[] }> {
  const route = await tx.selectFrom('reading_routes').select('id').where('id', '=', routeId).executeTakeFirst();
  if (!route) throw notFound('route.not_found', 'Nie ma takiej trasy odczytowej.', 'There is no such reading route.');
  const ids = items.map((i) => i.clientId.toLowerCase());
  if (new Set(ids).size !== ids.length) {
    throw badRequest('reader.client_id_repeated', 'Ten sam identyfikator odczytu występuje w paczce dwa razy.', 'The same reading id appears twice in the batch.');
  }
  // Readings already received (a re-sent batch) are answered as they were stored.
  const earlier = await tx
    .selectFrom('reader_submissions as s')
    .innerJoin('readings as r', 'r.id', 's.reading_id')
    .select(['s.client_id', 's.reader_id', 's.meter_id', 's.route_id', 'r.id as reading_id', 'r.status', 'r.status_reason'])
    .where(sql<string>`s.client_id::text`, 'in', ids)
    .execute();
  const known = new Map(earlier.map((e) => [String(e.client_id).toLowerCase(), e]));

  // Which meters may be read on this route: the current main meters of its stops.
  const onRoute = new Set(
    (
      await tx
        .selectFrom('reading_route_stops as s')
        .innerJoin('meters as m', (j) => j.onRef('m.service_point_id', '=', 's.service_point_id').on('m.role', '=', 'main').on('m.removed_on', 'is', null))
        .select('m.id')
        .where('s.route_id', '=', routeId)
        .execute()
    ).map((m) => m.id),
  );

  const results: SubmitResult[] = [];
  const utilityId = await currentUtilityId(tx);
  for (const [index, item] of items.entries()) {
    const clientId = ids[index];
    const prior = known.get(clientId);
    if (prior) {
      if (prior.reader_id !== user.id || prior.meter_id !== item.meterId || prior.route_id !== routeId) {
        throw itemError(index, item.clientId, 'reader.client_id_reused', 'ten identyfikator odczytu był już użyty dla innego odczytu.', 'this reading id was already used for another reading.', 'conflict');
      }
      results.push({ clientId: item.clientId, readingId: prior.reading_id, status: prior.status, reason: prior.status_reason, duplicate: true });
      continue;
    }
    const value = parseVolume(item.valueM3);
    if (value === null) {
      throw itemError(index, item.clientId, 'reader.value_invalid', 'stan licznika należy podać w m³, np. 123,456 (do 3 miejsc po przecinku).', 'give the register in m³, e.g. 123.456 (up to 3 decimals).');
    }
    const readAt = new Date(item.readAt);
    if (!isInstant(item.readAt)) {
      throw itemError(index, item.clientId, 'reader.read_at_invalid', 'nieprawidłowa data i godzina odczytu.', 'invalid date and time of the reading.');
    }
    if (readAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
      throw itemError(index, item.clientId, 'reader.read_at_future', 'data odczytu jest w przyszłości — prosimy sprawdzić zegar telefonu.', "the reading's time is in the future; check the phone's clock.");
    }
    const assignment = await assignmentOn(tx, user, routeId, localDate(readAt));
    if (!assignment) {
      throw itemError(index, item.clientId, 'reader.outside_assignment', 'w dniu odczytu trasa nie była Ci przydzielona.', 'the route was not assigned to you on the day of the reading.', 'bad_request');
    }
    if (!onRoute.has(item.meterId)) {
      throw itemError(index, item.clientId, 'reader.meter_not_on_route', 'tego wodomierza nie ma na trasie.', 'this meter is not on the route.');
    }
    let photo: ReturnType<typeof decodePhoto> | null = null;
    if (item.photo !== undefined) {
      try {
        photo = decodePhoto(item.photo);
      } catch (e) {
        if (e instanceof AppError) throw itemError(index, item.clientId, e.code, e.messages.pl, e.messages.en, e.kind === 'too_large' ? 'too_large' : 'bad_request');
        throw e;
      }
    }
    // One reading per meter, time and source: the same instant twice under two client ids is refused, not stored twice.
    const sameTime = await tx
      .selectFrom('readings')
      .select('id')
      .where('meter_id', '=', item.meterId)
      .where('read_at', '=', readAt)
      .where('source', '=', 'reader')
      .executeTakeFirst();
    if (sameTime) {
      throw itemError(index, item.clientId, 'reader.same_time', 'ten wodomierz ma już odczyt z tej samej chwili.', 'this meter already has a reading taken at that moment.', 'conflict');
    }
    let photoFileId: number | null = null;
    if (photo) {
      const file = await tx
        .insertInto('files')
        .values({
          utility_id: utilityId,
          name: `odczyt-${item.meterId}-${clientId}.${photo.contentType === 'image/png' ? 'png' : 'jpg'}`,
          content_type: photo.contentType,
          size_bytes: photo.bytes.length,
          sha256: createHash('sha256').update(photo.bytes).digest('hex'),
          data: photo.bytes,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      photoFileId = file.id;
    }
    const verdict = await judge(tx, item.meterId, Number(value), readAt);
    const reading = await tx
      .insertInto('readings')
      .values({
        utility_id: utilityId,
        meter_id: item.meterId,
        read_at: readAt,
        value_m3: value,
        source: 'reader',
        status: verdict.status,
        status_reason: verdict.reason,
        submitted_by: user.id,
        photo_file_id: photoFileId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    try {
      await tx
        .insertInto('reader_submissions')
        .values({ utility_id: utilityId, client_id: clientId, reading_id: reading.id, route_id: routeId, assignment_id: assignment.id, reader_id: user.id, meter_id: item.meterId })
        .execute();
    } catch (e) {
      // The same batch sent twice at once: the other request stored it; this one is rolled back and may be re-sent.
      if ((e as { code?: string }).code === '23505') {
        throw conflict('reader.concurrent_resend', 'Ten odczyt jest właśnie zapisywany. Prosimy wysłać go ponownie za chwilę.', 'This reading is being stored right now. Send again in a moment.');
      }
      throw e;
    }
    results.push({ clientId: item.clientId, readingId: reading.id, status: verdict.status, reason: verdict.reason, duplicate: false });
  }
  return { results };
}

/**
 * The plausibility verdict for a new reading (the same rule as for remote
 * readings): against the meter's latest accepted reading, or its initial
 * reading at installation, and its usual consumption over the last year.
 */
async function judge(tx: Tx, meterId: number, valueM3: number, readAt: Date) {
  const meter = await tx.selectFrom('meters').select(['initial_reading', 'installed_on']).where('id', '=', meterId).executeTakeFirstOrThrow();
  const accepted = tx.selectFrom('readings').select(['value_m3', 'read_at']).where('meter_id', '=', meterId).where('status', '=', 'accepted');
  const known = (r: { value_m3: string; read_at: Date | string } | undefined): KnownReading | null =>
    r ? { at: new Date(r.read_at).getTime(), valueM3: Number(r.value_m3) } : null;
  const last = known(await accepted.orderBy('read_at', 'desc').limit(1).executeTakeFirst());
  const first = last
    ? known(await accepted.where('read_at', '>=', new Date(last.at - 365 * 86_400_000)).orderBy('read_at', 'asc').limit(1).executeTakeFirst())
    : null;
  const installation: KnownReading = { at: Date.parse(`${meter.installed_on}T00:00:00Z`), valueM3: Number(meter.initial_reading) };
  return assessReading({ last: last ?? installation, avgDailyM3: averageDaily(first, last) }, readAt.getTime(), valueM3);
}

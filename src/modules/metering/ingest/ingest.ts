/**
 * The heart of remote reading: telegram batches → the reception log, readings
 * (one per meter, time and source; judged for plausibility) with alarms, and
 * quarantine entries with a reason.
 *
 * One session is one transaction of one utility. It first takes the
 * utility's remote-ingestion lock, so that no other import or gateway batch
 * writes remote readings meanwhile: what the session knows of each meter's
 * latest remote reading stays true, and the readings can be COPYed without
 * a conflict check per row. A walk-by import holds the lock for its duration
 * (about 20 s per million telegrams); gateway batches queue behind it.
 *
 * Batches are judged on the main thread in file order (prepare: plausibility
 * needs each meter's history across batches) and written one at a time
 * (write) while the next batch is being judged.
 */
import { sql } from 'kysely';
import type { CopyFn } from '../../../db/bulk.ts';
import { CopyBuffer } from '../../../db/copy-buffer.ts';
import type { Tx } from '../../../db/tenant.ts';
import { AlarmTracker, type AlarmEvent } from './alarms.ts';
import { advance, assessReading, averageDaily, type KnownReading, type MeterHistory } from './plausibility.ts';
import { alarmsOf, IsoCache, TELEGRAM_COLUMNS, type Reception, type TelegramBatch } from './telegram-batch.ts';

export interface IncomingTelegram {
  hex: string;
  receivedAt: Date;
  rssi?: number;
}

export interface IngestCounts {
  telegrams: number;
  readings: number;
  pending: number;
  duplicates: number;
  quarantined: number;
  byReason: Record<string, number>;
}

export const emptyCounts = (): IngestCounts => ({ telegrams: 0, readings: 0, pending: 0, duplicates: 0, quarantined: 0, byReason: {} });

export function addCounts(a: IngestCounts, b: IngestCounts): IngestCounts {
  const byReason = { ...a.byReason };
  for (const [k, v] of Object.entries(b.byReason)) byReason[k] = (byReason[k] ?? 0) + v;
  return {
    telegrams: a.telegrams + b.telegrams,
    readings: a.readings + b.readings,
    pending: a.pending + b.pending,
    duplicates: a.duplicates + b.duplicates,
    quarantined: a.quarantined + b.quarantined,
    byReason,
  };
}

/** Key of the advisory lock that serialises remote ingestion per utility (the second key is the utility id). */
const INGEST_LOCK = 0x57_4d_42_31;

/**
 * A telegram without the meter's own clock is timed by its reception. The
 * same value again within this window (another gateway, another
 * transmission heard on the same walk) is no new reading.
 */
export const REPEAT_WINDOW_MS = 15 * 60_000;
/** Register resolution (litres). */
const EPS = 0.0005;

const READING_COLUMNS = ['utility_id', 'meter_id', 'read_at', 'value_m3', 'source', 'status', 'status_reason'] as const;
const ACCEPTED = Buffer.from('remote\taccepted\t');
const PENDING = Buffer.from('remote\tpending\t');

export interface MeterState {
  /** Accepted history, for plausibility. */
  history: MeterHistory;
  /** The latest remote reading of any status, for recognising one heard again. */
  lastRemote: KnownReading | null;
}

/**
 * What one session knew of its meters, handed to the next session of the same
 * import (the segments of a walk-by import on the embedded database), so that
 * each segment does not load the history of every meter again. `mark` is the
 * utility's newest reading id when the state was taken: if another writer
 * (a gateway batch, a reader, staff) added a reading of the utility between
 * the two sessions, the mark differs and the next session loads afresh.
 */
export interface CarriedState {
  utilityId: number;
  mark: string;
  meters: Map<number, MeterState>;
}

/** The utility's newest reading id (an index lookup on the primary key (utility_id, id)). */
async function readingsMark(tx: Tx, utilityId: number): Promise<string> {
  const r = await sql<{ mark: string | null }>`select max(id)::text as mark from readings where utility_id = ${utilityId}`.execute(tx);
  return r.rows[0]?.mark ?? '0';
}

/** Lets the event loop serve what queued (timers, sockets) before the next statement. */
const breathe = () => new Promise<void>((r) => setImmediate(r));

/** What prepare() found in a batch, ready for write(). */
export interface PreparedBatch {
  batch: TelegramBatch;
  /** COPY text of the new readings. */
  rows: CopyBuffer;
  /** Meter and time of each new reading (to recognise a late one of the same batch). */
  newMeter: number[];
  newAt: number[];
  pending: number;
  duplicates: number;
  /** Candidates older than their meter's latest remote reading: looked up in the database by write(). */
  late: number[];
  events: AlarmEvent[];
}

/** Pure: is a candidate the meter's latest remote reading heard again ('repeat'), older than it ('late'), or new? */
export function classify(lastRemote: KnownReading | null, at: number, valueM3: number, meterClock: boolean): 'new' | 'repeat' | 'late' {
  if (!lastRemote) return 'new';
  if (at === lastRemote.at) return 'repeat';
  if (at < lastRemote.at) return 'late';
  if (!meterClock && Math.abs(valueM3 - lastRemote.valueM3) < EPS && at - lastRemote.at < REPEAT_WINDOW_MS) return 'repeat';
  return 'new';
}

export class IngestSession {
  private meters = new Map<number, MeterState>();
  /** The meter state came from the previous session of the same import (for tests and profiles). */
  carriedOver = false;
  private readonly alarms: AlarmTracker;
  // Everything this session sends to the database goes through one queue: one connection, one statement at a time.
  private queue: Promise<unknown> = Promise.resolve();
  private readonly iso = new IsoCache();
  private readonly rowHead: Buffer;

  private constructor(
    private readonly tx: Tx,
    private readonly copy: CopyFn,
    private readonly reception: Reception,
  ) {
    this.alarms = new AlarmTracker(tx, reception.utilityId);
    this.rowHead = Buffer.from(`${reception.utilityId}\t`);
  }

  /** Opens a session in the transaction: takes the utility's remote-ingestion lock (waiting for a running import). */
  static async open(tx: Tx, copy: CopyFn, reception: Reception, carried?: CarriedState | null): Promise<IngestSession> {
    await sql`select pg_advisory_xact_lock(${INGEST_LOCK}, ${reception.utilityId}::int)`.execute(tx);
    const session = new IngestSession(tx, copy, reception);
    // Under the lock: no remote reading can be written by anyone else until this transaction ends.
    if (carried && carried.utilityId === reception.utilityId && carried.mark === (await readingsMark(tx, reception.utilityId))) {
      session.meters = carried.meters;
      session.carriedOver = true;
    }
    return session;
  }

  /**
   * The meter state for the next session of the same import; call when every
   * batch has been written, in this session's transaction (before it commits).
   */
  async carry(): Promise<CarriedState> {
    await this.queue;
    return { utilityId: this.reception.utilityId, mark: await readingsMark(this.tx, this.reception.utilityId), meters: this.meters };
  }

  /** Prepares and writes one batch (gateway and MQTT batches, which are small). */
  async ingest(batch: TelegramBatch): Promise<IngestCounts> {
    return this.write(await this.prepare(batch));
  }

  private inQueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(breathe).then(fn);
    this.queue = run.catch(() => {});
    return run;
  }

  /** Judges a batch's reading candidates (call in file order). */
  async prepare(batch: TelegramBatch): Promise<PreparedBatch> {
    const need = new Set<number>();
    for (let i = 0; i < batch.cand; i++) if (!this.meters.has(batch.candMeter[i])) need.add(batch.candMeter[i]);
    if (need.size) await this.inQueue(() => this.loadMeters([...need]));
    const tracked = await this.inQueue(() => this.alarms.tracked());

    const p: PreparedBatch = { batch, rows: new CopyBuffer(batch.cand * 80), newMeter: [], newAt: [], pending: 0, duplicates: 0, late: [], events: [] };
    const flagged = new Set<number>();
    for (let i = 0; i < batch.cand; i++) if (batch.candAlarms[i] !== 0) flagged.add(batch.candMeter[i]);
    for (let i = 0; i < batch.cand; i++) {
      const meterId = batch.candMeter[i];
      const at = batch.candAt[i];
      const v = batch.candValue[i];
      const m = this.meters.get(meterId)!;
      const kind = classify(m.lastRemote, at, v, batch.candClock[i] === 1);
      if (kind === 'repeat') {
        p.duplicates++;
        continue;
      }
      if (kind === 'late') {
        p.late.push(i);
        continue;
      }
      m.lastRemote = { at, valueM3: v };
      this.accept(p, i, m);
      if (batch.candAlarms[i] !== 0 || flagged.has(meterId) || tracked.has(meterId)) p.events.push({ meterId, at: new Date(at), alarms: alarmsOf(batch.candAlarms[i]) });
    }
    return p;
  }

  /** Judges candidate i for plausibility and adds its reading row. */
  private accept(p: PreparedBatch, i: number, m: MeterState): void {
    const { batch } = p;
    const at = batch.candAt[i];
    const v = batch.candValue[i];
    const a = assessReading(m.history, at, v);
    if (a.status === 'accepted') m.history = advance(m.history, at, v);
    else p.pending++;
    p.rows.raw(this.rowHead).int(batch.candMeter[i]).timestamp(at).m3(Math.round(v * 1000)).raw(a.status === 'accepted' ? ACCEPTED : PENDING);
    if (a.reason === null) p.rows.nul(10);
    else p.rows.text(a.reason, 10);
    p.rows.rows++;
    p.newMeter.push(batch.candMeter[i]);
    p.newAt.push(at);
  }

  /** Writes a prepared batch: its log rows, readings, quarantine entries and alarms. */
  write(p: PreparedBatch): Promise<IngestCounts> {
    return this.inQueue(async () => {
      const { batch } = p;
      await this.copy('telegrams', TELEGRAM_COLUMNS, batch.log);
      let duplicates = batch.repeated + p.duplicates;
      if (p.late.length) duplicates += await this.resolveLate(p);
      await this.copy('readings', READING_COLUMNS, p.rows.bytes());
      const counts = emptyCounts();
      counts.telegrams = batch.received;
      counts.readings = p.rows.rows;
      counts.pending = p.pending;
      const q = batch.quarantine;
      if (q.sha256.length) {
        const r = await sql<{ reason: string; n: number }>`
          with q as (
            insert into quarantine (utility_id, sha256, raw, received_at, source, source_detail, upload_id, reason, message, manufacturer, radio_id)
            select ${this.reception.utilityId}, decode(s, 'hex'), decode(h, 'hex'), t::timestamptz, ${this.reception.source}, ${this.reception.detail},
                   ${this.reception.uploadId}::bigint, reason, message, mfr, radio
            from unnest(${q.sha256}::text[], ${q.hex}::text[], ${q.receivedAt}::text[], ${q.reason}::text[], ${q.message}::text[],
                        ${q.manufacturer}::text[], ${q.radioId}::text[]) as x(s, h, t, reason, message, mfr, radio)
            on conflict do nothing
            returning reason)
          select reason, count(*)::int as n from q group by reason`.execute(this.tx);
        for (const { reason, n } of r.rows) {
          counts.byReason[reason] = n;
          counts.quarantined += n;
        }
        // Quarantined before (the same bad telegram again).
        duplicates += q.sha256.length - counts.quarantined;
      }
      counts.duplicates = duplicates;
      if (p.events.length) await this.alarms.apply(p.events);
      return counts;
    });
  }

  /** Late candidates: readings the database (or this batch) already has are duplicates; the rest are judged and added. */
  private async resolveLate(p: PreparedBatch): Promise<number> {
    const { batch } = p;
    const meters = p.late.map((i) => batch.candMeter[i]);
    const times = p.late.map((i) => this.iso.get(batch.candAt[i]));
    const r = await sql<{ meter_id: number; read_at: Date }>`
      select r.meter_id, r.read_at from readings r
      join unnest(${meters}::bigint[], ${times}::timestamptz[]) as x(m, t) on r.meter_id = x.m and r.read_at = x.t
      where r.utility_id = ${this.reception.utilityId} and r.source = 'remote'`.execute(this.tx);
    const known = new Set(r.rows.map((x) => `${x.meter_id}:${new Date(x.read_at).getTime()}`));
    for (let k = 0; k < p.newMeter.length; k++) known.add(`${p.newMeter[k]}:${p.newAt[k]}`);
    let duplicates = 0;
    for (const i of p.late) {
      const key = `${batch.candMeter[i]}:${batch.candAt[i]}`;
      if (known.has(key)) {
        duplicates++;
        continue;
      }
      known.add(key);
      this.accept(p, i, this.meters.get(batch.candMeter[i])!);
      if (batch.candAlarms[i] !== 0) p.events.push({ meterId: batch.candMeter[i], at: new Date(batch.candAt[i]), alarms: alarmsOf(batch.candAlarms[i]) });
    }
    return duplicates;
  }

  private async loadMeters(meterIds: number[]): Promise<void> {
    const rows = await sql<{
      id: number;
      initial_reading: string;
      installed_on: string;
      last_at: Date | null;
      last_v: string | null;
      first_at: Date | null;
      first_v: string | null;
      remote_at: Date | null;
      remote_v: string | null;
    }>`
      select m.id, m.initial_reading, m.installed_on, l.read_at as last_at, l.value_m3 as last_v, f.read_at as first_at, f.value_m3 as first_v,
             rr.read_at as remote_at, rr.value_m3 as remote_v
      from meters m
      left join lateral (
        select read_at, value_m3 from readings r
        where r.utility_id = m.utility_id and r.meter_id = m.id and r.status = 'accepted'
        order by read_at desc limit 1) l on true
      left join lateral (
        select read_at, value_m3 from readings r
        where r.utility_id = m.utility_id and r.meter_id = m.id and r.status = 'accepted' and r.read_at >= l.read_at - interval '365 days'
        order by read_at limit 1) f on true
      left join lateral (
        select read_at, value_m3 from readings r
        where r.utility_id = m.utility_id and r.meter_id = m.id and r.source = 'remote'
        order by read_at desc limit 1) rr on true
      where m.id = any(${meterIds}::bigint[])`.execute(this.tx);
    for (const m of rows.rows) {
      const last = m.last_at
        ? { at: new Date(m.last_at).getTime(), valueM3: Number(m.last_v) }
        : { at: Date.parse(`${m.installed_on}T00:00:00Z`), valueM3: Number(m.initial_reading) };
      const first = m.first_at ? { at: new Date(m.first_at).getTime(), valueM3: Number(m.first_v) } : null;
      this.meters.set(m.id, {
        history: { last, avgDailyM3: averageDaily(first, m.last_at ? last : null) },
        lastRemote: m.remote_at ? { at: new Date(m.remote_at).getTime(), valueM3: Number(m.remote_v) } : null,
      });
    }
  }
}

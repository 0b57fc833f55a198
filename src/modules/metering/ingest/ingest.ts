/**
 * The heart of remote reading: a batch of decoded telegrams → raw telegrams
 * stored once, readings (one per meter per timestamp, checked for
 * plausibility), quarantine entries with a reason, and alarms.
 *
 * Per batch the rows are staged (COPY on PostgreSQL) and one statement
 * inserts the new telegrams and, for those only, the readings and the
 * quarantine entries: a telegram heard again changes nothing.
 */
import { sql } from 'kysely';
import type { BulkTx } from './bulk-db.ts';
import type { DecodedItem } from './decode-core.ts';
import { alarmsOf, StageBuilder, type StagedBatch } from './stage-batch.ts';
import type { Keyring } from './keyring.ts';
import { advance, assessReading, averageDaily, type MeterHistory } from './plausibility.ts';
import { AlarmTracker, type AlarmEvent } from './alarms.ts';

export type TelegramSource = 'walkby' | 'mqtt' | 'gateway';

export interface IngestOrigin {
  source: TelegramSource;
  /** Upload id, gateway id or MQTT topic. */
  detail: string | null;
  uploadId: number | null;
}

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

export class IngestSession {
  private readonly histories = new Map<number, MeterHistory>();
  readonly alarms: AlarmTracker;

  constructor(
    private readonly b: BulkTx,
    private readonly utilityId: number,
    private readonly keyring: Keyring,
    private readonly origin: IngestOrigin,
  ) {
    this.alarms = new AlarmTracker(b.tx, utilityId);
  }

  /** Telegrams decoded on this thread (gateway push, MQTT). */
  async write(incoming: IncomingTelegram[], decoded: DecodedItem[]): Promise<IngestCounts> {
    const builder = new StageBuilder((m, r) => this.keyring.lookup(m, r), incoming.length || 1);
    for (let i = 0; i < incoming.length; i++) {
      const t = incoming[i];
      builder.add(t.hex.toUpperCase(), t.receivedAt.getTime(), t.rssi, decoded[i]);
    }
    const counts = await this.writeStaged(builder.finish());
    counts.telegrams = incoming.length;
    return counts;
  }

  /**
   * One staged batch: plausibility of its reading candidates (here, because
   * it needs each meter's history across batches), then the staging COPY and
   * one statement that inserts the new telegrams and, for those only, the
   * readings (held ones with their reason) and the quarantine entries.
   */
  async writeStaged(batch: StagedBatch): Promise<IngestCounts> {
    const counts = emptyCounts();
    counts.telegrams = batch.rows + batch.duplicates;
    counts.duplicates = batch.duplicates;
    const need = new Set<number>();
    for (let i = 0; i < batch.cand; i++) if (!this.histories.has(batch.candMeter[i])) need.add(batch.candMeter[i]);
    await this.loadHistories([...need]);

    const pendingRow: number[] = [];
    const pendingReason: string[] = [];
    const tracked = await this.alarms.tracked();
    const flagged = new Set<number>();
    for (let i = 0; i < batch.cand; i++) if (batch.candAlarms[i] !== 0) flagged.add(batch.candMeter[i]);
    const events: AlarmEvent[] = [];
    for (let i = 0; i < batch.cand; i++) {
      const meterId = batch.candMeter[i];
      const at = batch.candAt[i];
      const v = batch.candValue[i];
      const h = this.histories.get(meterId)!;
      const a = assessReading(h, at, v);
      if (a.status === 'accepted') this.histories.set(meterId, advance(h, at, v));
      else {
        pendingRow.push(batch.candRow[i]);
        pendingReason.push(a.reason ?? '');
      }
      const bits = batch.candAlarms[i];
      if (bits !== 0 || flagged.has(meterId) || tracked.has(meterId)) events.push({ meterId, at: new Date(at), alarms: alarmsOf(bits) });
    }

    await this.b.stage(batch.copy);
    const r = await sql<{ telegrams: number; readings: number; pending: number; candidates: number; reasons: Array<{ reason: string; n: number }> | null }>`
      with t as (
        insert into telegrams (utility_id, sha256, raw, received_at, source, source_detail, upload_id, rssi, manufacturer, radio_id, meter_id)
        select ${this.utilityId}, s.sha256, s.raw, s.received_at, ${this.origin.source}, ${this.origin.detail}, ${this.origin.uploadId}::bigint,
               s.rssi, s.manufacturer, s.radio_id, s.meter_id
        from ingest_stage s
        on conflict do nothing
        returning sha256
      ), fresh as (
        select s.* from ingest_stage s join t on t.sha256 = s.sha256
      ), p as (
        select * from unnest(${pendingRow}::int[], ${pendingReason}::text[]) as p(n, reason)
      ), r as (
        insert into readings (utility_id, meter_id, read_at, value_m3, source, status, status_reason)
        select ${this.utilityId}, f.meter_id, f.read_at, f.value_m3, 'remote', case when p.n is null then 'accepted' else 'pending' end, p.reason
        from fresh f left join p on p.n = f.n
        where f.error_code is null
        on conflict (utility_id, meter_id, read_at) where source = 'remote' do nothing
        returning status
      ), q as (
        insert into quarantine (utility_id, sha256, received_at, source, source_detail, upload_id, reason, message, manufacturer, radio_id)
        select ${this.utilityId}, sha256, received_at, ${this.origin.source}, ${this.origin.detail}, ${this.origin.uploadId}::bigint,
               error_code, error_message, manufacturer, radio_id
        from fresh where error_code is not null
        on conflict do nothing
        returning reason
      )
      select (select count(*)::int from t) as telegrams,
             (select count(*)::int from r) as readings,
             (select count(*)::int from r where status = 'pending') as pending,
             (select count(*)::int from fresh where error_code is null) as candidates,
             (select json_agg(json_build_object('reason', reason, 'n', n)) from (select reason, count(*)::int as n from q group by reason) g) as reasons`.execute(this.b.tx);
    const res = r.rows[0];
    counts.readings = res.readings;
    counts.pending = res.pending;
    for (const { reason, n } of res.reasons ?? []) {
      counts.byReason[reason] = n;
      counts.quarantined += n;
    }
    // Heard before (same content), or a new telegram whose reading the meter already has at that time.
    counts.duplicates += batch.rows - res.telegrams + (res.candidates - res.readings);
    if (events.length) await this.alarms.apply(events);
    return counts;
  }

  private async loadHistories(meterIds: number[]): Promise<void> {
    if (meterIds.length === 0) return;
    const rows = await sql<{
      id: number;
      initial_reading: string;
      installed_on: string;
      last_at: Date | null;
      last_v: string | null;
      first_at: Date | null;
      first_v: string | null;
    }>`
      select m.id, m.initial_reading, m.installed_on, l.read_at as last_at, l.value_m3 as last_v, f.read_at as first_at, f.value_m3 as first_v
      from meters m
      left join lateral (
        select read_at, value_m3 from readings r
        where r.utility_id = m.utility_id and r.meter_id = m.id and r.status = 'accepted'
        order by read_at desc limit 1) l on true
      left join lateral (
        select read_at, value_m3 from readings r
        where r.utility_id = m.utility_id and r.meter_id = m.id and r.status = 'accepted' and r.read_at >= l.read_at - interval '365 days'
        order by read_at limit 1) f on true
      where m.id = any(${meterIds}::bigint[])`.execute(this.b.tx);
    for (const m of rows.rows) {
      const last = m.last_at
        ? { at: new Date(m.last_at).getTime(), valueM3: Number(m.last_v) }
        : { at: Date.parse(`${m.installed_on}T00:00:00Z`), valueM3: Number(m.initial_reading) };
      const first = m.first_at ? { at: new Date(m.first_at).getTime(), valueM3: Number(m.first_v) } : null;
      this.histories.set(m.id, { last, avgDailyM3: averageDaily(first, m.last_at ? last : null) });
    }
  }
}


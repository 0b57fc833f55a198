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
import { parseTimestamp } from './local-time.ts';
import type { BulkTx, StageRow } from './bulk-db.ts';
import type { AlarmKind, DecodedItem } from './decode-core.ts';
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

const QUARANTINE_MESSAGES: Record<string, string> = {
  'ingest.unknown_module': 'no radio module with this identity is registered',
  'ingest.no_meter': 'the radio module is not fitted to a current meter',
  'ingest.no_volume': 'the telegram carries no total volume',
};

/** A meter's clock more than a day ahead of the receiver is wrong; the receive time is used then. */
const CLOCK_SLACK_MS = 86_400_000;

function readTime(item: DecodedItem, receivedAt: Date): Date {
  if (!item.meterDatetime) return receivedAt;
  const t = parseTimestamp(item.meterDatetime);
  if (!t || t.getTime() > receivedAt.getTime() + CLOCK_SLACK_MS || t.getUTCFullYear() < 2000) return receivedAt;
  return t;
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

  async write(incoming: IncomingTelegram[], decoded: DecodedItem[]): Promise<IngestCounts> {
    const counts = emptyCounts();
    counts.telegrams = incoming.length;
    const seen = new Set<string>();
    const rows: StageRow[] = [];
    const rowAlarms: AlarmKind[][] = [];
    const needHistory = new Set<number>();
    for (let i = 0; i < incoming.length; i++) {
      const t = incoming[i];
      const d = decoded[i];
      if (seen.has(d.sha256)) {
        counts.duplicates++;
        continue;
      }
      seen.add(d.sha256);
      const row: StageRow = {
        sha256: d.sha256,
        raw: t.hex,
        receivedAt: t.receivedAt,
        rssi: t.rssi ?? null,
        manufacturer: d.manufacturer ?? null,
        radioId: d.radioId ?? null,
        meterId: null,
        readAt: null,
        valueM3: null,
        status: null,
        statusReason: null,
        errorCode: null,
        errorMessage: null,
      };
      const module = d.manufacturer && d.radioId ? this.keyring.lookup(d.manufacturer, d.radioId) : undefined;
      let reason: string | null = null;
      if (d.radioId && !module && (!d.error || d.error.code === 'wmbus.no_key' || d.error.code === 'wmbus.wrong_key')) reason = 'ingest.unknown_module';
      else if (d.error) reason = d.error.code;
      else if (!module?.meterId) reason = 'ingest.no_meter';
      else if (d.totalM3 === undefined) reason = 'ingest.no_volume';
      if (module?.meterId) row.meterId = module.meterId;
      if (reason) {
        row.errorCode = reason;
        row.errorMessage = (reason === d.error?.code ? d.error.message : QUARANTINE_MESSAGES[reason]) ?? reason;
      } else {
        row.readAt = readTime(d, t.receivedAt);
        row.valueM3 = d.totalM3!.toFixed(3);
        if (!this.histories.has(row.meterId!)) needHistory.add(row.meterId!);
      }
      rows.push(row);
      rowAlarms.push(d.alarms);
    }
    await this.loadHistories([...needHistory]);

    const events: AlarmEvent[] = [];
    for (const [i, row] of rows.entries()) {
      if (row.readAt === null || row.meterId === null) continue;
      const h = this.histories.get(row.meterId)!;
      const at = row.readAt.getTime();
      const v = Number(row.valueM3);
      const a = assessReading(h, at, v);
      row.status = a.status;
      row.statusReason = a.reason;
      if (a.status === 'accepted') this.histories.set(row.meterId, advance(h, at, v));
      events.push({ meterId: row.meterId, at: row.readAt, alarms: rowAlarms[i] });
    }

    await this.b.stage(rows);
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
      ), r as (
        insert into readings (utility_id, meter_id, read_at, value_m3, source, status, status_reason)
        select ${this.utilityId}, meter_id, read_at, value_m3, 'remote', status, status_reason
        from fresh where error_code is null
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
    counts.duplicates += rows.length - res.telegrams + (res.candidates - res.readings);
    await this.alarms.apply(events);
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


/**
 * Decoded telegrams → one batch ready for the database: the COPY text of the
 * staging table (built where the decoding happens, i.e. in the worker thread
 * for walk-by files) and, for the reading candidates, flat typed arrays the
 * main thread needs for plausibility and alarms. Nothing per telegram crosses
 * threads as an object: a string and a few transferable buffers per batch.
 * Pure: no I/O.
 */
import { parseTimestamp } from './local-time.ts';
import { ALARM_KINDS, type AlarmKind, type DecodedItem } from './decode-core.ts';

/** Columns of ingest_stage in COPY order (see bulk-db.ts). */
export const STAGE_COLUMNS = 'n, sha256, raw, received_at, rssi, manufacturer, radio_id, meter_id, read_at, value_m3, error_code, error_message';

export interface StagedBatch {
  /** Distinct telegrams staged (rows of the COPY text). */
  rows: number;
  /** Telegrams repeated within the batch (not staged again). */
  duplicates: number;
  /** COPY text format: one line per staged telegram. */
  copy: string;
  /** Reading candidates (decoded, matched, with a volume): count and parallel arrays. */
  cand: number;
  candRow: Int32Array;
  candMeter: Float64Array;
  candAt: Float64Array;
  candValue: Float64Array;
  /** Alarm flags as bits in ALARM_KINDS order. */
  candAlarms: Uint8Array;
}

export interface ModuleMatch {
  meterId: number | null;
}
export type LookupModule = (manufacturer: string, radioId: string) => ModuleMatch | undefined;

const QUARANTINE_MESSAGES: Record<string, string> = {
  'ingest.unknown_module': 'no radio module with this identity is registered',
  'ingest.no_meter': 'the radio module is not fitted to a current meter',
  'ingest.no_volume': 'the telegram carries no total volume',
};

/** A meter's clock more than a day ahead of the receiver is wrong; the receive time is used then. */
const CLOCK_SLACK_MS = 86_400_000;

/** The quarantine reason of a decoded telegram, or null when it becomes a reading. */
export function quarantineReason(d: DecodedItem, module: ModuleMatch | undefined): string | null {
  if (d.radioId && !module && (!d.error || d.error.code === 'wmbus.no_key' || d.error.code === 'wmbus.wrong_key')) return 'ingest.unknown_module';
  if (d.error) return d.error.code;
  if (!module?.meterId) return 'ingest.no_meter';
  if (d.totalM3 === undefined) return 'ingest.no_volume';
  return null;
}

/** COPY text: tab-separated, \N for null, backslash escapes. */
function copyText(v: string | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  return /[\\\t\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v;
}

export function alarmBits(alarms: AlarmKind[]): number {
  let bits = 0;
  for (const a of alarms) bits |= 1 << ALARM_KINDS.indexOf(a);
  return bits;
}

export function alarmsOf(bits: number): AlarmKind[] {
  const out: AlarmKind[] = [];
  for (let i = 0; i < ALARM_KINDS.length; i++) if (bits & (1 << i)) out.push(ALARM_KINDS[i]);
  return out;
}

export class StageBuilder {
  private readonly seen = new Set<string>();
  private parts: string[] = [];
  private rows = 0;
  private duplicates = 0;
  private cand = 0;
  private candRow: Int32Array;
  private candMeter: Float64Array;
  private candAt: Float64Array;
  private candValue: Float64Array;
  private candAlarms: Uint8Array;
  // Many telegrams of a file share a receive time (and a meter clock time): format each once.
  private readonly isoCache = new Map<number, string>();

  constructor(
    private readonly lookup: LookupModule,
    capacity = 1024,
  ) {
    this.candRow = new Int32Array(capacity);
    this.candMeter = new Float64Array(capacity);
    this.candAt = new Float64Array(capacity);
    this.candValue = new Float64Array(capacity);
    this.candAlarms = new Uint8Array(capacity);
  }

  private iso(ms: number): string {
    let s = this.isoCache.get(ms);
    if (s === undefined) {
      if (this.isoCache.size > 4096) this.isoCache.clear();
      s = new Date(ms).toISOString();
      this.isoCache.set(ms, s);
    }
    return s;
  }

  // Meter clock texts repeat across a file's telegrams: parse each once.
  private readonly clockCache = new Map<string, number | null>();

  private readTime(meterDatetime: string | undefined, receivedAt: number): number {
    if (!meterDatetime) return receivedAt;
    let t = this.clockCache.get(meterDatetime);
    if (t === undefined) {
      if (this.clockCache.size > 4096) this.clockCache.clear();
      const d = parseTimestamp(meterDatetime);
      t = d && d.getUTCFullYear() >= 2000 ? d.getTime() : null;
      this.clockCache.set(meterDatetime, t);
    }
    return t === null || t > receivedAt + CLOCK_SLACK_MS ? receivedAt : t;
  }

  private grow(): void {
    const n = this.candRow.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.candRow = g(this.candRow, (k) => new Int32Array(k));
    this.candMeter = g(this.candMeter, (k) => new Float64Array(k));
    this.candAt = g(this.candAt, (k) => new Float64Array(k));
    this.candValue = g(this.candValue, (k) => new Float64Array(k));
    this.candAlarms = g(this.candAlarms, (k) => new Uint8Array(k));
  }

  /** One telegram: its raw bytes as hex, receive time (epoch ms), RSSI, and what decoding found. */
  add(rawHex: string, receivedAt: number, rssi: number | null | undefined, d: DecodedItem): void {
    if (this.seen.has(d.sha256)) {
      this.duplicates++;
      return;
    }
    this.seen.add(d.sha256);
    const n = this.rows++;
    const module = d.manufacturer && d.radioId ? this.lookup(d.manufacturer, d.radioId) : undefined;
    const reason = quarantineReason(d, module);
    const meterId = module?.meterId ?? null;
    let readAt = '\\N';
    let value = '\\N';
    let code = '\\N';
    let message = '\\N';
    if (reason) {
      code = copyText(reason);
      message = copyText((reason === d.error?.code ? d.error.message : QUARANTINE_MESSAGES[reason]) ?? reason);
    } else {
      const at = this.readTime(d.meterDatetime, receivedAt);
      readAt = this.iso(at);
      value = d.totalM3!.toFixed(3);
      if (this.cand === this.candRow.length) this.grow();
      const c = this.cand++;
      this.candRow[c] = n;
      this.candMeter[c] = meterId!;
      this.candAt[c] = at;
      this.candValue[c] = Number(value);
      this.candAlarms[c] = d.alarms.length ? alarmBits(d.alarms) : 0;
    }
    this.parts.push(
      `${n}\t\\\\x${d.sha256}\t\\\\x${rawHex}\t${this.iso(receivedAt)}\t${rssi ?? '\\N'}\t${copyText(d.manufacturer)}\t${copyText(d.radioId)}\t` +
        `${meterId ?? '\\N'}\t${readAt}\t${value}\t${code}\t${message}\n`,
    );
  }

  finish(): StagedBatch {
    const c = this.cand;
    return {
      rows: this.rows,
      duplicates: this.duplicates,
      copy: this.parts.join(''),
      cand: c,
      candRow: this.candRow.slice(0, c),
      candMeter: this.candMeter.slice(0, c),
      candAt: this.candAt.slice(0, c),
      candValue: this.candValue.slice(0, c),
      candAlarms: this.candAlarms.slice(0, c),
    };
  }
}

/** The transferable buffers of a batch (for postMessage). */
export const transferables = (b: StagedBatch): ArrayBuffer[] =>
  [b.candRow, b.candMeter, b.candAt, b.candValue, b.candAlarms].map((a) => a.buffer as ArrayBuffer);

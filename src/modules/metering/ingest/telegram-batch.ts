/**
 * Decoded telegrams → one batch ready for the database, built where the
 * decoding happens (a worker thread for walk-by files):
 *  - the reception log rows (table telegrams) as COPY text;
 *  - the quarantine rows (few) as arrays;
 *  - the reading candidates (decoded, matched to a current meter, with a
 *    volume) as flat typed arrays, for the main thread, which judges them
 *    against each meter's history and writes the readings.
 * Nothing per telegram crosses threads as an object: a few small arrays and
 * a few transferable buffers per batch. Pure: no I/O.
 */
import { hash } from 'node:crypto';
import { CopyBuffer } from '../../../db/copy-buffer.ts';
import { copyValue } from '../../../db/copy-text.ts';
import { parseTimestamp } from './local-time.ts';
import { ALARM_KINDS, type AlarmKind, type DecodedItem } from './decode-core.ts';

export type TelegramSource = 'walkby' | 'mqtt' | 'gateway';

/** Where a batch's telegrams came from: written on every log row. */
export interface Reception {
  utilityId: number;
  source: TelegramSource;
  /** Walk-by source name, gateway id or MQTT topic. */
  detail: string | null;
  uploadId: number | null;
}

/** Columns of the telegrams log in the order of the COPY text. */
export const TELEGRAM_COLUMNS = ['utility_id', 'raw', 'received_at', 'source', 'source_detail', 'upload_id', 'rssi', 'manufacturer', 'radio_id', 'meter_id'] as const;

export interface QuarantineRows {
  sha256: string[];
  hex: string[];
  receivedAt: string[];
  reason: string[];
  message: string[];
  manufacturer: Array<string | null>;
  radioId: Array<string | null>;
}

export interface TelegramBatch {
  /** Telegrams handed in. */
  received: number;
  /** Heard again: the same bytes as the meter's previous telegram of this import; neither logged nor read again. */
  repeated: number;
  /** Rows of the log text. */
  logged: number;
  /** The log rows in COPY text format, as bytes in a buffer of their own (transferred between threads). */
  log: Uint8Array;
  quarantine: QuarantineRows;
  /** Reading candidates: count and parallel arrays. */
  cand: number;
  candMeter: Float64Array;
  candAt: Float64Array;
  candValue: Float64Array;
  /** Alarm flags as bits in ALARM_KINDS order. */
  candAlarms: Uint8Array;
  /** 1 when the time is the meter's own clock, 0 when it is the receive time. */
  candClock: Uint8Array;
}

export interface ModuleMatch {
  meterId: number | null;
  /** The meter's installation (epoch ms); a reading time before it is refused. */
  installedFrom?: number | null;
}
export type LookupModule = (manufacturer: string, radioId: string) => ModuleMatch | undefined;

const QUARANTINE_MESSAGES: Record<string, string> = {
  'ingest.unknown_module': 'no radio module with this identity is registered',
  'ingest.no_meter': 'the radio module is not fitted to a current meter',
  'ingest.no_volume': 'the telegram carries no total volume',
};

/**
 * A meter's clock more than a day ahead of the receiver is wrong; the receive
 * time is used then. A receive time more than a day ahead of the server is
 * wrong too (a gateway's clock): such a telegram is refused.
 */
export const CLOCK_SLACK_MS = 86_400_000;

/** The quarantine code of a telegram whose time is outside the sane window (see timeRefusal). */
export const TIME_OUT_OF_RANGE = 'ingest.time_out_of_range';

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Why a time is not a reading's time, or null when it is: more than a day
 * after now (a receiver's clock ahead), or before the meter's installation
 * (a clock reset to 2000/2001 after a battery change, a gateway that lost
 * its time). Such a telegram is kept in the quarantine, never read.
 */
export function timeRefusal(at: number, now: number, installedFrom: number | null | undefined): string | null {
  if (at > now + CLOCK_SLACK_MS) return `the time ${new Date(at).toISOString()} is more than a day in the future`;
  if (installedFrom != null && at < installedFrom) return `the reading time ${new Date(at).toISOString()} is before the meter's installation (${isoDay(installedFrom + 43_200_000)})`;
  return null;
}

/** The quarantine reason of a decoded telegram, or null when it becomes a reading candidate. */
export function quarantineReason(d: DecodedItem, module: ModuleMatch | undefined): string | null {
  if (d.radioId && !module && (!d.error || d.error.code === 'wmbus.no_key' || d.error.code === 'wmbus.wrong_key')) return 'ingest.unknown_module';
  if (d.error) return d.error.code;
  if (!module?.meterId) return 'ingest.no_meter';
  if (d.totalM3 === undefined) return 'ingest.no_volume';
  return null;
}

/** The quarantine reason and message of a decoded telegram, or null when it becomes a reading candidate. */
function quarantineOf(d: DecodedItem, module: ModuleMatch | undefined): { code: string; message: string } | null {
  const code = quarantineReason(d, module);
  if (code === null) return null;
  return { code, message: (code === d.error?.code ? d.error.message : QUARANTINE_MESSAGES[code]) ?? code };
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

/**
 * The last telegram of each meter within one import: a receiver hears one
 * transmission several times (walking past, two antennas), and only the
 * first reception is kept. Bounded by the number of meters, not telegrams,
 * and it keeps two 32-bit hashes of each meter's last telegram rather than
 * the telegram: a string kept per telegram would outlive the young
 * generation a million times over.
 */
export class RepeatFilter {
  private readonly slots = new Map<string, number>();
  private hashes = new Int32Array(2048);

  /** True when the bytes are the same as the previous telegram of this identity. */
  repeated(identity: string, bytes: Uint8Array): boolean {
    // FNV-1a and a second multiplicative hash over the bytes, with the length folded in.
    let a = 0x811c9dc5 ^ bytes.length;
    let b = 0x9e3779b9 ^ bytes.length;
    for (let i = 0; i < bytes.length; i++) {
      a = Math.imul(a ^ bytes[i], 0x01000193);
      b = Math.imul(b + bytes[i], 0x85ebca6b) ^ (b >>> 13);
    }
    let slot = this.slots.get(identity);
    if (slot === undefined) {
      slot = this.slots.size;
      this.slots.set(identity, slot);
      if (slot * 2 + 2 > this.hashes.length) {
        const grown = new Int32Array(this.hashes.length * 2);
        grown.set(this.hashes);
        this.hashes = grown;
      }
    } else if (this.hashes[slot * 2] === a && this.hashes[slot * 2 + 1] === b) return true;
    this.hashes[slot * 2] = a;
    this.hashes[slot * 2 + 1] = b;
    return false;
  }
}

/** Formats epoch ms as ISO text, caching the recent ones (a file's telegrams share receive and clock times). */
export class IsoCache {
  private readonly map = new Map<number, string>();
  get(ms: number): string {
    let s = this.map.get(ms);
    if (s === undefined) {
      if (this.map.size > 4096) this.map.clear();
      s = new Date(ms).toISOString();
      this.map.set(ms, s);
    }
    return s;
  }
}

/** What TelegramBatchBuilder.add made of a telegram. */
export type Outcome = 'repeat' | 'candidate' | { code: string; message: string };
const REPEAT: Outcome = 'repeat';
const CANDIDATE: Outcome = 'candidate';

export class TelegramBatchBuilder {
  private readonly log: CopyBuffer;
  private readonly unidentified = new Set<string>();
  private received = 0;
  private repeatedCount = 0;
  private readonly quarantine: QuarantineRows = { sha256: [], hex: [], receivedAt: [], reason: [], message: [], manufacturer: [], radioId: [] };
  private cand = 0;
  private candMeter: Float64Array;
  private candAt: Float64Array;
  private candValue: Float64Array;
  private candAlarms: Uint8Array;
  private candClock: Uint8Array;
  private readonly iso = new IsoCache();
  // Meter clock texts repeat across a file's telegrams: parse each once.
  private readonly clockCache = new Map<string, number | null>();
  private readonly head: Uint8Array;
  private readonly middle: Uint8Array;

  constructor(
    reception: Reception,
    private readonly lookup: LookupModule,
    private readonly repeats: RepeatFilter,
    capacity = 1024,
    /** The server's time, for refusing receive times in the future. */
    private readonly now = Date.now(),
  ) {
    this.candMeter = new Float64Array(capacity);
    this.candAt = new Float64Array(capacity);
    this.candValue = new Float64Array(capacity);
    this.candAlarms = new Uint8Array(capacity);
    this.candClock = new Uint8Array(capacity);
    this.log = new CopyBuffer(capacity * 200);
    // The columns every row of the batch shares, formatted once.
    this.head = Buffer.from(`${reception.utilityId}\t\\\\x`, 'latin1');
    this.middle = Buffer.from(`${reception.source}\t${copyValue(reception.detail)}\t${copyValue(reception.uploadId)}\t`, 'latin1');
  }

  private readTime(meterDatetime: string | undefined, receivedAt: number): number | null {
    if (!meterDatetime) return null;
    let t = this.clockCache.get(meterDatetime);
    if (t === undefined) {
      if (this.clockCache.size > 4096) this.clockCache.clear();
      const d = parseTimestamp(meterDatetime);
      t = d && d.getUTCFullYear() >= 2000 ? d.getTime() : null;
      this.clockCache.set(meterDatetime, t);
    }
    return t === null || t > receivedAt + CLOCK_SLACK_MS ? null : t;
  }

  private grow(): void {
    const n = this.candMeter.length * 2;
    const f = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const u = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.candMeter = f(this.candMeter);
    this.candAt = f(this.candAt);
    this.candValue = f(this.candValue);
    this.candAlarms = u(this.candAlarms);
    this.candClock = u(this.candClock);
  }

  /**
   * One telegram: its bytes and the same as upper-case hex, receive time (epoch ms), RSSI, and what decoding found.
   * Returns what became of it: heard again (dropped), a reading candidate, or a quarantine entry with its reason.
   */
  add(hex: string, bytes: Uint8Array, receivedAt: number, rssi: number | null | undefined, d: DecodedItem): Outcome {
    this.received++;
    const identity = d.manufacturer && d.radioId ? `${d.manufacturer}:${d.radioId}` : null;
    if (identity ? this.repeats.repeated(identity, bytes) : this.unidentified.has(hex)) {
      this.repeatedCount++;
      return REPEAT;
    }
    if (!identity) this.unidentified.add(hex);
    const module = identity ? this.lookup(d.manufacturer!, d.radioId!) : undefined;
    let reason = quarantineOf(d, module);
    let readAt = 0;
    let clock: number | null = null;
    // A receive time in the future is refused (and logged at the server's time), whatever else is wrong with the telegram.
    const future = timeRefusal(receivedAt, this.now, null);
    if (future) {
      reason = { code: TIME_OUT_OF_RANGE, message: `receive ${future}` };
      receivedAt = this.now;
    } else if (!reason) {
      clock = this.readTime(d.meterDatetime, receivedAt);
      readAt = clock ?? receivedAt;
      const early = timeRefusal(readAt, this.now, module?.installedFrom);
      if (early) reason = { code: TIME_OUT_OF_RANGE, message: early };
    }
    const meterId = module?.meterId ?? null;
    if (reason) {
      const q = this.quarantine;
      q.sha256.push(hash('sha256', bytes, 'hex'));
      q.hex.push(hex);
      q.receivedAt.push(this.iso.get(receivedAt));
      q.reason.push(reason.code);
      q.message.push(reason.message);
      q.manufacturer.push(d.manufacturer ?? null);
      q.radioId.push(d.radioId ?? null);
    } else {
      if (this.cand === this.candMeter.length) this.grow();
      const c = this.cand++;
      this.candMeter[c] = meterId!;
      this.candAt[c] = readAt;
      this.candClock[c] = clock === null ? 0 : 1;
      this.candValue[c] = d.totalM3!;
      this.candAlarms[c] = d.alarms.length ? alarmBits(d.alarms) : 0;
    }
    const log = this.log;
    log.raw(this.head).ascii(hex).timestamp(receivedAt).raw(this.middle);
    if (rssi === null || rssi === undefined) log.nul();
    else log.signed(rssi);
    if (d.manufacturer) log.ascii(copyValue(d.manufacturer));
    else log.nul();
    if (d.radioId) log.ascii(copyValue(d.radioId));
    else log.nul();
    if (meterId === null) log.nul(10);
    else log.int(meterId, 10);
    log.rows++;
    return reason ?? CANDIDATE;
  }

  finish(): TelegramBatch {
    const c = this.cand;
    return {
      received: this.received,
      repeated: this.repeatedCount,
      logged: this.log.rows,
      log: this.log.take(),
      quarantine: this.quarantine,
      cand: c,
      candMeter: this.candMeter.slice(0, c),
      candAt: this.candAt.slice(0, c),
      candValue: this.candValue.slice(0, c),
      candAlarms: this.candAlarms.slice(0, c),
      candClock: this.candClock.slice(0, c),
    };
  }
}

/** The transferable buffers of a batch (for postMessage). */
export const transferables = (b: TelegramBatch): ArrayBuffer[] =>
  [b.log, b.candMeter, b.candAt, b.candValue, b.candAlarms, b.candClock].map((a) => a.buffer as ArrayBuffer);

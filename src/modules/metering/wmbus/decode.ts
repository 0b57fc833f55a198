/**
 * The decoding pipeline: link layer → ELL → AFL → TPL → decryption → data
 * records → generic values → manufacturer drivers. Pure: bytes and keys in,
 * a typed result out. Every failure becomes a FailedTelegram; nothing throws.
 */
import type { Driver, DriverContext, DriverResult, MeterFlags, MeterIdentity, MeterValues } from './driver-api.ts';
import { parseAfl, type Afl } from './afl.ts';
import { expandCompact, formatSignature } from './compact.ts';
import { knownFormats } from './compact-formats.ts';
import { ellCrcOk, ellIv, isEllCi, parseEll } from './ell.ts';
import { fail, WmbusError } from './errors.ts';
import { parseHex } from './hex.ts';
import { parseFrame, type Frame } from './link-layer.ts';
import { mediaName } from './media.ts';
import { parseRecords, type RecordsResult } from './records.ts';
import type { DecodeResult, DecodedTelegram, FailedTelegram } from './result.ts';
import { aesCtr } from './security.ts';
import { decryptDes, decryptMode5, decryptMode7, is2F2F } from './decrypt.ts';
import { DecoderState, type MeterState } from './state.ts';
import { addressBytes, parseTpl } from './tpl.ts';
import { recordsToValues, statusText, tplStatusFlags } from './values.ts';

/** A key as 32 hex digits (16 for DES) or bytes. */
export type KeyInput = Uint8Array | string | null | undefined;

export { DecoderState };

export interface DecoderOptions {
  /** The key of a meter, looked up by its printed id (8 characters) and manufacturer code. */
  keyFor?: (id: string, manufacturer: string) => KeyInput;
  /** Drivers to run (default: the registered ones). */
  drivers?: Driver[];
}

const keyCache = new Map<string, Uint8Array | null>();

/** Parses a key given as hex (cached: the same few thousand keys come back all day). */
export function toKey(k: KeyInput): Uint8Array | null {
  if (k === null || k === undefined || k === '') return null;
  if (typeof k !== 'string') return k.length === 16 || k.length === 8 ? k : null;
  let v = keyCache.get(k);
  if (v === undefined) {
    try {
      v = parseHex(k);
      if (v.length !== 16 && v.length !== 8) v = null;
    } catch {
      v = null;
    }
    if (keyCache.size > 100_000) keyCache.clear();
    keyCache.set(k, v);
  }
  return v;
}

interface Work {
  identity: MeterIdentity | null;
  key: Uint8Array | null;
  keyLookedUpFor: string;
  /** manufacturer + id of `whoOf`: built once per identity object, it is both the key lookup's and the meter state's map key. */
  who: string;
  whoOf: MeterIdentity | null;
}

export function decodeBytes(bytes: Uint8Array, keyFor: (id: string, m: string) => KeyInput, state: DecoderState | null, driverList: Driver[]): DecodeResult {
  // A Node Buffer (or other subclass) is read through a plain view of the same
  // memory: Buffer#subarray constructs a FastBuffer, several per telegram, and
  // Buffer#slice would alias where callers of records' data expect a copy.
  if (bytes.constructor !== Uint8Array) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  let frame: Frame;
  try {
    frame = parseFrame(bytes);
  } catch (e) {
    return failure(asWmbusError(e), null);
  }
  const first = decodeFrame(frame, keyFor, state, driverList);
  if (!frame.withoutCrc || (!first.error && !first.warnings)) return first;
  // Read as format B it did not decode cleanly: the "CRC" may be a chance match in a frame without CRCs.
  const second = decodeFrame(frame.withoutCrc, keyFor, state, driverList);
  if (!second.error && !second.warnings) return second;
  return !first.error ? first : !second.error ? second : first;
}

function decodeFrame(frame: Frame, keyFor: (id: string, m: string) => KeyInput, state: DecoderState | null, driverList: Driver[]): DecodeResult {
  const work: Work = { identity: null, key: null, keyLookedUpFor: '', who: '', whoOf: null };
  try {
    return pipeline(frame, keyFor, state, driverList, work);
  } catch (e) {
    return failure(asWmbusError(e), work.identity);
  }
}

function asWmbusError(e: unknown): WmbusError {
  return e instanceof WmbusError ? e : new WmbusError('wmbus.malformed', `undecodable telegram (${(e as Error)?.message ?? String(e)})`);
}

function failure(err: WmbusError, identity: MeterIdentity | null): FailedTelegram {
  const out: FailedTelegram = { error: { code: err.code, message: err.message, messagePl: err.messagePl } };
  if (identity) {
    out.identity = identity;
    out.media = mediaName(identity.deviceType);
  }
  return out;
}

/** manufacturer + id of the current identity ('' without one). */
function whoOf(work: Work): string {
  const identity = work.identity;
  if (identity !== work.whoOf) {
    work.whoOf = identity;
    work.who = identity ? identity.manufacturer + identity.id : '';
  }
  return work.who;
}

function lookupKey(work: Work, keyFor: (id: string, m: string) => KeyInput): Uint8Array | null {
  const who = whoOf(work);
  if (who !== work.keyLookedUpFor) {
    work.keyLookedUpFor = who;
    work.key = work.identity ? toKey(keyFor(work.identity.id, work.identity.manufacturer)) : null;
  }
  return work.key;
}

function pipeline(frame: Frame, keyFor: (id: string, m: string) => KeyInput, state: DecoderState | null, driverList: Driver[], work: Work): DecodeResult {
  work.identity = frame.identity;
  let buf = frame.raw;
  const end = frame.end;
  let o = frame.ciOffset;
  if (o >= end) fail('wmbus.truncated', 'telegram ends before its CI field');

  // Extended link layer, with its own AES-CTR encryption.
  if (isEllCi(buf[o])) {
    const ell = parseEll(buf, o, end);
    if (ell.encryption === 1 && ell.crcOffset !== undefined && !ellCrcOk(buf, ell.crcOffset, end)) {
      const key = lookupKey(work, keyFor);
      if (!key || key.length !== 16) fail('wmbus.no_key', 'telegram is encrypted (ELL AES-CTR) and no key is known for the meter');
      const iv = ellIv(buf, frame.addressOffset, ell, ell.crcOffset - 4);
      const plain = aesCtr(key, iv, buf.subarray(ell.crcOffset, end));
      const copy = new Uint8Array(buf); // a copy: the caller's bytes (maybe a Buffer) stay untouched
      copy.set(plain, ell.crcOffset);
      if (!ellCrcOk(copy, ell.crcOffset, end)) fail('wmbus.wrong_key', 'ELL payload CRC does not match after decryption: wrong key');
      buf = copy;
    } else if (ell.encryption > 1) {
      fail('wmbus.no_key', `ELL encryption ${ell.encryption} is not supported`);
    }
    o = ell.crcOffset !== undefined ? ell.crcOffset + 2 : ell.next;
    if (o >= end) return emptyTelegram(frame.c, buf[frame.ciOffset], work.identity);
  }

  // Authentication and fragmentation layer.
  let afl: Afl | undefined;
  if (buf[o] === 0x90) {
    afl = parseAfl(buf, o, end);
    o = afl.next;
    if (o >= end) fail('wmbus.truncated', 'telegram ends after its AFL header');
  }

  const tpl = parseTpl(buf, o, end);
  if (tpl.identity) work.identity = tpl.identity;
  const identity = work.identity;
  if (!identity) fail('wmbus.malformed', 'wired M-Bus frame without a long TPL header has no meter identity');
  const meter = state ? state.meterNamed(whoOf(work)) : null;

  let payload = buf.subarray(tpl.dataOffset, end);
  let encrypted = false;
  // Only the encrypted modes need the address (a security mode comes only with a short or long header).
  const address = tpl.mode !== 0 && (tpl.header === 'short' || tpl.header === 'long') ? addressBytes(buf, tpl, frame.addressOffset) : null;
  switch (tpl.mode) {
    case 0:
      break;
    case 5: {
      const key = lookupKey(work, keyFor);
      const ciphers = meter && key && key.length === 16 ? state!.ciphers(meter, key) : null;
      payload = decryptMode5(payload, tpl, address!, key, { identity, c: frame.c, ci: tpl.ci, tplConfig: tpl.cfg, raw: buf, ciOffset: o }, ciphers);
      break;
    }
    case 7:
      payload = decryptMode7(payload, tpl, address!, afl, lookupKey(work, keyFor));
      break;
    case 2:
    case 3:
      payload = decryptDes(payload, tpl, address!, lookupKey(work, keyFor));
      break;
    default:
      // Modes 16–31 are manufacturer-specific (drivers may read them); others are not supported.
      encrypted = true;
  }

  // Data records (standard and compact frames).
  let parsed: RecordsResult | null = null;
  let recordPayload = payload;
  if (!encrypted && tpl.header !== 'mfct' && !tpl.format) {
    if (tpl.compact) {
      // After decryption the 2F2F check bytes come before the format signature.
      const compactPayload = tpl.mode !== 0 && is2F2F(payload) ? payload.subarray(2) : payload;
      const expanded = expandCompactPayload(compactPayload, state, meter, driverList);
      if (expanded) {
        recordPayload = expanded;
        parsed = parseRecords(expanded);
      }
    } else {
      parsed = parseRecords(payload);
      if (meter && state && !parsed.error && parsed.records.length > 0) state.rememberFull(meter, payload, parsed.records);
    }
  }
  if (!parsed) parsed = { records: [] };

  const generic = recordsToValues(parsed.records);
  const key = lookupKey(work, keyFor);
  const ctx: DriverContext = {
    identity,
    c: frame.c,
    ci: tpl.ci,
    tplStatus: tpl.sts,
    ciOffset: o,
    payload,
    encrypted,
    records: parsed.records,
    mfctData: parsed.mfctData,
    raw: buf,
    accessNumber: tpl.acc,
    securityMode: tpl.mode,
    tplConfig: tpl.cfg,
    recordPayload,
    memory: meter ? meter.memory : {},
    key: key || undefined,
  };

  const values: MeterValues = generic.values;
  const flags: MeterFlags = generic.flags;
  let finalIdentity = identity;
  let media = mediaName(identity.deviceType);
  const used: string[] = [];
  for (const d of driversFor(driverList, identity.manufacturer)) {
    let r: DriverResult;
    try {
      if (!d.match(ctx)) continue;
      r = d.decode(ctx);
    } catch (e) {
      if (e instanceof WmbusError) throw e;
      throw new WmbusError('wmbus.malformed', `driver ${d.name} could not read the payload (${(e as Error)?.message ?? String(e)})`);
    }
    used.push(d.name);
    if (r.values) for (const [k, v] of Object.entries(r.values)) if (v !== undefined) values[k] = v;
    if (r.flags) for (const [k, v] of Object.entries(r.flags)) if (v !== undefined) (flags as Record<string, boolean>)[k] = v;
    if (r.identity) finalIdentity = Object.assign({}, finalIdentity, r.identity);
    if (r.media) media = r.media;
  }
  work.identity = finalIdentity;

  let hasValues = false;
  for (const k in values) if (values[k] !== undefined) hasValues = true;
  // Broken records after readable ones: keep what was read (wmbusmeters does too), say so.
  if (parsed.error && !hasValues) throw parsed.error;
  if (encrypted && !hasValues) fail('wmbus.no_key', `security mode ${tpl.mode} is not supported, the payload stays encrypted`);

  const tokens: string[] = [];
  tplStatusFlags(tpl.sts, flags, tokens);
  // A driver that knows the meter's status words says it best (wmbusmeters' wording).
  const status = typeof values.status === 'string' && values.status !== '' ? values.status : statusText(flags, tokens);
  const result: DecodedTelegram = {
    identity: finalIdentity,
    media,
    c: frame.c,
    ci: tpl.ci,
    securityMode: tpl.mode,
    values,
    flags,
    status,
    records: parsed.records,
    drivers: used,
    encrypted,
  };
  if (frame.extraBytes > 0 || parsed.error) {
    result.warnings = [];
    if (frame.extraBytes > 0) result.warnings.push(`wmbus.length: ${frame.extraBytes} byte(s) after the end the L field gives were left out`);
    if (parsed.error) result.warnings.push(`${parsed.error.code}: ${parsed.error.message}`);
  }
  if (tpl.acc !== undefined) result.accessNumber = tpl.acc;
  if (tpl.sts !== undefined) result.tplStatus = tpl.sts;
  return result;
}

/** Per driver list: manufacturer code → the drivers that may match its telegrams, in list order. */
const candidates = new WeakMap<Driver[], Map<string, Driver[]>>();

/** The drivers of the list whose match() can be true for the manufacturer (see Driver.manufacturers). */
function driversFor(list: Driver[], manufacturer: string): Driver[] {
  let byCode = candidates.get(list);
  if (!byCode) {
    byCode = new Map();
    candidates.set(list, byCode);
  }
  let out = byCode.get(manufacturer);
  if (!out) {
    if (byCode.size >= 1024) byCode.clear();
    out = list.filter((d) => !d.manufacturers || d.manufacturers.includes(manufacturer));
    byCode.set(manufacturer, out);
  }
  return out;
}

function emptyTelegram(c: number, ci: number, identity: MeterIdentity | null): DecodeResult {
  if (!identity) fail('wmbus.malformed', 'telegram without identity');
  return { identity, media: mediaName(identity.deviceType), c, ci, securityMode: 0, values: {}, flags: {}, status: 'OK', records: [], drivers: [], encrypted: false };
}

/** A compact frame's payload: signature(2) CRC(2) data → records, when the format is known. */
function expandCompactPayload(payload: Uint8Array, state: DecoderState | null, meter: MeterState | null, driverList: Driver[]): Uint8Array | null {
  if (payload.length < 4) fail('wmbus.truncated', 'compact frame without format signature');
  const signature = payload[0] | (payload[1] << 8);
  let difvif = state?.format(signature, meter) ?? knownFormats.get(signature);
  if (!difvif) {
    for (const d of driverList) {
      const f = d.compactFormats?.find((x) => x.signature === signature);
      if (f) {
        const declared = parseHex(f.difvif);
        // Only a declaration whose bytes have this very signature can describe the frame.
        if (formatSignature(declared) === signature) {
          difvif = declared;
          break;
        }
      }
    }
  }
  return difvif ? expandCompact(difvif, payload.subarray(4)) : null;
}

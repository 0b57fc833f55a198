/**
 * Wireless M-Bus decoder (EN 13757-3/-4/-7, OMS): a pure library, no I/O.
 *
 *   decodeTelegram(hexOrBytes, { key })        one telegram, no memory
 *   createDecoder({ keyFor(id, manufacturer) }) a decoder that remembers
 *       compact-frame formats and per-meter driver state between telegrams
 *
 * Both return a DecodeResult: a DecodedTelegram (identity, media, values such
 * as total_m3 / target_m3 / target_date, flags, status, the raw records), or a
 * FailedTelegram `{ error: { code, message, messagePl }, identity? }`.
 *
 * Error codes (stable; ingestion stores them as quarantine reasons):
 *   wmbus.hex         the text is not hex
 *   wmbus.truncated   the telegram ends before its L field, a header or the encrypted blocks say
 *   wmbus.length      an impossible L field. (Bytes after the L field's end, e.g. an RSSI byte a
 *                     receiver appends, are left out and reported in `warnings` instead.)
 *   wmbus.crc         a DLL CRC (format A) or the wired frame's checksum does not match
 *   wmbus.unknown_ci  a CI field the decoder does not know
 *   wmbus.no_key      encrypted and no key for the meter (identity is still given), or an unsupported security mode
 *   wmbus.wrong_key   a key was given but decryption did not give 2F2F / a valid ELL CRC
 *   wmbus.malformed   broken data records before any value could be read (after values were
 *                     read: a warning), a broken AFL, or a payload a driver recognises but cannot read
 */
import type { Driver } from './driver-api.ts';
import { decodeBytes, DecoderState, type DecoderOptions, type KeyInput } from './decode.ts';
import { drivers } from './drivers/index.ts';
import { WmbusError } from './errors.ts';
import { parseHex } from './hex.ts';
import type { DecodeResult } from './result.ts';

export type { DecodeResult, DecodedTelegram, FailedTelegram } from './result.ts';
export type { DataRecord, MeterFlags, MeterIdentity, MeterValues } from './driver-api.ts';
export type { DecoderOptions, KeyInput } from './decode.ts';
export { WmbusError, type WmbusErrorCode } from './errors.ts';
export { isWaterMeter, mediaName } from './media.ts';
export { toJson } from './json.ts';

export interface Decoder {
  decode(telegram: Uint8Array | string): DecodeResult;
}

function bytesOf(telegram: Uint8Array | string): Uint8Array | DecodeResult {
  if (typeof telegram !== 'string') return telegram;
  try {
    return parseHex(telegram);
  } catch (e) {
    const err = e as WmbusError;
    return { error: { code: err.code, message: err.message, messagePl: err.messagePl } };
  }
}

const noKey = () => null;

/** Decodes one telegram (hex text or bytes from the L field). */
export function decodeTelegram(telegram: Uint8Array | string, opts: { key?: KeyInput; drivers?: Driver[] } = {}): DecodeResult {
  const bytes = bytesOf(telegram);
  if (!(bytes instanceof Uint8Array)) return bytes;
  return decodeBytes(bytes, opts.key === undefined || opts.key === null ? noKey : () => opts.key, null, opts.drivers ?? drivers);
}

/** A decoder with memory between telegrams; keys are looked up per meter. */
export function createDecoder(opts: DecoderOptions = {}): Decoder {
  const state = new DecoderState();
  const keyFor = opts.keyFor ?? (() => null);
  const list = opts.drivers ?? drivers;
  return {
    decode(telegram) {
      const bytes = bytesOf(telegram);
      if (!(bytes instanceof Uint8Array)) return bytes;
      return decodeBytes(bytes, keyFor, state, list);
    },
  };
}

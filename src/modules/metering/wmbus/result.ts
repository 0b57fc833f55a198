/** What the decoder returns for one telegram. */
import type { DataRecord, MeterFlags, MeterIdentity, MeterValues } from './driver-api.ts';
import type { WmbusErrorCode } from './errors.ts';

export interface DecodedTelegram {
  error?: undefined;
  identity: MeterIdentity;
  /** 'water', 'warm water', 'cold water' … from the device type or a driver. */
  media: string;
  /** DLL C field and the CI field of the transport layer (after ELL/AFL). */
  c: number;
  ci: number;
  /** TPL security mode (0 none, 5 AES-CBC, 7 AES-CBC with KDF …). */
  securityMode: number;
  /** TPL access number, when the header has one (dedupe helper). */
  accessNumber?: number;
  /** TPL status byte, when present. */
  tplStatus?: number;
  values: MeterValues;
  flags: MeterFlags;
  /** 'OK' or the set status/alarm tokens, e.g. 'LEAK POWER_LOW'. */
  status: string;
  /** The standard records; their `data` are views into the telegram's bytes (copy them to keep them past the input). */
  records: DataRecord[];
  /** Names of the drivers that contributed. */
  drivers: string[];
  /** True when (part of) the payload stayed encrypted, so values may be missing. */
  encrypted: boolean;
  /**
   * What was wrong but did not stop decoding, as `code: message`: bytes after
   * the L field's end (`wmbus.length`), records that broke off after values
   * were read (`wmbus.malformed`).
   */
  warnings?: string[];
}

export interface FailedTelegram {
  error: { code: WmbusErrorCode; message: string; messagePl: string };
  /** The identity when the header could be read. */
  identity?: MeterIdentity;
  media?: string;
}

export type DecodeResult = DecodedTelegram | FailedTelegram;

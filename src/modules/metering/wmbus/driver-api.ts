/**
 * The contract between the generic wM-Bus pipeline (frame → ELL → AFL → TPL →
 * decryption → DIF/VIF records) and the manufacturer-specific drivers.
 *
 * The pipeline builds a DriverContext for every telegram; each driver whose
 * `match` says yes gets to add or override values. Everything here is pure:
 * bytes in, values out, no I/O.
 */

/** One standard data record (DIF/DIFE/VIF/VIFE) of the application layer. */
export interface DataRecord {
  /** Offset of the DIF byte inside ctx.recordPayload (= ctx.payload except for compact frames). */
  offset: number;
  /** Raw DIF, DIFEs, VIF, VIFEs as read. */
  dif: number;
  dife: number[];
  vif: number;
  vife: number[];
  /** 0 instantaneous, 1 maximum, 2 minimum, 3 value during error state. */
  function: 0 | 1 | 2 | 3;
  storage: number;
  tariff: number;
  subunit: number;
  /** What the VIF says, e.g. 'volume', 'date', 'datetime', 'flow', 'on_time', 'error_flags', 'fabrication_no', 'mfct'. */
  quantity: string;
  /** Unit of `value` after the VIF's scaling: 'm3', 'm3/h', 'C', 's', 'date', 'datetime', '' ... */
  unit: string;
  /** The decoded value already scaled by the VIF exponent (m3 for volumes); string for dates (ISO) and text. */
  value: number | string | null;
  /** The raw data bytes of the record. */
  data: Uint8Array;
}

/** Link-layer identity (or the TPL long header's identity for CI 0x72 and friends). */
export interface MeterIdentity {
  /** Three-letter manufacturer code, e.g. 'APA', 'DME', 'KAM'. */
  manufacturer: string;
  /** The 2-byte manufacturer code as a number. */
  mfctCode: number;
  /** The meter id as printed on it: 8 characters (BCD digits, lower-case hex if not BCD). */
  id: string;
  version: number;
  /** Device type (EN 13757-7 table): 0x07 water, 0x06 warm water, 0x16 cold water, 0x15 hot water ... */
  deviceType: number;
}

/** What a decoded telegram reports. Units are in the name, like wmbusmeters' JSON. */
export interface MeterValues {
  total_m3?: number;
  target_m3?: number;
  /** ISO date YYYY-MM-DD of the target (billing-date) value. */
  target_date?: string;
  /** Meter's own clock, ISO 'YYYY-MM-DD HH:MM' where the telegram carries one. */
  meter_datetime?: string;
  flow_m3h?: number;
  max_flow_m3h?: number;
  min_flow_m3h?: number;
  backflow_m3?: number;
  flow_temperature_c?: number;
  external_temperature_c?: number;
  /** Further numeric or text values a driver finds (e.g. monthly history 'consumption_at_history_1_m3'). */
  [extra: string]: number | string | boolean | undefined;
}

/** Alarm and status flags in a water meter's telegram. */
export interface MeterFlags {
  leak?: boolean;
  burst?: boolean;
  backflow?: boolean;
  dry?: boolean;
  tamper?: boolean;
  removal?: boolean;
  lowBattery?: boolean;
  /** Any other error bit set by the meter (permanent or temporary error in the TPL status). */
  error?: boolean;
}

export interface DriverContext {
  /** Link-layer identity (DLL), or the TPL long header's when one is present. */
  identity: MeterIdentity;
  /** The DLL C field. */
  c: number;
  /** The CI field of the transport/application layer (after ELL and AFL), e.g. 0x7a, 0x72, 0xa0. */
  ci: number;
  /** TPL status byte when the header has one. */
  tplStatus?: number;
  /**
   * Offset of the CI byte (the one in `ci`) inside `raw`. Optional: drivers fall back to
   * offset 10 (a plain DLL header) when raw[10] === ci. Drivers of proprietary formats read
   * the TPL access number and configuration word from raw relative to it.
   */
  ciOffset?: number;
  /** Bytes after the TPL header, decrypted where a key was available (leading 2F2F kept). For manufacturer CIs (0xA0–0xB7): all bytes after the CI. */
  payload: Uint8Array;
  /** True when payload is still ciphertext (no key or unknown security mode). */
  encrypted: boolean;
  /** The standard records parsed from payload (empty when the payload is proprietary or encrypted). */
  records: DataRecord[];
  /** Bytes after a 0x0F or 0x1F DIF (manufacturer-specific data), if any. */
  mfctData?: Uint8Array;
  /** The meter's AES key when the caller knows it (some proprietary formats need it). */
  key?: Uint8Array;
  /** The whole telegram from the L field, DLL CRCs removed (ELL part decrypted when it was encrypted). */
  raw: Uint8Array;
  /** TPL access number (ACC) when the header has one. */
  accessNumber?: number;
  /** TPL security mode from the configuration field (0 none, 5, 7, 16–31 manufacturer-specific …). */
  securityMode?: number;
  /** TPL configuration field (16 bits) when the header has one. */
  tplConfig?: number;
  /** The bytes `records` were read from: `payload`, or for a compact frame the payload rebuilt with its DIF/VIFs. */
  recordPayload?: Uint8Array;
  /**
   * Scratch memory for this meter (manufacturer + id) kept by a decoder made
   * with createDecoder() between telegrams, for meters whose telegrams only
   * make sense with earlier ones. A fresh object for one-off decodes.
   */
  memory?: Record<string, unknown>;
}

export interface DriverResult {
  values?: MeterValues;
  flags?: MeterFlags;
  /** Overrides of the identity (e.g. Diehl frames whose printed id differs). */
  identity?: Partial<MeterIdentity>;
  /** 'water' | 'warm water' | 'hot water' | 'cold water' | 'heat' ... when the driver knows better than the device type. */
  media?: string;
}

export interface Driver {
  /** Name of the meter family, e.g. 'apator162', 'izar', 'kamwater'. */
  name: string;
  match(ctx: DriverContext): boolean;
  /**
   * The manufacturer codes (identity.manufacturer) for which match() can be
   * true: for any other it must return false. Optional; a driver that
   * declares them is not asked about other manufacturers' telegrams, which
   * spares most of the match() calls per telegram.
   */
  manufacturers?: readonly string[];
  /** Returns what it adds; throws a WmbusError for a payload it recognises but cannot read. */
  decode(ctx: DriverContext): DriverResult;
  /**
   * Compact-frame formats (CI 0x79/0x7B/0x73) this meter family sends without
   * a prior full frame: the format signature (as the 16-bit little-endian
   * number after the CI) and the DIF/VIF sequence in hex it stands for. The
   * pipeline then reads such frames into `records` itself.
   */
  compactFormats?: { signature: number; difvif: string }[];
}

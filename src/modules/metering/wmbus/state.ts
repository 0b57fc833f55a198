/** What a decoder made with createDecoder() remembers between telegrams. */
import type { DataRecord, MeterIdentity } from './driver-api.ts';
import { difVifSequence, formatSignature } from './compact.ts';
import { aesKey, type AesKey } from './security.ts';

/** What a decoder remembers about one meter. */
export interface MeterState {
  /** Scratch memory the drivers keep (DriverContext.memory). */
  memory: Record<string, unknown>;
  /** The DIF/VIF list of the meter's last full frame: the format a later compact frame may refer to. */
  difvif?: Uint8Array;
  /** The last key the meter's telegrams were decrypted with and its ciphers (aesKey), kept here to skip the lookup by key. */
  aesOf?: Uint8Array;
  aes?: AesKey;
}

/** What a decoder remembers between telegrams. */
export class DecoderState {
  /** Compact-frame formats learnt from full frames: signature → DIF/VIF bytes. */
  readonly formats = new Map<number, Uint8Array>();
  readonly meters = new Map<string, MeterState>();
  private static readonly LIMIT = 100_000;

  meter(identity: MeterIdentity): MeterState {
    return this.meterNamed(identity.manufacturer + identity.id);
  }

  /** The state of the meter whose manufacturer + id is k. */
  meterNamed(k: string): MeterState {
    let m = this.meters.get(k);
    if (!m) {
      if (this.meters.size >= DecoderState.LIMIT) this.meters.clear();
      // Every field from the start: one object shape, no property array added later.
      m = { memory: {}, difvif: undefined, aesOf: undefined, aes: undefined };
      this.meters.set(k, m);
    }
    return m;
  }

  /**
   * Remembers the DIF/VIF list of a meter's full frame. Only the header bytes
   * are kept, and the array already kept is reused while the meter's format
   * does not change: with tens of thousands of meters, keeping each telegram's
   * records until that meter's next telegram made them all outlive the young
   * generation, and garbage collection cost more than decoding.
   */
  rememberFull(meter: MeterState, payload: Uint8Array, records: DataRecord[]): void {
    const old = meter.difvif;
    if (old && sameHeaders(old, payload, records)) return;
    meter.difvif = difVifSequence(payload, records);
  }

  /** The ciphers of the meter's AES key (key is what keyFor gave for the meter). */
  ciphers(meter: MeterState, key: Uint8Array): AesKey {
    if (meter.aesOf !== key || !meter.aes) {
      meter.aes = aesKey(key);
      meter.aesOf = key;
    }
    return meter.aes;
  }

  /** The DIF/VIF list for a signature: known already, or the one of this meter's last full frame. */
  format(signature: number, meter: MeterState | null): Uint8Array | undefined {
    let f = this.formats.get(signature);
    if (!f && meter?.difvif) {
      const difvif = meter.difvif;
      const sig = formatSignature(difvif);
      if (this.formats.size >= DecoderState.LIMIT) this.formats.clear();
      this.formats.set(sig, difvif);
      if (sig === signature) f = difvif;
    }
    return f;
  }
}

/** Whether the header bytes of the records equal the kept DIF/VIF list (one pass, no allocation). */
function sameHeaders(kept: Uint8Array, payload: Uint8Array, records: DataRecord[]): boolean {
  const base = payload.byteOffset;
  const n = kept.length;
  let w = 0;
  for (let k = 0; k < records.length; k++) {
    const r = records[k];
    const headerEnd = r.data.byteOffset - base;
    for (let i = r.offset; i < headerEnd; i++) {
      if (w === n || payload[i] !== kept[w]) return false;
      w++;
    }
  }
  return w === n;
}

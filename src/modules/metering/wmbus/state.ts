/** What a decoder made with createDecoder() remembers between telegrams. */
import type { DataRecord, MeterIdentity } from './driver-api.ts';
import { difVifSequence, formatSignature } from './compact.ts';

/** What a decoder remembers about one meter. */
export interface MeterState {
  /** Scratch memory the drivers keep (DriverContext.memory). */
  memory: Record<string, unknown>;
  /** The meter's last full frame; its DIF/VIF list is the format a later compact frame may refer to. */
  full?: { payload: Uint8Array; records: DataRecord[] };
}

/** What a decoder remembers between telegrams. */
export class DecoderState {
  /** Compact-frame formats learnt from full frames: signature → DIF/VIF bytes. */
  readonly formats = new Map<number, Uint8Array>();
  readonly meters = new Map<string, MeterState>();
  private static readonly LIMIT = 100_000;

  meter(identity: MeterIdentity): MeterState {
    const k = identity.manufacturer + identity.id;
    let m = this.meters.get(k);
    if (!m) {
      if (this.meters.size >= DecoderState.LIMIT) this.meters.clear();
      m = { memory: {} };
      this.meters.set(k, m);
    }
    return m;
  }

  /** The DIF/VIF list for a signature: known already, or the one of this meter's last full frame. */
  format(signature: number, meter: MeterState | null): Uint8Array | undefined {
    let f = this.formats.get(signature);
    if (!f && meter?.full) {
      // Computed only when a compact frame needs it, so full frames cost nothing extra.
      const difvif = difVifSequence(meter.full.payload, meter.full.records);
      const sig = formatSignature(difvif);
      if (this.formats.size >= DecoderState.LIMIT) this.formats.clear();
      this.formats.set(sig, difvif);
      if (sig === signature) f = difvif;
    }
    return f;
  }
}

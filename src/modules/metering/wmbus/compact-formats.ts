/**
 * Compact-frame formats that meters send without ever sending the full frame
 * first, as their makers document them. Keyed by nothing but their own
 * content: the signature of a format is the CRC of its DIF/VIF bytes, so an
 * entry can only ever match frames of exactly that format.
 * Drivers can declare more (Driver.compactFormats).
 */
import { formatSignature } from './compact.ts';
import { parseHex } from './hex.ts';

const published: { meter: string; difvif: string }[] = [
  // Engelmann FAW water meter: billing date, billing value, error flags, 15 month-end values, clock, total.
  {
    meter: 'Engelmann FAW',
    difvif: '426C441301FD17840113C40113840213C40213840313C40313840413C40413840513C40513840613C40613840713C40713840813046D0413',
  },
];

export const knownFormats = new Map<number, Uint8Array>();
for (const f of published) {
  const difvif = parseHex(f.difvif);
  knownFormats.set(formatSignature(difvif), difvif);
}

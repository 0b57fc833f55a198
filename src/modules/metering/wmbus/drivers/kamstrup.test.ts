import { describe, expect, it } from 'vitest';
import { expandCompact, kamwater } from './kamstrup.ts';
import { contextFromVector, differences, loadDevVectors } from './test-context.ts';
import { WmbusError } from '../errors.ts';

const vectors = await loadDevVectors();
const d = vectors ? describe : describe.skip;

d('Kamstrup driver on the development vectors', () => {
  const vec = (id: string) => vectors!.get(id)!;

  it('reads full (0x78) and compact (0x79) frames alike: volumes, temperatures, DRY status', () => {
    for (const id of ['xmq:kamwater:0', 'xmq:kamwater:1', 'xmq:kamwater:7']) {
      const v = vec(id);
      const ctx = contextFromVector(v);
      expect(kamwater.match(ctx), id).toBe(true);
      const r = kamwater.decode(ctx);
      expect(r.values?.total_m3, id).toBeCloseTo(v.expected.total_m3 as number, 6);
      expect(differences(r.values!, v.expected), id).toEqual([]);
    }
    const dry = kamwater.decode(contextFromVector(vec('xmq:kamwater:1')));
    expect(dry.flags).toMatchObject({ dry: true, leak: false, burst: false, backflow: false });
    expect(dry.values?.time_dry).toBe('22-31 days');
  });

  it('an unknown compact format is a typed error', () => {
    const ctx = contextFromVector(vec('xmq:kamwater:1'));
    const payload = Uint8Array.from(ctx.payload);
    payload[0] ^= 0xff;
    expect(() => kamwater.decode({ ...ctx, payload })).toThrow(WmbusError);
  });

  it('compact data of the wrong length does not expand', () => {
    const difvif = Uint8Array.from([0x02, 0xff, 0x20, 0x04, 0x13]);
    expect(expandCompact(difvif, new Uint8Array(6), 0)).not.toBeNull();
    expect(expandCompact(difvif, new Uint8Array(5), 0)).toBeNull();
    expect(expandCompact(difvif, new Uint8Array(7), 0)).toBeNull();
  });
});

d('Kamstrup alarm bits', () => {
  it('LEAK and BURST with their durations become flags and texts', () => {
    const ctx = contextFromVector(vectors!.get('xmq:kamwater:0')!);
    // 02 FF 20 is the first record of this full frame: value bytes 3–4 of the payload.
    const payload = Uint8Array.from(ctx.payload);
    expect([payload[0], payload[1], payload[2]]).toEqual([0x02, 0xff, 0x20]);
    const status = 0x04 | 0x08 | (3 << 10) | (1 << 13); // leak for 2-3 days, burst for 1-8 hours
    payload[3] = status & 0xff;
    payload[4] = status >> 8;
    const r = kamwater.decode({ ...ctx, payload, records: [] });
    expect(r.flags).toMatchObject({ leak: true, burst: true, dry: false, backflow: false });
    expect(r.values).toMatchObject({ status: 'BURST LEAK', current_status: 'BURST LEAK', time_leaking: '2-3 days', time_bursting: '1-8 hours' });
  });
});

import { describe, expect, it } from 'vitest';
import { apator08, apator162, apator172, apatorna1 } from './apator.ts';
import { contextFromHex, contextFromVector, loadDevVectors } from './test-context.ts';
import { WmbusError } from '../errors.ts';

const vectors = await loadDevVectors();
const d = vectors ? describe : describe.skip;

d('Apator drivers on the development vectors', () => {
  const vec = (id: string) => vectors!.get(id)!;

  it('apator08 reads the counter of thirds of a litre', () => {
    const ctx = contextFromVector(vec('xmq:apator08:0'));
    expect(apator08.match(ctx)).toBe(true);
    expect(apator172.match(ctx)).toBe(false);
    expect(apator08.decode(ctx).values?.total_m3).toBeCloseTo(457.579333, 6);
  });

  it('apator172 reads the counter of thirds of a m3 and says water', () => {
    const ctx = contextFromVector(vec('xmq:apator172:1'));
    expect(apator172.match(ctx)).toBe(true);
    const r = apator172.decode(ctx);
    expect(r.values?.total_m3).toBe(7179);
    expect(r.media).toBe('water');
  });

  it('apator162 walks the tagged fields to the total', () => {
    for (const id of ['xmq:apator162:4', 'xmq:apator162:8', 'xmq:apator162:12', 'xmq:apator162:13',
      'xmq:apator162:14', 'xmq:apator162:15', 'sim:simulation_apas:9']) {
      const v = vec(id);
      const ctx = contextFromVector(v);
      expect(apator162.match(ctx), id).toBe(true);
      expect(apator162.decode(ctx).values?.total_m3, id).toBeCloseTo(v.expected.total_m3 as number, 6);
    }
  });

  it('apator162 refuses a block without a total field with a typed error', () => {
    const v = vec('xmq:apator162:12');
    const bytes = v.telegram.slice(0, 30 + 4 + 2 + 14) + '99' + 'FFFF';
    const ctx = contextFromHex(bytes);
    expect(() => apator162.decode(ctx)).toThrow(WmbusError);
  });

  it('apatorna1 decrypts the block and reads total, clock, history and status', () => {
    for (const id of ['xmq:apatorna1:4', 'xmq:apatorna1:6', 'xmq:apatorna1:8']) {
      const v = vec(id);
      const ctx = contextFromVector(v);
      expect(apatorna1.match(ctx), id).toBe(true);
      const r = apatorna1.decode(ctx);
      for (const k of ['total_m3', 'historic_m3', 'historic_age_h', 'historic_datetime', 'meter_datetime',
        'current_status', 'frame_status', 'historic_status']) {
        const want = v.expected[k];
        if (typeof want === 'number') expect(r.values?.[k], `${id} ${k}`).toBeCloseTo(want, 6);
        else expect(r.values?.[k], `${id} ${k}`).toBe(want);
      }
      expect(r.flags?.leak).toBe(false);
    }
  });

  it('apatorna1 with a wrong key and no 2F says wrong_key', () => {
    const v = vec('xmq:apatorna1:4');
    const ctx = contextFromHex(v.telegram, { key: '11'.repeat(16) });
    // the zero key is tried as the fallback, so flip a ciphertext byte as well
    const raw = Uint8Array.from(ctx.raw);
    raw[20] ^= 0xff;
    const bad = { ...ctx, raw, payload: raw.subarray(11) };
    expect(() => apatorna1.decode(bad)).toThrow(WmbusError);
  });
});

d('Apator NA-1 alarm bits', () => {
  it('map the current status byte to flags', async () => {
    const { aesCbcEncrypt, aesCbcDecrypt } = await import('../security.ts');
    const ctx = contextFromVector((await loadDevVectors())!.get('xmq:apatorna1:4')!);
    const key = new Uint8Array(16);
    const iv = new Uint8Array(16);
    iv.set(ctx.raw.subarray(2, 10), 0);
    iv.fill(ctx.payload[0], 8);
    const clear = aesCbcDecrypt(key, iv, ctx.payload.subarray(2, 18));
    clear[14] = 0x01 | 0x02 | 0x08 | 0x20; // battery low, magnetic field, leak, reverse flow
    const payload = Uint8Array.from(ctx.payload);
    payload.set(aesCbcEncrypt(key, iv, clear), 2);
    const r = apatorna1.decode({ ...ctx, payload });
    expect(r.flags).toMatchObject({ lowBattery: true, tamper: true, leak: true, backflow: true, removal: false });
    expect(r.values?.current_status).toBe('BATTERY_LOW LEAK MAGNETIC_FIELD REVERSE_FLOW');
    expect(r.values?.total_m3).toBe(689.403);
  });
});

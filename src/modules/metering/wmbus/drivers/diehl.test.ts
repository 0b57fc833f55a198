import { describe, expect, it } from 'vitest';
import { diehlFrame, diehlOms, diehlRealData, izar } from './diehl.ts';
import { contextFromVector, differences, loadDevVectors } from './test-context.ts';
import { WmbusError } from '../errors.ts';

const vectors = await loadDevVectors();
const d = vectors ? describe : describe.skip;

d('Diehl drivers on the development vectors', () => {
  const vec = (id: string) => vectors!.get(id)!;

  it('unscrambles PRIOS frames with the default keys: volumes, billing date, alarms, printed id', () => {
    for (const id of ['cc:izar:1', 'cc:izar:4', 'xmq:izarv2:1', 'xmq:izarv2:4', 'sim:simulation_t1:51']) {
      const v = vec(id);
      const ctx = contextFromVector(v);
      expect(izar.match(ctx), id).toBe(true);
      const r = izar.decode(ctx);
      expect(r.values?.total_m3, id).toBeCloseTo(v.expected.total_m3 as number, 6);
      expect(differences(r.values!, v.expected), id).toEqual([]);
      expect(r.identity?.id ?? ctx.identity.id, id).toBe(v.expected.id);
      expect(r.flags?.leak, id).toBe(false);
    }
  });

  it('reads SAP serial number, prefix and year from the A field', () => {
    const r = izar.decode(contextFromVector(vec('cc:izar:4')));
    expect(r.values).toMatchObject({ prefix: 'C15SA', serial_number: '007710', manufacture_year: '2015' });
  });

  it('a PRIOS frame that no key unscrambles is a typed error', () => {
    const ctx = contextFromVector(vec('cc:izar:1'));
    const raw = Uint8Array.from(ctx.raw);
    raw[15] ^= 0x55; // the first scrambled byte: the 0x4B check fails
    expect(() => izar.decode({ ...ctx, raw })).toThrow(WmbusError);
  });

  it('reads a Hydrus real-data frame (mode 16–31) with its swapped id', () => {
    const v = vec('xmq:hydrus:4');
    const ctx = contextFromVector(v);
    expect(diehlFrame(ctx)).toBe('real_data');
    expect(diehlRealData.match(ctx)).toBe(true);
    const r = diehlRealData.decode(ctx);
    expect(r.identity).toMatchObject({ id: '60904720', deviceType: 0x06 });
    expect(r.values).toMatchObject({ total_m3: 49.373, total_at_date_m3: 48.002, at_date: '2021-03-31', status: 'OK' });
  });

  it('reads the month-end billing value of Hydrus OMS frames from storage 3', () => {
    const v = vec('xmq:hydrus:0');
    const ctx = contextFromVector(v);
    expect(izar.match(ctx)).toBe(false);
    expect(diehlRealData.match(ctx)).toBe(false);
    expect(diehlOms.match(ctx)).toBe(true);
    const r = diehlOms.decode(ctx);
    expect(r.values).toMatchObject({ target_m3: 0.2, target_datetime: '2019-10-31 23:59' });
    expect(differences(r.values!, v.expected)).toEqual([]);
  });
});

d('Diehl default key for OMS frames', () => {
  it('is offered for Diehl OMS frames only', async () => {
    const { diehlDefaultOmsKey } = await import('./diehl.ts');
    const vectors2 = (await loadDevVectors())!;
    const oms = contextFromVector(vectors2.get('xmq:hydrus:0')!);
    expect(Buffer.from(diehlDefaultOmsKey(oms)!).toString('hex')).toBe('51728910e66d83f851728910e66d83f8');
    expect(diehlDefaultOmsKey(contextFromVector(vectors2.get('cc:izar:1')!))).toBeNull();
    expect(diehlDefaultOmsKey(contextFromVector(vectors2.get('xmq:apator162:4')!))).toBeNull();
  });
});

d('Diehl real data through the pipeline', () => {
  it('finds the TPL header behind an ELL header too', async () => {
    const { createDecoder, toJson } = await import('../index.ts');
    const v = (await loadDevVectors())!.get('xmq:hydrus:4')!;
    const b = Buffer.from(v.telegram, 'hex');
    const withEll = Buffer.concat([b.subarray(0, 10), Buffer.from('8c2000', 'hex'), b.subarray(10)]);
    withEll[0] = withEll.length - 1;
    const out = toJson(createDecoder({ keyFor: () => null }).decode(withEll.toString('hex')));
    expect(out).toMatchObject({ id: '60904720', media: 'warm water', total_m3: 49.373, total_at_date_m3: 48.002 });
  });
});

d('PRIOS alarm bits', () => {
  it('map to leak, backflow and tamper flags and to both alarm texts', async () => {
    const { lfsr, seeds } = await import('./diehl.ts');
    const ctx = contextFromVector((await loadDevVectors())!.get('cc:izar:1')!);
    const raw = ctx.raw;
    // The clear PRIOS bytes under the key that opens this telegram.
    const seed = seeds(ctx).find((s) => lfsr(raw, 10, s)[0] === 0x4b)!;
    const clear = lfsr(raw, 10, seed);
    // New alarm bytes change the LFSR seed: scramble the clear bytes again under the new header.
    const alarmed = Uint8Array.from(raw);
    alarmed[12] |= 0x80; // leakage now
    alarmed[13] |= 0x80 | 0x08; // back flow, sensor fraud now
    alarmed.set(clear, 15);
    alarmed.set(lfsr(alarmed, 10, seed), 15);
    const r = izar.decode({ ...ctx, raw: alarmed, payload: alarmed.subarray(11) });
    expect(r.values?.total_m3).toBe(16.76);
    expect(r.flags).toMatchObject({ leak: true, backflow: true, tamper: true, burst: false });
    expect(r.values?.current_alarms).toBe('leakage,back_flow,sensor_fraud');
    expect(r.values?.status).toBe('BACK_FLOW LEAKAGE SENSOR_FRAUD');
  });
});

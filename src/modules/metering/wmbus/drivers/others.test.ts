import { describe, expect, it } from 'vitest';
import { hydrodigit, rfmtx1 } from './bmeters.ts';
import { qwater } from './qundis.ts';
import { mkradio3 } from './techem.ts';
import { zenner0b } from './zenner.ts';
import { gwfwater } from './gwf.ts';
import type { Driver } from '../driver-api.ts';
import { contextFromVector, differences, loadDevVectors } from './test-context.ts';

const vectors = await loadDevVectors();
const d = vectors ? describe : describe.skip;

// The third element says the driver reads the total itself (hydrodigit's comes from the generic records).
const cases: [Driver, string[], boolean?][] = [
  [rfmtx1, ['xmq:rfmtx1:0']],
  [hydrodigit, ['xmq:hydrodigit:2', 'sim:simulation_t1:25'], false],
  [qwater, ['xmq:qwaterv2:3', 'xmq:qwaterv2:5', 'xmq:qwaterv2:13', 'xmq:qwaterv2:15', 'xmq:qwaterv2:16',
    'xmq:qwaterv2:17', 'cc:qwater:3', 'cc:qwater:5', 'cc:qwater:13', 'cc:qwater:15', 'cc:qwater:16', 'cc:qwater:17']],
  [mkradio3, ['xmq:mkradio3:2']],
  [zenner0b, ['xmq:zenner0b:0']],
  [gwfwater, ['xmq:gwfwater:0'], false],
];

d('B METERS, Qundis, Techem and Zenner drivers on the development vectors', () => {
  for (const [driver, ids, readsTotal = true] of cases) {
    it(`${driver.name} matches what wmbusmeters reads`, () => {
      for (const id of ids) {
        const v = vectors!.get(id)!;
        const ctx = contextFromVector(v);
        expect(driver.match(ctx), id).toBe(true);
        const r = driver.decode(ctx);
        if (readsTotal) expect(r.values?.total_m3, id).toBeCloseTo(v.expected.total_m3 as number, 6);
        expect(Object.keys(r.values!).length, id).toBeGreaterThan(0);
        expect(differences(r.values!, v.expected), id).toEqual([]);
      }
    });
  }

  it('hydrodigit reports the backflow register as a backflow flag', () => {
    const r = hydrodigit.decode(contextFromVector(vectors!.get('xmq:hydrodigit:2')!));
    expect(r.flags?.backflow).toBe(true);
    expect(r.values?.January_total_m3).toBe(39.08);
  });

  it('gwfwater reads battery-low and power mode from its block', () => {
    const r = gwfwater.decode(contextFromVector(vectors!.get('xmq:gwfwater:0')!));
    expect(r.values).toMatchObject({ status: 'BATTERY_LOW POWER_LOW', power_mode: 'SAVING', battery_y: 0 });
    expect(r.flags).toMatchObject({ lowBattery: true, leak: false, backflow: false });
  });

  it('qwater takes the month-end (storage 17) value as the billing target', () => {
    const r = qwater.decode(contextFromVector(vectors!.get('cc:qwater:13')!));
    expect(r.values).toMatchObject({ target_m3: 0.035, target_date: '2025-05-31', due_date_m3: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { checkExchange, type ExchangeContext } from './exchange.ts';

const ctx: ExchangeContext = { today: '2026-12-07', installedOn: '2021-02-05', removedOn: null, last: { day: '2026-12-01', litres: 707_454 }, lastDay: '2026-12-03', serialTaken: false };
const input = { date: '2026-12-05', finalReading: '707,454', newSerial: ' nw-26/001 ', newLegalizationValidUntil: '2031-12-05' };
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'ok';
};

describe('checkExchange', () => {
  it('takes a final register equal to the last reading, the initial 0 by default, the serial in capitals', () => {
    expect(checkExchange(input, ctx)).toEqual({ date: '2026-12-05', finalLitres: 707_454, initialLitres: 0, serial: 'NW-26/001', legalizationValidUntil: '2031-12-05' });
    expect(checkExchange({ ...input, date: '2026-12-07', newInitialReading: '12.5' }, ctx).initialLitres).toBe(12_500);
  });

  it('refuses a day before a held reading, not only before the last accepted one', () => {
    expect(code(() => checkExchange({ ...input, date: '2026-12-02' }, ctx))).toBe('meter.exchange_before_last_reading');
    expect(code(() => checkExchange({ ...input, date: '2026-12-03' }, ctx))).toBe('ok');
  });

  it('says what is wrong, one code each', () => {
    expect(code(() => checkExchange(input, { ...ctx, removedOn: '2026-12-01' }))).toBe('meter.already_removed');
    expect(code(() => checkExchange({ ...input, date: '2026-12-08' }, ctx))).toBe('meter.exchange_in_future');
    expect(code(() => checkExchange({ ...input, finalReading: '707,453' }, ctx))).toBe('meter.final_reading_lower');
    expect(code(() => checkExchange({ ...input, newSerial: 'ąę' }, ctx))).toBe('meter.serial_invalid');
    expect(code(() => checkExchange(input, { ...ctx, serialTaken: true }))).toBe('meter.serial_taken');
    expect(code(() => checkExchange({ ...input, newLegalizationValidUntil: '2026-12-05' }, ctx))).toBe('meter.legalization_invalid');
  });
});

import { describe, expect, it } from 'vitest';
import { assessReading } from '../metering/ingest/plausibility.ts';
import { heldReasonPl } from './held-reason.ts';

const DAY = 86_400_000;

describe('heldReasonPl', () => {
  it("puts each of the plausibility rule's notes into Polish", () => {
    const history = { last: { at: 30 * DAY, valueM3: 100 }, avgDailyM3: 0.3 };
    const lower = assessReading(history, 40 * DAY, 99).reason;
    const spike = assessReading(history, 40 * DAY, 200).reason;
    const older = assessReading(history, 20 * DAY, 150).reason;
    expect(heldReasonPl(lower)).toBe('Niższy niż ostatni odczyt (100,000 m³).');
    expect(heldReasonPl(spike)).toBe('Zużycie 100,000 m³ w 10,0 dni to ponad 10× więcej niż zwykle (0,300 m³ na dobę).');
    expect(heldReasonPl(older)).toBe('Wyższy niż późniejszy odczyt (100,000 m³).');
  });
  it('leaves other reasons as written', () => {
    expect(heldReasonPl('Klient pomylił cyfry.')).toBe('Klient pomylił cyfry.');
    expect(heldReasonPl(null)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { channelOnDay, deliveryChanges } from './delivery.ts';

describe('delivery channel from e-invoice consents', () => {
  it('is paper without a consent', () => {
    expect(deliveryChanges([])).toEqual([]);
    expect(channelOnDay([], '2026-12-01')).toBe('paper');
  });
  it('is e-invoice from the effective day, paper again from the withdrawal', () => {
    const c = [{ effectiveFrom: '2026-03-01', withdrawnEffectiveFrom: '2026-09-01' }];
    expect(deliveryChanges(c)).toEqual([
      { from: '2026-03-01', channel: 'einvoice' },
      { from: '2026-09-01', channel: 'paper' },
    ]);
    expect(channelOnDay(c, '2026-02-28')).toBe('paper');
    expect(channelOnDay(c, '2026-03-01')).toBe('einvoice');
    expect(channelOnDay(c, '2026-08-31')).toBe('einvoice');
    expect(channelOnDay(c, '2026-09-01')).toBe('paper');
  });
  it('merges overlapping and touching consents; ignores one withdrawn before it took effect', () => {
    const c = [
      { effectiveFrom: '2026-05-01', withdrawnEffectiveFrom: null },
      { effectiveFrom: '2026-01-01', withdrawnEffectiveFrom: '2026-05-01' },
      { effectiveFrom: '2025-01-01', withdrawnEffectiveFrom: '2025-01-01' },
    ];
    expect(deliveryChanges(c)).toEqual([{ from: '2026-01-01', channel: 'einvoice' }]);
  });
});

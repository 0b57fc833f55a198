/**
 * The sewage quantity for the whole period (split by tariff afterwards, like
 * water): a sewage meter's own consumption where there is one (garden
 * sub-meters then do not count); otherwise the water consumed less what the
 * garden (irrecoverable-use) sub-meters measured, never taken below zero by
 * them. A negative water quantity (an earlier estimate being settled) is
 * settled for sewage too, whole: garden meters cannot deepen it.
 */
import type { MeterBasis, Warning } from './types.ts';
import { warn } from './warnings.ts';

export interface SewageQuantity {
  quantity: number;
  estimated: boolean;
  warnings: Warning[];
}

export function sewageQuantity(water: number, waterEstimated: boolean, meters: MeterBasis[]): SewageQuantity {
  const sum = (list: MeterBasis[]) => list.reduce((s, m) => s + m.consumption, 0);
  const sewageMeters = meters.filter((m) => m.role === 'sewage');
  if (sewageMeters.length > 0) {
    return { quantity: sum(sewageMeters), estimated: sewageMeters.some((m) => m.estimate !== null), warnings: [] };
  }
  const gardens = meters.filter((m) => m.role === 'garden');
  const garden = Math.max(0, sum(gardens));
  const deducted = Math.min(garden, Math.max(0, water));
  return {
    quantity: water - deducted,
    estimated: waterEstimated || (deducted > 0 && gardens.some((m) => m.estimate !== null)),
    warnings: garden > Math.max(0, water) && water >= 0 ? [warn.gardenExceedsWater()] : [],
  };
}

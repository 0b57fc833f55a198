/**
 * Is a remote reading believable? A register only counts up, and a household
 * does not suddenly use many times its usual water. A reading that fails is
 * stored with status 'pending' and a reason, for staff to verify; it is never
 * billed blindly (DOMAIN.md, meters and readings). Pure functions.
 */

export interface KnownReading {
  /** Epoch ms. */
  at: number;
  valueM3: number;
}

export interface MeterHistory {
  /** The latest accepted reading (or the meter's initial reading at installation). */
  last: KnownReading | null;
  /** Average daily consumption from the accepted history, m³/day; null when there is too little history. */
  avgDailyM3: number | null;
}

export interface Assessment {
  status: 'accepted' | 'pending';
  reason: string | null;
}

/** A reading this many times the usual consumption is held. */
export const SPIKE_FACTOR = 10;
/** Below this increase nothing is a spike (a meter at 0 m³/day that starts to count is no alarm). */
export const SPIKE_FLOOR_M3 = 1;
const DAY = 86_400_000;
/** Register resolution (litres): equality within it is no decrease. */
const EPS = 0.0005;

export function assessReading(history: MeterHistory, at: number, valueM3: number): Assessment {
  const last = history.last;
  if (!last) return { status: 'accepted', reason: null };
  if (at >= last.at) {
    if (valueM3 + EPS < last.valueM3) {
      return { status: 'pending', reason: `lower than the last reading (${last.valueM3.toFixed(3)} m³)` };
    }
    if (history.avgDailyM3 !== null) {
      const days = Math.max((at - last.at) / DAY, 1);
      const allowed = Math.max(SPIKE_FACTOR * history.avgDailyM3 * days, SPIKE_FLOOR_M3);
      const used = valueM3 - last.valueM3;
      if (used > allowed) {
        return {
          status: 'pending',
          reason: `${used.toFixed(3)} m³ in ${days.toFixed(1)} days is more than ${SPIKE_FACTOR}× the usual ${history.avgDailyM3.toFixed(3)} m³/day`,
        };
      }
    }
    return { status: 'accepted', reason: null };
  }
  // A telegram older than the last accepted reading (heard late): it must not be above it.
  if (valueM3 > last.valueM3 + EPS) {
    return { status: 'pending', reason: `higher than the later reading (${last.valueM3.toFixed(3)} m³)` };
  }
  return { status: 'accepted', reason: null };
}

/** The history after a reading was accepted (only a later reading moves it forward). */
export function advance(history: MeterHistory, at: number, valueM3: number): MeterHistory {
  if (history.last && at <= history.last.at) return history;
  return { ...history, last: { at, valueM3 } };
}

/** Average daily consumption between two accepted readings at least a week apart, else null. */
export function averageDaily(first: KnownReading | null, last: KnownReading | null): number | null {
  if (!first || !last || last.at - first.at < 7 * DAY) return null;
  return Math.max(last.valueM3 - first.valueM3, 0) / ((last.at - first.at) / DAY);
}

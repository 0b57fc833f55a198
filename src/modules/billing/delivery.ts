/**
 * The invoice delivery channel of a customer, day by day, from the
 * customer's e-invoice consents: e-invoice from a consent's `effectiveFrom`
 * until the day before its `withdrawnEffectiveFrom`, paper otherwise. Both
 * dates are set when the consent is given or withdrawn (the start of the
 * next billing period), so a billing run only reads them.
 *
 * Pure: the billing run loads the consents and passes them here; the engine
 * takes the result as its `delivery` (DeliveryChange[] on civil dates).
 */
export interface ConsentSpan {
  /** First day delivered as an e-invoice ('YYYY-MM-DD'). */
  effectiveFrom: string;
  /** First day delivered on paper again, or null while the consent stands. */
  withdrawnEffectiveFrom: string | null;
}

export interface ChannelChange {
  from: string;
  channel: 'paper' | 'einvoice';
}

/** The channel changes in date order (days before the first change are paper). */
export function deliveryChanges(consents: ConsentSpan[]): ChannelChange[] {
  // Day-by-day coverage by any consent, as sorted, merged spans.
  const spans = consents
    .filter((c) => c.withdrawnEffectiveFrom === null || c.withdrawnEffectiveFrom > c.effectiveFrom)
    .map((c) => ({ from: c.effectiveFrom, to: c.withdrawnEffectiveFrom }))
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: { from: string; to: string | null }[] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last && (last.to === null || s.from <= last.to)) {
      if (last.to !== null && (s.to === null || s.to > last.to)) last.to = s.to;
    } else merged.push({ ...s });
  }
  const out: ChannelChange[] = [];
  for (const m of merged) {
    out.push({ from: m.from, channel: 'einvoice' });
    if (m.to !== null) out.push({ from: m.to, channel: 'paper' });
  }
  return out;
}

/** The channel on one day. */
export function channelOnDay(consents: ConsentSpan[], day: string): 'paper' | 'einvoice' {
  return deliveryChanges(consents).filter((c) => c.from <= day).at(-1)?.channel ?? 'paper';
}

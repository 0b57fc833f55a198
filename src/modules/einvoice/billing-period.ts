/**
 * Billing periods of a contract's billing cycle, and the day a change of
 * invoice delivery takes effect (the start of the next billing period).
 *
 * Periods are whole calendar months counted in blocks from January, so a
 * period never straddles a year: monthly (each month), bimonthly (Jan–Feb,
 * Mar–Apr, … Nov–Dec), quarterly (Jan–Mar, … Oct–Dec), half-yearly (Jan–Jun,
 * Jul–Dec). Pure: civil dates 'YYYY-MM-DD' in, civil dates out, no clock.
 */
export const BILLING_CYCLES = ['monthly', 'bimonthly', 'quarterly', 'halfyearly'] as const;
export type BillingCycle = (typeof BILLING_CYCLES)[number];

export const CYCLE_MONTHS: Record<BillingCycle, number> = { monthly: 1, bimonthly: 2, quarterly: 3, halfyearly: 6 };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const lastDayOfMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function parts(day: string): [number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a civil date: ${day}`);
  return [Number(m[1]), Number(m[2])];
}

/** The billing period (dates inclusive) of a cycle that contains `day`. */
export function billingPeriodOf(cycle: BillingCycle, day: string): { from: string; to: string } {
  const [y, m] = parts(day);
  const len = CYCLE_MONTHS[cycle];
  const first = Math.floor((m - 1) / len) * len + 1;
  const last = first + len - 1;
  return { from: `${pad(y, 4)}-${pad(first)}-01`, to: `${pad(y, 4)}-${pad(last)}-${pad(lastDayOfMonth(y, last))}` };
}

/** The first day of the billing period after the one that contains `day`. */
export function nextBillingPeriodStart(cycle: BillingCycle, day: string): string {
  const { to } = billingPeriodOf(cycle, day);
  const [y, m] = parts(to);
  return m === 12 ? `${pad(y + 1, 4)}-01-01` : `${pad(y, 4)}-${pad(m + 1)}-01`;
}

/**
 * A customer's e-invoice consent takes effect at the start of the next
 * billing period. A customer with contracts on different cycles gets one
 * date for all of them: for a consent the earliest of the next period
 * starts, for a withdrawal the latest, whichever is the more favourable to
 * the customer (the engine bills the fee day by day, so a contract whose
 * period is under way pays each fee for its own days). No contract: the
 * next calendar month.
 */
export function consentEffectiveFrom(cycles: readonly BillingCycle[], day: string): string {
  const starts = (cycles.length ? cycles : (['monthly'] as const)).map((c) => nextBillingPeriodStart(c, day));
  return starts.reduce((a, b) => (b < a ? b : a));
}

export function withdrawalEffectiveFrom(cycles: readonly BillingCycle[], day: string): string {
  const starts = (cycles.length ? cycles : (['monthly'] as const)).map((c) => nextBillingPeriodStart(c, day));
  return starts.reduce((a, b) => (b > a ? b : a));
}

const warsawYmd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The civil date of an instant in Poland (a consent given at 00:30 on the 1st is given on the 1st). */
export function localDate(at: Date): string {
  return warsawYmd.format(at);
}

import { describe, expect, it } from 'vitest';
import { billingPeriodOf, consentEffectiveFrom, nextBillingPeriodStart, withdrawalEffectiveFrom } from './billing-period.ts';

describe('billing periods', () => {
  it('monthly: the calendar month, February of a leap year too', () => {
    expect(billingPeriodOf('monthly', '2026-12-07')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(billingPeriodOf('monthly', '2028-02-29')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(billingPeriodOf('monthly', '2027-02-01')).toEqual({ from: '2027-02-01', to: '2027-02-28' });
  });

  it('bimonthly: January–February, March–April, … November–December', () => {
    expect(billingPeriodOf('bimonthly', '2026-01-01')).toEqual({ from: '2026-01-01', to: '2026-02-28' });
    expect(billingPeriodOf('bimonthly', '2026-02-28')).toEqual({ from: '2026-01-01', to: '2026-02-28' });
    expect(billingPeriodOf('bimonthly', '2026-04-30')).toEqual({ from: '2026-03-01', to: '2026-04-30' });
    expect(billingPeriodOf('bimonthly', '2026-12-07')).toEqual({ from: '2026-11-01', to: '2026-12-31' });
  });

  it('quarterly and half-yearly: calendar quarters and halves', () => {
    expect(billingPeriodOf('quarterly', '2026-05-15')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
    expect(billingPeriodOf('quarterly', '2026-10-01')).toEqual({ from: '2026-10-01', to: '2026-12-31' });
    expect(billingPeriodOf('halfyearly', '2026-06-30')).toEqual({ from: '2026-01-01', to: '2026-06-30' });
    expect(billingPeriodOf('halfyearly', '2026-07-01')).toEqual({ from: '2026-07-01', to: '2026-12-31' });
  });

  it('the next period starts the day after the current one ends, across the year end', () => {
    expect(nextBillingPeriodStart('monthly', '2026-12-07')).toBe('2027-01-01');
    expect(nextBillingPeriodStart('monthly', '2026-01-31')).toBe('2026-02-01');
    expect(nextBillingPeriodStart('bimonthly', '2026-01-01')).toBe('2026-03-01');
    expect(nextBillingPeriodStart('bimonthly', '2026-02-28')).toBe('2026-03-01');
    expect(nextBillingPeriodStart('bimonthly', '2026-03-01')).toBe('2026-05-01');
    expect(nextBillingPeriodStart('quarterly', '2026-12-31')).toBe('2027-01-01');
    expect(nextBillingPeriodStart('halfyearly', '2026-02-10')).toBe('2026-07-01');
  });

  it('every day of two years lies in exactly one period, and periods follow each other without gaps', () => {
    for (const cycle of ['monthly', 'bimonthly', 'quarterly', 'halfyearly'] as const) {
      let day = '2027-01-01';
      let p = billingPeriodOf(cycle, day);
      expect(p.from).toBe('2027-01-01');
      while (day < '2029-01-01') {
        const q = billingPeriodOf(cycle, day);
        expect(q.from <= day && day <= q.to).toBe(true);
        if (q.from !== p.from) {
          expect(q.from).toBe(nextBillingPeriodStart(cycle, p.from));
          p = q;
        }
        day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      }
    }
  });

  it("a customer's consent takes the earliest next period start of their contracts, a withdrawal the latest; none: next month", () => {
    expect(consentEffectiveFrom(['bimonthly', 'monthly'], '2026-01-10')).toBe('2026-02-01');
    expect(withdrawalEffectiveFrom(['bimonthly', 'monthly'], '2026-01-10')).toBe('2026-03-01');
    expect(consentEffectiveFrom([], '2026-12-07')).toBe('2027-01-01');
    expect(withdrawalEffectiveFrom(['quarterly'], '2026-12-07')).toBe('2027-01-01');
  });
});

/**
 * Techem (TCH) radio water meters: m-radio 3, m-radio 3a, m-radio 4 (CI 0xA2, proprietary).
 *
 * Formats read here (payload = bytes after the CI):
 * - m-radio 3 (version 0x74): byte 0 unknown; then 16-bit little-endian words: billing date
 *   (day bits 0–4, month 5–8, year since 2000 from bit 9), billing-date volume (0.1 m³),
 *   current date (day bits 4–8, month 9–12; the year is the billing year, or the next one
 *   when the current day is not after the billing day in the calendar), volume since the
 *   billing date (0.1 m³). Total = billing value + volume since.
 * - m-radio 3a (version 0x50): two bytes, current date (as the m-radio 3 billing date),
 *   total (24 bits, 0.1 m³), then twelve (byte, 16-bit word) pairs of monthly history: each
 *   word's low and high byte are halves of a month's consumption (0.1 m³), shifted by half
 *   a month depending on whether the current day is in the first half of the month.
 * - m-radio 4 (versions 0x95/0x70): three bytes, billing-date volume (16 bits, 0.1 m³),
 *   two bytes, volume since the billing date (16 bits, 0.1 m³).
 */
import type { Driver, DriverContext, DriverResult, MeterValues } from '../driver-api.ts';
import { fail } from '../errors.ts';
import { isoDate, round6, uintLE } from './util.ts';

function isTechemRadio(ctx: DriverContext, version: number): boolean {
  return ctx.identity.manufacturer === 'TCH' && ctx.identity.version === version && ctx.ci === 0xa2;
}

/** Techem sends its own device types: 0x62 warm water, 0x72 cold water. */
function techemMedia(ctx: DriverContext): string | undefined {
  const t = ctx.identity.deviceType;
  return t === 0x62 ? 'warm water' : t === 0x72 ? 'cold water' : undefined;
}

function dateFrom(raw: number): string | undefined {
  return isoDate(2000 + (raw >> 9), (raw >> 5) & 15, raw & 31);
}

export const mkradio3: Driver = {
  name: 'mkradio3',
  manufacturers: ['TCH'],
  match: (ctx) => isTechemRadio(ctx, 0x74),
  decode(ctx): DriverResult {
    const p = ctx.payload;
    if (p.length < 9) fail('wmbus.truncated', 'm-radio 3 payload too short');
    const prevRaw = uintLE(p, 1, 2);
    const prev = uintLE(p, 3, 2) / 10;
    const currRaw = uintLE(p, 5, 2);
    const curr = uintLE(p, 7, 2) / 10;
    const prevDay = prevRaw & 31;
    const prevMonth = (prevRaw >> 5) & 15;
    const prevYear = prevRaw >> 9;
    const currDay = (currRaw >> 4) & 31;
    const currMonth = (currRaw >> 9) & 15;
    const nextYear = currMonth < prevMonth || (currMonth === prevMonth && currDay <= prevDay) ? 1 : 0;
    const values: MeterValues = { total_m3: round6(prev + curr), target_m3: round6(prev) };
    const prevDate = isoDate(2000 + prevYear, prevMonth, prevDay);
    const currDate = isoDate(2000 + prevYear + nextYear, currMonth, currDay);
    if (prevDate) values.prev_date = values.target_date = prevDate;
    if (currDate) values.current_date = currDate;
    return { values, media: techemMedia(ctx) };
  },
};

const MONTH = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export const mkradio3a: Driver = {
  name: 'mkradio3a',
  manufacturers: ['TCH'],
  match: (ctx) => isTechemRadio(ctx, 0x50),
  decode(ctx): DriverResult {
    const p = ctx.payload;
    if (p.length < 7 + 36) fail('wmbus.truncated', 'm-radio 3a payload too short');
    const dateRaw = uintLE(p, 2, 2);
    const day = dateRaw & 31;
    const month = (dateRaw >> 5) & 15;
    const values: MeterValues = { total_m3: round6(uintLE(p, 4, 3) / 10) };
    const date = dateFrom(dateRaw);
    if (date) values.target_date = date;
    const lo = (k: number) => p[8 + 3 * k];
    const hi = (k: number) => p[9 + 3 * k];
    const early = day <= 15;
    const rel: number[] = [];
    for (let k = 0; k < 12; k++) {
      const tenths = early ? (k === 0 ? lo(0) : hi(k - 1) + lo(k)) : lo(k) + hi(k);
      rel.push(round6(tenths / 10));
    }
    values.target_m3 = rel[0];
    if (month >= 1 && month <= 12) {
      for (let m = 1; m <= 12; m++) values[`last_${MONTH[m - 1]}_m3`] = rel[(month - m + 12) % 12];
    }
    return { values, media: techemMedia(ctx) };
  },
};

export const mkradio4: Driver = {
  name: 'mkradio4',
  manufacturers: ['TCH'],
  match: (ctx) => isTechemRadio(ctx, 0x95) || isTechemRadio(ctx, 0x70),
  decode(ctx): DriverResult {
    const p = ctx.payload;
    if (p.length < 9) fail('wmbus.truncated', 'm-radio 4 payload too short');
    const prev = uintLE(p, 3, 2) / 10;
    const curr = uintLE(p, 7, 2) / 10;
    return { values: { total_m3: round6(prev + curr), target_m3: round6(prev) }, media: techemMedia(ctx) };
  },
};

export const techemDrivers: Driver[] = [mkradio3, mkradio3a, mkradio4];

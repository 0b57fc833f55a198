/**
 * A notice's area and whether a service point lies in it: the one rule the
 * preview, the e-mails, the Pulpit and the public page all use.
 *
 * An area row names a locality, optionally a street in it, and optionally an
 * inclusive range of house numbers on that street. House numbers are text
 * ("12", "12A", "12/3", "7 b"): a range compares their leading number, so
 * 12A and 12/3 lie in 10–14. A building without a leading number lies only
 * in an area that takes the whole street. Street names are compared without
 * case, extra spaces or the "ul."/"al."/"os."/"pl." prefix, so "Lipowa"
 * matches "ul. Lipowa".
 */
export interface NoticeArea {
  locality: string;
  street: string | null;
  fromNumber: number | null;
  toNumber: number | null;
}

export interface PointAddress {
  locality: string;
  street: string;
  building: string;
}

const PREFIX = /^(ul|al|os|pl)\.?\s+/;

/** A locality as compared: lower case, single spaces (service.ts narrows candidates in SQL the same way). */
export function localityKey(name: string): string {
  return name.trim().toLocaleLowerCase('pl').replace(/\s+/g, ' ');
}

/** A street name as compared: like a locality, and without the street-kind prefix. */
export function placeKey(name: string): string {
  return localityKey(name).replace(PREFIX, '');
}

/** The leading number of a house number ("12A" → 12, "7/3" → 7), or null when it has none. */
export function houseNumber(building: string): number | null {
  const m = /^\s*(\d{1,6})/.exec(building);
  return m ? Number(m[1]) : null;
}

export function inArea(point: PointAddress, area: NoticeArea): boolean {
  if (localityKey(point.locality) !== localityKey(area.locality)) return false;
  if (area.street === null || area.street.trim() === '') return true;
  if (placeKey(point.street) !== placeKey(area.street)) return false;
  if (area.fromNumber === null && area.toNumber === null) return true;
  const n = houseNumber(point.building);
  if (n === null) return false;
  return (area.fromNumber === null || n >= area.fromNumber) && (area.toNumber === null || n <= area.toNumber);
}

/** Whether a point lies in any of a notice's area rows (a notice without rows concerns no one point). */
export function inAnyArea(point: PointAddress, areas: readonly NoticeArea[]): boolean {
  return areas.some((a) => inArea(point, a));
}

export type AreaProblem =
  | { code: 'notices.area_empty'; index?: undefined }
  | { code: 'notices.area_locality' | 'notices.area_range' | 'notices.area_range_needs_street'; index: number };

/**
 * What is wrong with an area as staff entered it, or an empty list: at least
 * one row, each with a locality; a range needs a street and from ≤ to.
 */
export function areaProblems(areas: readonly NoticeArea[]): AreaProblem[] {
  if (areas.length === 0) return [{ code: 'notices.area_empty' }];
  const out: AreaProblem[] = [];
  areas.forEach((a, index) => {
    if (!a.locality.trim()) out.push({ code: 'notices.area_locality', index });
    const ranged = a.fromNumber !== null || a.toNumber !== null;
    if (ranged && !(a.street ?? '').trim()) out.push({ code: 'notices.area_range_needs_street', index });
    if (a.fromNumber !== null && a.toNumber !== null && a.fromNumber > a.toNumber) out.push({ code: 'notices.area_range', index });
  });
  return out;
}

/** The area in words for e-mails and lists: "Wodnikowo, ul. Lipowa 1–40". */
export function describeArea(a: NoticeArea): string {
  const street = a.street?.trim();
  if (!street) return `${a.locality} (cała miejscowość)`;
  const range =
    a.fromNumber !== null && a.toNumber !== null ? ` ${a.fromNumber}–${a.toNumber}`
    : a.fromNumber !== null ? ` od nr ${a.fromNumber}`
    : a.toNumber !== null ? ` do nr ${a.toNumber}`
    : '';
  return `${a.locality}, ${street}${range}`;
}

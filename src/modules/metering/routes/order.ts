/**
 * Walking order of a reading route. Service points are ordered street by
 * street (in the order the route's builder named the streets, else by
 * name), then by their position along the street (`route_order`, kept by
 * the utility), then by building number in natural order — "2" before
 * "10", "10" before "10A" before "10B" — and apartment likewise.
 */

export interface OrderablePoint {
  id: number;
  street: string;
  building: string;
  apartment: string | null;
  routeOrder: number;
}

const collator = new Intl.Collator('pl', { sensitivity: 'base', numeric: true });

/** Splits a house number such as "12", "12A", "12 a", "3/5" into its number and the rest. */
export function parseBuilding(building: string): { number: number | null; suffix: string } {
  const m = /^\s*(\d+)\s*(.*)$/.exec(building);
  if (!m) return { number: null, suffix: building.trim().toLowerCase() };
  return { number: Number(m[1]), suffix: m[2].trim().toLowerCase() };
}

/** Natural order of house (or apartment) numbers; numbers before names without one. */
export function compareBuilding(a: string, b: string): number {
  const pa = parseBuilding(a);
  const pb = parseBuilding(b);
  if (pa.number !== null && pb.number !== null && pa.number !== pb.number) return pa.number - pb.number;
  if (pa.number === null && pb.number !== null) return 1;
  if (pa.number !== null && pb.number === null) return -1;
  return collator.compare(pa.suffix, pb.suffix);
}

/**
 * Sorts service points into walking order. `streetOrder` lists streets in
 * the order they are walked; streets not in it follow, by name.
 */
export function sortStops<T extends OrderablePoint>(points: readonly T[], streetOrder: readonly string[] = []): T[] {
  const rank = new Map(streetOrder.map((s, i) => [normalizeStreet(s), i]));
  const streetRank = (s: string) => rank.get(normalizeStreet(s)) ?? Number.MAX_SAFE_INTEGER;
  return [...points].sort(
    (a, b) =>
      streetRank(a.street) - streetRank(b.street) ||
      collator.compare(a.street, b.street) ||
      a.routeOrder - b.routeOrder ||
      compareBuilding(a.building, b.building) ||
      compareBuilding(a.apartment ?? '', b.apartment ?? '') ||
      a.id - b.id,
  );
}

/** Street names compare without case and surrounding spaces ("ul. Lipowa" = "UL. LIPOWA "). */
export function normalizeStreet(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLocaleLowerCase('pl');
}

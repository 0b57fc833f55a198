/**
 * The plausibility rule (metering/ingest/plausibility.ts) stores why it held
 * a remote or reader's reading as an English note; staff read the queue in
 * Polish. This puts the rule's three notes into Polish for display (numbers
 * with decimal commas); any other reason (staff's own, a customer's held
 * jump) is shown as written. Pure.
 */
const pl = (n: string) => n.replace('.', ',');

export function heldReasonPl(reason: string | null): string | null {
  if (reason === null) return null;
  let m = /^lower than the last reading \(([\d.]+) m³\)$/.exec(reason);
  if (m) return `Niższy niż ostatni odczyt (${pl(m[1])} m³).`;
  m = /^higher than the later reading \(([\d.]+) m³\)$/.exec(reason);
  if (m) return `Wyższy niż późniejszy odczyt (${pl(m[1])} m³).`;
  m = /^([\d.]+) m³ in ([\d.]+) days is more than (\d+)× the usual ([\d.]+) m³\/day$/.exec(reason);
  if (m) return `Zużycie ${pl(m[1])} m³ w ${pl(m[2])} dni to ponad ${m[3]}× więcej niż zwykle (${pl(m[4])} m³ na dobę).`;
  return reason;
}

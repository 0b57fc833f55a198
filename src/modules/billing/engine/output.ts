/** The bill as the `wodnik billing simulate` JSON: PLN with two places, quantities with three, dates YYYY-MM-DD. */
import { fromDay } from './calendar.ts';
import { formatScaled } from './decimal.ts';
import type { Bill, Warning } from './types.ts';

const pln = (grosze: number) => formatScaled(grosze, 2);

function warningJson(w: Warning) {
  return {
    code: w.code,
    blocking: w.blocking,
    ...(w.meter !== undefined && { meter: w.meter }),
    ...(w.from !== undefined && { from: fromDay(w.from) }),
    ...(w.to !== undefined && { to: fromDay(w.to) }),
    pl: w.pl,
    en: w.en,
  };
}

/** `withBasis` adds the reading basis (each meter's opening and closing reading, with the estimate method). */
export function billJson(b: Bill, withBasis = false) {
  return {
    lines: b.lines.map((l) => ({
      item: l.item,
      from: fromDay(l.from),
      to: fromDay(l.to),
      quantity: formatScaled(l.quantity, 3),
      unit: l.unit,
      price: pln(l.price),
      net: pln(l.net),
      vat: l.vat,
      // marked only when true, so an actual bill keeps the documented line shape
      ...(l.estimated && { estimated: true }),
    })),
    net: pln(b.net),
    vat: pln(b.vat),
    gross: pln(b.gross),
    estimated: b.estimated,
    warnings: b.warnings.map(warningJson),
    ...(withBasis && {
      basis: b.basis.map((m) => ({
        serial: m.serial,
        role: m.role,
        opening: m.opening && { date: fromDay(m.opening.day), value: formatScaled(m.opening.value, 3), source: m.opening.source },
        closing: m.closing && { date: fromDay(m.closing.day), value: formatScaled(m.closing.value, 3), source: m.closing.source },
        consumption: formatScaled(m.consumption, 3),
        estimate: m.estimate,
      })),
    }),
  };
}

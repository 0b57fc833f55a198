/**
 * A correction's "after", from the billing engine: the invoice's contract
 * billed again for the invoice's period with the inputs as they are now (the
 * readings after a reading was corrected in metering, the tariffs after a
 * wrong one was replaced, the e-invoice consent) and, optionally, corrected
 * closing registers typed by staff. The same loading and the same bill as a
 * billing run (runs/load.ts, runs/contract-bill.ts), for one contract.
 *
 * A bill the run would hold back (a reading lower than the opening one, no
 * tariff, …) is refused here with the same code and message: a correction is
 * only made from a bill that could have been issued.
 */
import type { Tx } from '../../db/tenant.ts';
import { badRequest, conflict } from '../../lib/errors.ts';
import type { InvoiceDocument, InvoiceLine, ReadingBasis } from '../billing/invoice-document.ts';
import { billContract } from '../billing/runs/contract-bill.ts';
import { chunkData, selectedContracts, tariffsByGroup, type ReadingRow } from '../billing/runs/load.ts';
import { parseThousandths } from './correction.ts';

export interface ClosingOverride {
  meterSerial: string;
  /** The corrected closing register in m³ ("135.000" or "135,000"). */
  closing: string;
}

export interface Recomputed {
  lines: InvoiceLine[];
  readings: ReadingBasis[];
  estimated: boolean;
}

/**
 * The readings with staff's corrected closing registers put in: the reading
 * the invoice closed on (same meter, same day) takes the corrected value, or,
 * when the invoice estimated the closing, an actual reading on that day is
 * added. Pure; refuses a meter the invoice's basis does not have.
 */
export function withCorrectedClosings(
  readings: ReadingRow[],
  meters: { id: number; serial_number: string }[],
  basis: ReadingBasis[],
  overrides: ClosingOverride[],
): ReadingRow[] {
  let out = readings;
  for (const [i, o] of overrides.entries()) {
    const field = `body.readings.${i}`;
    const b = basis.find((x) => x.meterSerial === o.meterSerial);
    const meter = meters.find((m) => m.serial_number === o.meterSerial);
    if (!b || !meter) {
      throw badRequest('correction.unknown_meter', `Wodomierz ${o.meterSerial} nie występuje w podstawie rozliczenia tej faktury.`, `Meter ${o.meterSerial} is not in this invoice's reading basis.`, { field });
    }
    const litres = parseThousandths(o.closing);
    if (litres === null || litres < 0) {
      throw badRequest('correction.reading_value', 'Stan wodomierza musi być liczbą nieujemną z najwyżej trzema miejscami po przecinku.', 'A meter register must be a non-negative number with up to three decimals.', { field });
    }
    const day = b.closing.date;
    const value = (litres / 1000).toFixed(3);
    // Estimated registers are never a closing reading (engine/consumption.ts): they stay as they are.
    const kept = out.filter((r) => !(r.meter_id === meter.id && r.day === day && r.source !== 'estimated'));
    const at = kept.findIndex((r) => r.meter_id === meter.id && r.day > day);
    const corrected: ReadingRow = { meter_id: meter.id, day, value, source: 'actual', held: false };
    out = at < 0 ? [...kept, corrected] : [...kept.slice(0, at), corrected, ...kept.slice(at)];
  }
  return out;
}

/** The contract of an issued invoice billed again for its period (see the head of this file). */
export async function recomputeInvoice(
  tx: Tx,
  utilityId: number,
  inv: { customerId: number; contractId: number | null; document: InvoiceDocument },
  overrides: ClosingOverride[] = [],
): Promise<Recomputed> {
  const period = inv.document.period;
  const contract = inv.contractId === null ? undefined : (await selectedContracts(tx, utilityId, { customerId: inv.customerId }, period)).find((c) => c.contract_id === inv.contractId);
  if (!contract) {
    throw conflict('correction.no_contract', 'Umowa tej faktury nie obowiązuje już w okresie faktury, więc nie można jej przeliczyć: prosimy podać pozycje ręcznie.', "This invoice's contract is no longer in force for the invoice's period, so it cannot be recomputed: please give the lines by hand.");
  }
  const data = await chunkData(tx, utilityId, [contract], period);
  const readings = withCorrectedClosings(data.readings, data.meters, inv.document.readings, overrides);
  const byMeter = new Map<number, ReadingRow[]>();
  for (const r of readings) byMeter.set(r.meter_id, [...(byMeter.get(r.meter_id) ?? []), r]);
  const tariffs = (await tariffsByGroup(tx, utilityId)).get(contract.tariff_group_code) ?? [];
  // The invoice exists, so the run's "already billed" guard does not apply: this is that invoice billed again.
  const out = billContract({ ...contract, billed_to: null }, period, inv.document.seller, data.meters, byMeter, data.consents, tariffs);
  if (out.status === 'held') {
    // Staff's registers made it unbillable: their input; otherwise the data as it stands (a missing tariff, …).
    throw overrides.length > 0 ? badRequest(out.code, out.pl, out.en, { field: 'body.readings' }) : conflict(out.code, out.pl, out.en);
  }
  return { lines: out.draft.lines, readings: out.draft.readings, estimated: out.draft.estimated };
}

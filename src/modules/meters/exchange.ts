/**
 * A meter exchange, the rules (pure): the old meter's final register and the
 * new meter's initial one on the day of the exchange. The readings that
 * follow are then billed as the engine bills an exchange (engine/
 * consumption.ts: the old meter's readings stop inside the period, the new
 * one's start there), so what is checked here is what billing needs to be
 * right: a day that is neither in the future nor before the old meter's last
 * reading, a final register not lower than that reading, a new serial that no
 * meter in service has, and a verification that is valid after the day.
 */
import { isCivilDate } from '../../lib/date-formats.ts';
import { AppError, badRequest, conflict } from '../../lib/errors.ts';
import { formatDate } from '../../lib/polish-format.ts';
import { litresToM3, parseRegister } from '../readings/rules.ts';

export interface ExchangeInput {
  /** The day of the exchange, YYYY-MM-DD (Polish time). */
  date: string;
  /** The old meter's register when removed, m³ ("123,456" or "123.456"). */
  finalReading: string;
  newSerial: string;
  /** The new meter's register when installed, m³; default 0. */
  newInitialReading?: string;
  newLegalizationValidUntil: string;
  newDiameterMm?: number | null;
  /** Move the old meter's radio module (overlay) to the new meter; default true. */
  moveRadio?: boolean;
}

export interface ExchangeContext {
  /** Today in Polish time. */
  today: string;
  installedOn: string;
  removedOn: string | null;
  /** The old meter's latest accepted reading (the final register may not be lower). */
  last: { day: string; litres: number } | null;
  /** The day of its latest reading of any status but rejected (held ones too): the exchange may not come before it. */
  lastDay: string | null;
  /** Another meter in service has the new serial. */
  serialTaken: boolean;
}

export interface CheckedExchange {
  date: string;
  finalLitres: number;
  initialLitres: number;
  serial: string;
  legalizationValidUntil: string;
}

/** A serial as meters carry it: no surrounding spaces, capitals. */
export const normalSerial = (s: string) => s.trim().toUpperCase();

const m3 = (litres: number) => `${litresToM3(litres).replace('.', ',')} m³`;

export function checkExchange(input: ExchangeInput, ctx: ExchangeContext): CheckedExchange {
  if (ctx.removedOn !== null) {
    throw conflict('meter.already_removed', `Ten wodomierz został już zdemontowany ${formatDate(ctx.removedOn)}.`, `This meter was removed on ${ctx.removedOn} already.`);
  }
  const date = input.date.trim();
  if (!isCivilDate(date)) throw badRequest('meter.exchange_date_invalid', 'Prosimy podać datę wymiany w formacie RRRR-MM-DD.', 'Give the day of the exchange as YYYY-MM-DD.', { field: 'date' });
  if (date > ctx.today) throw badRequest('meter.exchange_in_future', 'Data wymiany nie może być późniejsza niż dzisiejsza.', 'The day of the exchange cannot be later than today.', { field: 'date' });
  if (date < ctx.installedOn) {
    throw badRequest('meter.exchange_before_installation', `Wodomierz zamontowano ${formatDate(ctx.installedOn)}: wymiana nie może być wcześniejsza.`, `The meter was installed on ${ctx.installedOn}: the exchange cannot be earlier.`, { field: 'date' });
  }
  if (ctx.lastDay !== null && ctx.lastDay > date) {
    throw badRequest(
      'meter.exchange_before_last_reading',
      `Wodomierz ma odczyt z ${formatDate(ctx.lastDay)}, późniejszy niż data wymiany.`,
      `The meter has a reading of ${ctx.lastDay}, later than the day of the exchange.`,
      { field: 'date' },
    );
  }
  const finalLitres = parseRegister(input.finalReading);
  if (finalLitres === null) {
    throw badRequest('meter.final_reading_invalid', 'Stan końcowy to liczba m³ z najwyżej trzema miejscami po przecinku, np. 123,456.', 'The final register is a number of m³ with up to three decimals, e.g. 123.456.', { field: 'finalReading' });
  }
  if (ctx.last && finalLitres < ctx.last.litres) {
    throw badRequest(
      'meter.final_reading_lower',
      `Stan końcowy ${m3(finalLitres)} jest niższy niż ostatni odczyt ${m3(ctx.last.litres)} z ${formatDate(ctx.last.day)}.`,
      `The final register ${litresToM3(finalLitres)} m³ is lower than the last reading, ${litresToM3(ctx.last.litres)} m³ of ${ctx.last.day}.`,
      { field: 'finalReading' },
    );
  }
  const initialLitres = parseRegister(input.newInitialReading ?? '0');
  if (initialLitres === null) {
    throw badRequest('meter.initial_reading_invalid', 'Stan początkowy to liczba m³ z najwyżej trzema miejscami po przecinku, np. 0,000.', 'The initial register is a number of m³ with up to three decimals, e.g. 0.000.', { field: 'newInitialReading' });
  }
  const serial = normalSerial(input.newSerial);
  if (!/^[A-Z0-9][A-Z0-9/-]{2,39}$/.test(serial)) {
    throw badRequest('meter.serial_invalid', 'Numer nowego wodomierza to od 3 do 40 liter, cyfr, „-” lub „/”.', "The new meter's serial is 3 to 40 letters, digits, '-' or '/'.", { field: 'newSerial' });
  }
  if (ctx.serialTaken) {
    throw new AppError('conflict', 'meter.serial_taken', { pl: `Wodomierz o numerze ${serial} jest już zamontowany.`, en: `A meter with serial ${serial} is in service already.` }, { field: 'newSerial' });
  }
  const until = input.newLegalizationValidUntil.trim();
  if (!isCivilDate(until) || until <= date) {
    throw badRequest(
      'meter.legalization_invalid',
      'Legalizacja nowego wodomierza musi być ważna po dniu wymiany (data w formacie RRRR-MM-DD).',
      "The new meter's verification must be valid after the day of the exchange (a date as YYYY-MM-DD).",
      { field: 'newLegalizationValidUntil' },
    );
  }
  return { date, finalLitres, initialLitres, serial, legalizationValidUntil: until };
}

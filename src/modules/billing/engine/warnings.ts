/**
 * Every warning the engine gives, with its stable code and texts in Polish
 * and English. Blocking ones make a billing run hold the contract back.
 */
import { fromDay, type Day } from './calendar.ts';
import type { EstimateMethod, Warning } from './types.ts';

export const warn = {
  readingLower: (meter: string, day: Day): Warning => ({
    code: 'reading.lower_than_previous',
    blocking: true,
    meter,
    from: day,
    pl: `Odczyt wodomierza ${meter} z ${fromDay(day)} jest niższy niż poprzedni, a nie było wymiany wodomierza.`,
    en: `The reading of meter ${meter} on ${fromDay(day)} is lower than the previous one without a meter exchange.`,
  }),
  readingHeld: (meter: string, day: Day): Warning => ({
    code: 'reading.held',
    blocking: false,
    meter,
    from: day,
    pl: `Odczyt wodomierza ${meter} z ${fromDay(day)} jest wstrzymany do weryfikacji i nie został użyty.`,
    en: `The reading of meter ${meter} on ${fromDay(day)} is held for verification and was not used.`,
  }),
  estimated: (meter: string, method: EstimateMethod): Warning => ({
    code: method === 'none' ? 'estimate.no_history' : 'consumption.estimated',
    blocking: method === 'none',
    meter,
    pl:
      method === 'none'
        ? `Brak odczytu końcowego wodomierza ${meter} i brak rzeczywistych odczytów, z których można oszacować zużycie; przyjęto 0.`
        : `Brak rzeczywistego odczytu końcowego wodomierza ${meter}: zużycie oszacowane (${method}).`,
    en:
      method === 'none'
        ? `No closing reading of meter ${meter} and no actual readings to estimate from; 0 assumed.`
        : `No actual closing reading of meter ${meter}: consumption estimated (${method}).`,
  }),
  noMainMeter: (): Warning => ({
    code: 'meter.no_main',
    blocking: true,
    pl: 'Brak wodomierza głównego z odczytami w okresie.',
    en: 'No main meter with readings in the period.',
  }),
  gardenExceedsWater: (): Warning => ({
    code: 'sewage.garden_exceeds_water',
    blocking: false,
    pl: 'Podliczniki ogrodowe wskazały więcej niż wodomierz główny; ścieki przyjęto jako 0.',
    en: 'The garden sub-meters measured more than the main meter; sewage taken as 0.',
  }),
  tariffMissing: (from: Day, to: Day): Warning => ({
    code: 'tariff.missing',
    blocking: true,
    from,
    to,
    pl: `Brak taryfy od ${fromDay(from)} do ${fromDay(to)}; te dni nie zostały rozliczone.`,
    en: `No tariff from ${fromDay(from)} to ${fromDay(to)}; those days are not billed.`,
  }),
  negativeConsumption: (item: string): Warning => ({
    code: 'consumption.negative',
    blocking: false,
    pl: `Ujemne zużycie (${item}): rozliczenie wcześniejszego szacunku.`,
    en: `Negative consumption (${item}): an earlier estimate settled.`,
  }),
  negativeTotal: (): Warning => ({
    code: 'total.negative',
    blocking: true,
    pl: 'Suma faktury jest ujemna.',
    en: 'The invoice total is negative.',
  }),
};

/**
 * The decoder's one error type. Codes are stable (ingestion stores them as the
 * quarantine reason); messages exist in English and Polish.
 */
export type WmbusErrorCode =
  | 'wmbus.hex'
  | 'wmbus.truncated'
  | 'wmbus.length'
  | 'wmbus.crc'
  | 'wmbus.unknown_ci'
  | 'wmbus.no_key'
  | 'wmbus.wrong_key'
  | 'wmbus.malformed';

const polish: Record<WmbusErrorCode, string> = {
  'wmbus.hex': 'Telegram nie jest poprawnym zapisem szesnastkowym',
  'wmbus.truncated': 'Telegram jest ucięty',
  'wmbus.length': 'Długość telegramu nie zgadza się z polem L',
  'wmbus.crc': 'Błędna suma kontrolna CRC telegramu',
  'wmbus.unknown_ci': 'Nieznane pole CI telegramu',
  'wmbus.no_key': 'Telegram jest zaszyfrowany, a klucz modułu jest nieznany',
  'wmbus.wrong_key': 'Klucz nie pasuje do telegramu (odszyfrowanie nie dało 2F2F)',
  'wmbus.malformed': 'Błędne rekordy danych w telegramie',
};

export class WmbusError extends Error {
  constructor(
    readonly code: WmbusErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WmbusError';
  }

  /** The Polish wording for the code (the English one is `message`). */
  get messagePl(): string {
    return polish[this.code];
  }
}

/**
 * Throws a WmbusError without capturing a stack trace: a bad telegram is a
 * data condition, not a bug, and the fuzz and quarantine paths create many.
 */
export function fail(code: WmbusErrorCode, message: string): never {
  throw quickError(code, message);
}

export function quickError(code: WmbusErrorCode, message: string): WmbusError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new WmbusError(code, message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

import { describe, expect, it } from 'vitest';
import {
  completeNip,
  completeRegon,
  formatNrb,
  isValidIban,
  isValidNip,
  isValidNrb,
  isValidPesel,
  isValidRegon,
  isValidSortCode,
  makePesel,
  mod97,
  nrbFromBban,
  peselBirthDate,
} from './check-digits.ts';

describe('NIP', () => {
  it('accepts published valid numbers, with or without separators and PL prefix', () => {
    expect(isValidNip('1234563218')).toBe(true);
    expect(isValidNip('123-456-32-18')).toBe(true);
    expect(isValidNip('PL 526-025-09-95')).toBe(true); // Ministry of Finance
  });
  it('refuses a wrong check digit, wrong length, letters and zeros', () => {
    expect(isValidNip('1234563217')).toBe(false);
    expect(isValidNip('123456321')).toBe(false);
    expect(isValidNip('12345632A8')).toBe(false);
    expect(isValidNip('0000000000')).toBe(false);
  });
  it('completes 9 digits, or says that no check digit exists', () => {
    expect(completeNip('123456321')).toBe('1234563218');
    // 6·1+5·0+... = remainder 10: no valid NIP starts with these digits.
    const impossible = Array.from({ length: 1000 }, (_, i) => String(100000000 + i)).find((b) => completeNip(b) === null);
    expect(impossible).toBeDefined();
    expect(isValidNip(`${impossible}0`)).toBe(false);
  });
});

describe('REGON', () => {
  it('validates 9- and 14-digit numbers', () => {
    expect(isValidRegon('123456785')).toBe(true);
    expect(isValidRegon('123456786')).toBe(false);
    const long = completeRegon('1234567851234');
    expect(long).toHaveLength(14);
    expect(isValidRegon(long)).toBe(true);
    expect(isValidRegon(long.slice(0, 13) + ((Number(long[13]) + 1) % 10))).toBe(false);
    // A 14-digit number must extend a valid 9-digit one.
    expect(isValidRegon(completeRegon('1234567861234'))).toBe(false);
  });
  it('maps remainder 10 to check digit 0', () => {
    const body = Array.from({ length: 2000 }, (_, i) => String(10000000 + i)).find((b) => {
      const w = [8, 9, 2, 3, 4, 5, 6, 7];
      return w.reduce((s, x, i) => s + x * Number(b[i]), 0) % 11 === 10;
    })!;
    expect(completeRegon(body)).toBe(`${body}0`);
  });
});

describe('PESEL', () => {
  it('accepts valid numbers and reads the birth date across centuries', () => {
    expect(isValidPesel('44051401359')).toBe(true);
    expect(peselBirthDate('44051401359')).toBe('1944-05-14');
    expect(isValidPesel('02270803624')).toBe(true);
    expect(peselBirthDate('02270803624')).toBe('2002-07-08');
  });
  it('refuses wrong check digits and impossible dates', () => {
    expect(isValidPesel('44051401358')).toBe(false);
    expect(isValidPesel('4405140135')).toBe(false);
    // 31 February, with a correct check digit
    const feb31 = makePeselUnchecked('850231', '1234');
    expect(isValidPesel(feb31)).toBe(false);
  });
  it('makes valid numbers with the sex digit', () => {
    const f = makePesel('1987-12-03', 123, 'F');
    const m = makePesel('2005-01-31', 7, 'M');
    expect(isValidPesel(f) && isValidPesel(m)).toBe(true);
    expect(Number(f[9]) % 2).toBe(0);
    expect(Number(m[9]) % 2).toBe(1);
    expect(peselBirthDate(m)).toBe('2005-01-31');
  });
});

function makePeselUnchecked(yymmdd: string, rest: string): string {
  const body = yymmdd + rest;
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  return body + ((10 - (w.reduce((s, x, i) => s + x * Number(body[i]), 0) % 10)) % 10);
}

describe('bank accounts', () => {
  it('validates NRB and IBAN by mod 97', () => {
    expect(isValidNrb('61 1090 1014 0000 0712 1981 2874')).toBe(true);
    expect(isValidNrb('PL61109010140000071219812874')).toBe(true);
    expect(isValidNrb('61109010140000071219812875')).toBe(false);
    expect(isValidNrb('6110901014000007121981287')).toBe(false);
    expect(isValidIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isValidIban('GB82 WEST 1234 5698 7654 33')).toBe(false);
  });
  it('computes check digits for a BBAN, including leading zeros', () => {
    expect(nrbFromBban('109010140000071219812874')).toBe('61109010140000071219812874');
    for (let i = 0; i < 200; i++) {
      const bban = `10901014${String(i * 7919).padStart(16, '0')}`;
      const nrb = nrbFromBban(bban);
      expect(nrb).toHaveLength(26);
      expect(isValidNrb(nrb)).toBe(true);
    }
  });
  it('computes mod 97 of long numbers exactly', () => {
    expect(mod97('3214282912345698765432161182')).toBe(1);
    expect(mod97('97')).toBe(0);
  });
  it('validates bank sort codes and prints accounts in groups of four', () => {
    expect(isValidSortCode('10901014')).toBe(true);
    expect(isValidSortCode('10901015')).toBe(false);
    expect(formatNrb('61109010140000071219812874')).toBe('61 1090 1014 0000 0712 1981 2874');
  });
});

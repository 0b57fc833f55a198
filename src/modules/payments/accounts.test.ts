/** Individual accounts from the utility's prefix and the customer's number; account numbers as typed and as banks write them. */
import { describe, expect, it } from 'vitest';
import { completeSortCode, isValidNrb, mod97 } from '../../lib/check-digits.ts';
import { AppError } from '../../lib/errors.ts';
import { customerDigitsFromAccount, formatAccount, individualAccount, isValidVirtualPrefix, normalizeAccount, parseTypedAccount } from './accounts.ts';

// A demo utility's prefix: sort code 1020132 + its check digit, then 7701 for the utility.
const PREFIX = `${completeSortCode('1020132')}7701`;

describe('individual accounts', () => {
  it('puts the zero-padded customer number after the prefix and computes the check digits mod 97', () => {
    expect(PREFIX).toBe('102013297701'); // weights 3,9,7,1,3,9,7: 3+0+14+0+3+27+14 = 61 → check digit 9
    const nrb = individualAccount(PREFIX, '0000215');
    expect(nrb.slice(2)).toBe('102013297701000000000215');
    // By hand: 98 − (BBAN + "2521" (P=25, L=21) + "00") mod 97.
    expect(nrb.slice(0, 2)).toBe(String(98 - mod97('102013297701000000000215252100')).padStart(2, '0'));
    expect(isValidNrb(nrb)).toBe(true);
    expect(individualAccount(PREFIX, 215)).toBe(nrb);
    expect(individualAccount(PREFIX, 'K/000215')).toBe(nrb);
  });
  it('gives every customer a different valid account and reads the customer back from it', () => {
    const seen = new Set<string>();
    for (let n = 1; n <= 500; n++) {
      const nrb = individualAccount(PREFIX, n);
      expect(isValidNrb(nrb)).toBe(true);
      seen.add(nrb);
      expect(customerDigitsFromAccount(PREFIX, `PL${nrb}`)).toBe(String(n));
    }
    expect(seen.size).toBe(500);
    expect(customerDigitsFromAccount('102013297702', `PL${individualAccount(PREFIX, 5)}`)).toBeNull();
  });
  it('refuses a bad prefix and a number that does not fit', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as AppError).code;
      }
      return null;
    };
    expect(isValidVirtualPrefix('10201329')).toBe(true);
    expect(code(() => individualAccount('10201323', 1))).toBe('payments.account.bad_prefix');
    expect(code(() => individualAccount('1020', 1))).toBe('payments.account.bad_prefix');
    expect(code(() => individualAccount(PREFIX, '1234567890123'))).toBe('payments.account.number_does_not_fit');
    expect(code(() => individualAccount(PREFIX, 'abc'))).toBe('payments.account.number_does_not_fit');
  });
});

describe('account numbers', () => {
  it('normalises the forms banks and people write', () => {
    const iban = 'PL61109010140000071219812874';
    for (const s of ['61 1090 1014 0000 0712 1981 2874', 'PL61109010140000071219812874', 'pl61-1090-1014-0000-0712-1981-2874', '/PL61109010140000071219812874', '10901014/0000071219812874']) {
      expect(normalizeAccount(s)).toBe(iban);
    }
    expect(normalizeAccount('GB82 WEST 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
    expect(normalizeAccount('61109010140000071219812875')).toBeNull();
    expect(normalizeAccount('61109010140000071219812875', false)).toBe('PL61109010140000071219812875');
    expect(normalizeAccount('1234')).toBeNull();
    expect(normalizeAccount(null)).toBeNull();
  });
  it('prints in groups of four', () => {
    expect(formatAccount('PL61109010140000071219812874')).toBe('PL61 1090 1014 0000 0712 1981 2874');
    expect(formatAccount('61109010140000071219812874')).toBe('61 1090 1014 0000 0712 1981 2874');
  });
  it('validates a typed account: the NRB, or a 400 with a code and both languages', () => {
    expect(parseTypedAccount(' PL 61 1090 1014 0000 0712 1981 2874 ')).toBe('61109010140000071219812874');
    for (const bad of ['61109010140000071219812875', 'GB82WEST12345698765432', 'abc']) {
      try {
        parseTypedAccount(bad, 'refundAccount');
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect((e as AppError).kind).toBe('bad_request');
        expect((e as AppError).code).toBe('payments.account.invalid');
        expect((e as AppError).details).toEqual({ field: 'refundAccount' });
        expect((e as AppError).messages.pl).toMatch(/Numer rachunku/);
      }
    }
  });
});

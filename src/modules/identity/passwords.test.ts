import { describe, expect, it } from 'vitest';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.ts';

describe('password policy', () => {
  it('asks for 10 to 200 characters with letters and digits', () => {
    expect(checkPasswordPolicy('Ab1')?.code).toBe('password.too_short');
    expect(checkPasswordPolicy(`a1${'x'.repeat(199)}`)?.code).toBe('password.too_long');
    expect(checkPasswordPolicy('tylkolitery')?.code).toBe('password.too_simple');
    expect(checkPasswordPolicy('12345678901')?.code).toBe('password.too_simple');
    expect(checkPasswordPolicy('Źdźbło2026trawy')).toBeUndefined();
  });

  it('refuses the mailbox name inside the password, but not single letters of a short one', () => {
    expect(checkPasswordPolicy('xKowalski2026', 'kowalski@example.com')?.code).toBe('password.contains_email');
    expect(checkPasswordPolicy('Woda2026bezpieczna', 'a@example.com')).toBeUndefined();
  });
});

describe('argon2id', () => {
  it('hashes with argon2id and verifies only the right password; a broken hash is just a mismatch', async () => {
    const h = await hashPassword('Woda2026bezpieczna');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'Woda2026bezpieczna')).toBe(true);
    expect(await verifyPassword(h, 'Woda2026bezpieczne')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
});

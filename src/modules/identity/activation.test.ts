import { describe, expect, it } from 'vitest';
import { activationCodeState, hashActivationCode, newActivationCode, normalizeActivationCode } from './activation.ts';

describe('activation codes', () => {
  it('are 16 unambiguous characters in four groups, different each time', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newActivationCode()));
    expect(codes.size).toBe(200);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/);
  });

  it('match however the customer typed them (case, spaces, dashes)', () => {
    const code = newActivationCode();
    const stored = { activation_code_hash: hashActivationCode(code), activation_code_expires_at: new Date(Date.now() + 86_400_000), activation_code_used_at: null };
    expect(activationCodeState(stored, code)).toBe('valid');
    expect(activationCodeState(stored, ` ${code.toLowerCase().replace(/-/g, ' ')} `)).toBe('valid');
    expect(normalizeActivationCode('ab-cd ef')).toBe('ABCDEF');
  });

  it('tell wrong, expired and spent codes apart (only for the right code)', () => {
    const code = newActivationCode();
    const hash = hashActivationCode(code);
    const past = new Date(Date.now() - 1000);
    const future = new Date(Date.now() + 86_400_000);
    expect(activationCodeState({ activation_code_hash: hash, activation_code_expires_at: future, activation_code_used_at: null }, newActivationCode())).toBe('wrong');
    expect(activationCodeState({ activation_code_hash: null, activation_code_expires_at: null, activation_code_used_at: null }, code)).toBe('wrong');
    expect(activationCodeState({ activation_code_hash: hash, activation_code_expires_at: past, activation_code_used_at: null }, code)).toBe('expired');
    expect(activationCodeState({ activation_code_hash: hash, activation_code_expires_at: future, activation_code_used_at: past }, code)).toBe('spent');
    // A wrong code says nothing about whether the right one was spent.
    expect(activationCodeState({ activation_code_hash: hash, activation_code_expires_at: past, activation_code_used_at: past }, 'AAAA')).toBe('wrong');
  });
});

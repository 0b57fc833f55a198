/**
 * Password hashing (argon2id via @node-rs/argon2: a prebuilt binary from the
 * registry, no compile step) and the password policy.
 */
import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
const OPTIONS = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

export interface PolicyProblem {
  code: string;
  pl: string;
  en: string;
}

/** At least 10 characters, letters and digits, not the e-mail itself. */
export function checkPasswordPolicy(password: string, email?: string): PolicyProblem | undefined {
  if (password.length < 10)
    return { code: 'password.too_short', pl: 'Hasło musi mieć co najmniej 10 znaków.', en: 'The password must have at least 10 characters.' };
  if (password.length > 200)
    return { code: 'password.too_long', pl: 'Hasło może mieć najwyżej 200 znaków.', en: 'The password may have at most 200 characters.' };
  if (!/\p{L}/u.test(password) || !/\d/.test(password))
    return { code: 'password.too_simple', pl: 'Hasło musi zawierać litery i cyfry.', en: 'The password must contain letters and digits.' };
  // The mailbox name inside the password is guessable; very short names (a@…) would forbid common letters, so they are not checked.
  const local = email?.toLowerCase().split('@')[0] ?? '';
  if (local.length >= 4 && password.toLowerCase().includes(local))
    return { code: 'password.contains_email', pl: 'Hasło nie może zawierać adresu e-mail.', en: 'The password must not contain your e-mail address.' };
  return undefined;
}

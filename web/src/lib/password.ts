/**
 * The password policy as the server enforces it (src/modules/identity/passwords.ts),
 * checked in the browser first so that the user learns it before sending.
 * Returns the translation key of the first problem.
 */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < 10) return 'password.tooShort';
  if (password.length > 200) return 'password.tooLong';
  if (!/\p{L}/u.test(password) || !/\d/.test(password)) return 'password.tooSimple';
  const local = email?.toLowerCase().split('@')[0];
  if (local && password.toLowerCase().includes(local)) return 'password.containsEmail';
  return undefined;
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The problems of a new password and its repetition, as translation keys:
 * the policy, optionally "required" when empty and "same as the old one".
 */
export function newPasswordProblems(
  password: string,
  repeat: string,
  opts: { email?: string; current?: string; requiredWhenEmpty?: boolean } = {},
): { password?: string; repeat?: string } {
  const out: { password?: string; repeat?: string } = {};
  const p = opts.requiredWhenEmpty && !password ? 'errors.required' : passwordProblem(password, opts.email);
  if (p) out.password = p;
  else if (opts.current !== undefined && password === opts.current) out.password = 'password.sameAsOld';
  if (repeat !== password) out.repeat = 'errors.passwordMismatch';
  return out;
}

/** A TOTP code as typed (spaces allowed) → its six digits, or undefined when it is not one. */
export function totpCode(input: string): string | undefined {
  const c = input.replace(/\s/g, '');
  return /^\d{6}$/.test(c) ? c : undefined;
}

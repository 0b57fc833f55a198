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

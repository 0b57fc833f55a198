/** What identity's services need to know about the request that calls them. */
import type { AppError } from '../../lib/errors.ts';

export interface RequestInfo {
  utilityId: number;
  ip: string;
  userAgent?: string;
}

/**
 * The result of a step whose failure must itself be kept (a failed guess is
 * counted even though the request fails): the route commits the transaction
 * first and then throws the error.
 */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: AppError };

export const succeed = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <T>(error: AppError): Outcome<T> => ({ ok: false, error });

/** What the sign-in screen shows next. */
export type Next = 'done' | 'totp' | 'change_password';

export function nextStep(u: { kind: string; totpEnabled: boolean; mustChangePassword: boolean }, mfaPassed: boolean): Next {
  if (u.kind === 'staff' && u.totpEnabled && !mfaPassed) return 'totp';
  if (u.mustChangePassword) return 'change_password';
  return 'done';
}

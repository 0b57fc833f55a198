/**
 * Who may see a page: the same policy words the server's routes use
 * (`public`, `customer`, `staff`, `staff:role1,role2`; admin passes every
 * staff policy). The server decides for real; the client only hides what
 * would be refused.
 */
import type { SessionUser, StaffRole } from './api/types.ts';

export type Access = 'public' | 'guest' | 'signed-in' | 'customer' | 'staff' | `staff:${string}`;

export function mayAccess(access: Access, user: SessionUser | null): boolean {
  if (access === 'public') return true;
  if (access === 'guest') return !user;
  if (!user || user.mfaPending) return false;
  if (access === 'signed-in') return true;
  if (user.mustChangePassword) return false;
  if (access === 'customer') return user.kind === 'customer';
  if (user.kind !== 'staff') return false;
  if (access === 'staff') return true;
  const roles = access.slice(6).split(',') as StaffRole[];
  return user.roles.includes('admin') || user.roles.some((r) => roles.includes(r));
}

/** Where a user lands after login or on `/`. */
export function homeOf(user: SessionUser | null): string {
  if (!user) return '/login';
  if (user.mfaPending) return '/login';
  if (user.mustChangePassword) return '/change-password';
  if (user.kind === 'customer') return '/portal';
  // A meter reader and nothing else starts on the phone view of their routes.
  return user.roles.length > 0 && user.roles.every((r) => r === 'meter_reader') ? '/reader' : '/staff';
}

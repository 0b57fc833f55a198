/**
 * Who may call a route. Every route declares `config.access`; the app refuses
 * to start when one does not (see app.ts), and test/route-access.test.ts
 * calls every registered route as the wrong caller.
 *
 *   public            anyone, no session needed
 *   customer          a logged-in portal user (acting for one of their customers)
 *   signed-in         any signed-in user, customer or staff (their own account: password change)
 *   staff             any staff user of the utility (after TOTP when enabled)
 *   staff:a,b         staff holding one of the roles a, b (admin passes every staff route)
 *   gateway           a fixed-network gateway with its bearer token (checked by the route)
 */
import { forbidden, unauthenticated } from '../lib/errors.ts';

export const STAFF_ROLES = ['admin', 'customer_service', 'billing', 'meter_reader', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export type Access = 'public' | 'customer' | 'signed-in' | 'staff' | 'gateway' | `staff:${string}`;

export interface AuthUser {
  id: number;
  utilityId: number;
  kind: 'customer' | 'staff';
  email: string;
  name: string;
  roles: StaffRole[];
  /** Customers this portal user may act for. */
  customerIds: number[];
  mustChangePassword: boolean;
  totpEnabled: boolean;
  /**
   * A portal user who has not accepted the current portal terms (see
   * identity/terms.ts): portal calls are refused until they do.
   */
  termsOwed?: boolean;
}

export interface AuthSession {
  tokenHash: string;
  csrfToken: string;
  mfaPassed: boolean;
}

export function isValidAccess(a: unknown): a is Access {
  if (a === 'public' || a === 'customer' || a === 'signed-in' || a === 'staff' || a === 'gateway') return true;
  if (typeof a !== 'string' || !a.startsWith('staff:')) return false;
  const roles = a.slice(6).split(',');
  return roles.length > 0 && roles.every((r) => (STAFF_ROLES as readonly string[]).includes(r));
}

export interface AccessOptions {
  /** Routes a user who must change the password may still call (session, change-password, logout). */
  allowPendingPasswordChange?: boolean;
  /** Routes a staff user may call before passing TOTP (the TOTP step itself). */
  allowPendingMfa?: boolean;
  /** Portal routes a customer may call while the current terms are not accepted (reading and accepting them). */
  allowPendingTerms?: boolean;
}

/** Throws unless the user may call a route with this policy. */
export function assertAccess(access: Access, user: AuthUser | undefined, session: AuthSession | undefined, opts: AccessOptions = {}): void {
  if (access === 'public' || access === 'gateway') return;
  if (!user || !session) throw unauthenticated();
  if (user.mustChangePassword && !opts.allowPendingPasswordChange) {
    throw forbidden('auth.password_change_required', 'Przed dalszą pracą prosimy ustawić nowe hasło.', 'Please set a new password before you continue.');
  }
  if (access === 'signed-in' && user.kind === 'customer') return;
  if (access === 'customer') {
    if (user.kind !== 'customer') throw forbidden('auth.customers_only', 'Ta funkcja jest dostępna dla klientów.', 'This is for customers only.');
    if (user.termsOwed && !opts.allowPendingTerms) throw termsNotAccepted();
    return;
  }
  if (user.kind !== 'staff') throw forbidden('auth.staff_only', 'Ta funkcja jest dostępna dla pracowników.', 'This is for staff only.');
  if (user.totpEnabled && !session.mfaPassed && !opts.allowPendingMfa) {
    throw unauthenticated('auth.totp_required', 'Prosimy podać kod z aplikacji uwierzytelniającej.', 'Enter the code from your authenticator app.');
  }
  if (access === 'staff' || access === 'signed-in') return;
  const allowed = access.slice(6).split(',') as StaffRole[];
  if (user.roles.includes('admin') || user.roles.some((r) => allowed.includes(r))) return;
  throw forbidden('auth.role_missing', 'Role tego konta nie pozwalają na tę operację.', 'Your role does not allow this.');
}

/**
 * The refusal of a portal call while new terms are owed: the web app shows
 * /accept-terms, but the server is the gate, so another client (or an old
 * tab) cannot go round it.
 */
export const termsNotAccepted = () =>
  forbidden(
    'auth.terms_not_accepted',
    'Przed dalszym korzystaniem z e-BOK prosimy zaakceptować nową wersję regulaminu.',
    'Please accept the new version of the portal terms before you continue.',
  );

/** Throws unless a portal user may act for this customer (404, so that ids of others reveal nothing). */
export function assertOwnCustomer(user: AuthUser, customerId: number): void {
  if (user.kind === 'customer' && !user.customerIds.includes(customerId)) {
    throw forbidden('customer.not_yours', 'To konto nie ma dostępu do danych tego klienta.', "You have no access to this customer's data.");
  }
}

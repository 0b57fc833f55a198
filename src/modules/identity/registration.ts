/**
 * Self-registration of a portal user, as Polish utilities do it: the
 * customer number and the activation code from a letter or an invoice prove
 * the customer; the e-mail address is proved by a link; the current portal
 * terms must be accepted (the acceptance is recorded). Sign-in is possible
 * only after the address is confirmed. A customer that already has a portal
 * account gets another one only through staff.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { AppError, badRequest, conflict } from '../../lib/errors.ts';
import { defineComposer, queueEmail, type EmailRequest } from '../notify/index.ts';
import { verifyEmailMessage } from '../notify/templates.ts';
import { activationCodeState, normalizeActivationCode } from './activation.ts';
import { LIMITS, rateLimited, recentAttempts, recordAttempt } from './attempts.ts';
import { recordAudit } from './audit.ts';
import { fail, succeed, type Outcome, type RequestInfo } from './context.ts';
import { findCurrentTerms, recordTermsAcceptance } from './terms.ts';
import { consumeAuthToken, issueAuthToken, TOKEN_MINUTES, voidAuthTokens } from './tokens.ts';
import { assertPasswordPolicy, createPortalUser, customerHasPortalUser, findUserByEmail, normalizeEmail } from './users.ts';

export interface RegistrationInput {
  customerNumber: string;
  activationCode: string;
  email: string;
  password: string;
  acceptTerms: boolean;
  termsVersionId: number;
}

export interface Mailing {
  utilityName: string;
  /** The portal's address for this utility, e.g. https://ebok.example/t/zgk-wodnik */
  portalUrl: string;
}

const codeProblem: Record<'wrong' | 'expired' | 'spent', () => AppError> = {
  wrong: () =>
    badRequest(
      'registration.invalid_code',
      'Numer klienta lub kod aktywacyjny jest nieprawidłowy. Prosimy sprawdzić dane z pisma lub faktury.',
      'The customer number or the activation code is wrong. Check the letter or the invoice.',
    ),
  expired: () =>
    badRequest(
      'registration.code_expired',
      'Kod aktywacyjny wygasł. Nowy wyda Biuro Obsługi Klienta.',
      'The activation code has expired. Ask customer service for a new one.',
    ),
  spent: () =>
    conflict(
      'registration.code_spent',
      'Ten kod aktywacyjny został już wykorzystany. Zapomniane hasło można ustawić na nowo.',
      'This activation code has already been used. If you forgot your password, reset it.',
    ),
};

export async function register(tx: Tx, info: RequestInfo, input: RegistrationInput, mail: Mailing): Promise<Outcome<{ userId: number }>> {
  if (input.acceptTerms !== true) {
    throw badRequest('registration.terms_not_accepted', 'Do założenia konta potrzebna jest akceptacja regulaminu e-BOK.', 'Accept the portal terms to create an account.', {
      field: 'acceptTerms',
    });
  }
  const email = normalizeEmail(input.email);
  assertPasswordPolicy(input.password, email);
  const terms = await findCurrentTerms(tx, 'portal');
  if (!terms || terms.id !== input.termsVersionId) {
    throw badRequest(
      'registration.terms_outdated',
      'Regulamin został zmieniony. Prosimy odświeżyć stronę, przeczytać aktualną wersję i ją zaakceptować.',
      'The terms have changed. Reload the page, read the current version and accept it.',
      { field: 'termsVersionId' },
    );
  }
  if ((await recentAttempts(tx, 'register', info.ip)) >= LIMITS.ipFailures) return fail(rateLimited());

  const customer = await tx
    .selectFrom('customers')
    .select(['id', 'name', 'activation_code_hash', 'activation_code_expires_at', 'activation_code_used_at'])
    .where(sql<string>`upper(customer_number)`, '=', input.customerNumber.trim().toUpperCase())
    .forUpdate()
    .executeTakeFirst();
  const state = customer ? activationCodeState(customer, normalizeActivationCode(input.activationCode)) : 'wrong';
  if (!customer || state !== 'valid') {
    await recordAttempt(tx, { utilityId: info.utilityId, kind: 'register', ip: info.ip, email, ok: false });
    await recordAudit(tx, {
      utilityId: info.utilityId,
      actorKind: 'anonymous',
      action: 'auth.registration_refused',
      entity: 'customer',
      entityId: customer?.id ?? null,
      customerId: customer?.id ?? null,
      ip: info.ip,
      data: { reason: state },
    });
    return fail(codeProblem[state === 'valid' ? 'wrong' : state]());
  }
  if (await customerHasPortalUser(tx, customer.id)) {
    throw conflict(
      'registration.customer_has_account',
      'Ten klient ma już konto w e-BOK. Kolejne konto może założyć Biuro Obsługi Klienta.',
      'This customer already has a portal account. Customer service can add another one.',
    );
  }
  if (await findUserByEmail(tx, email)) {
    throw conflict('registration.email_taken', 'Konto z tym adresem e-mail już istnieje. Prosimy się zalogować lub ustawić nowe hasło.', 'An account with this e-mail address already exists. Sign in or reset your password.');
  }

  const user = await createPortalUser(tx, { utilityId: info.utilityId, email, name: customer.name, password: input.password, customerIds: [customer.id] });
  await tx.updateTable('customers').set({ activation_code_used_at: sql`now()` }).where('id', '=', customer.id).execute();
  await recordTermsAcceptance(tx, {
    utilityId: info.utilityId,
    termsVersionId: terms.id,
    userId: user.id,
    customerId: customer.id,
    ip: info.ip,
    userAgent: info.userAgent,
  });
  await sendVerification(tx, info.utilityId, user.id, email, mail);
  await recordAttempt(tx, { utilityId: info.utilityId, kind: 'register', ip: info.ip, email, userId: user.id, ok: true });
  await recordAudit(tx, {
    utilityId: info.utilityId,
    actorId: user.id,
    actorKind: 'customer',
    action: 'auth.registered',
    entity: 'user',
    entityId: user.id,
    customerId: customer.id,
    ip: info.ip,
    data: { termsVersionId: terms.id, termsVersion: terms.version },
  });
  return succeed({ userId: user.id });
}

export async function sendVerification(tx: Tx, utilityId: number, userId: number, email: string, mail: Mailing): Promise<void> {
  const token = await issueAuthToken(tx, utilityId, userId, 'verify_email');
  const msg = verifyEmailMessage(
    { utilityName: mail.utilityName },
    { link: `${mail.portalUrl}/verify-email?token=${encodeURIComponent(token)}`, hours: TOKEN_MINUTES.verify_email / 60 },
  );
  await queueEmail(tx, { utilityId, to: email, ...msg });
}

/** Confirms the address behind a verification link; the account may sign in from now on. */
export async function verifyEmail(tx: Tx, info: RequestInfo, token: string): Promise<void> {
  const { userId } = await consumeAuthToken(tx, 'verify_email', token);
  await tx.updateTable('users').set({ email_verified_at: sql`coalesce(email_verified_at, now())` }).where('id', '=', userId).execute();
  await recordAudit(tx, { utilityId: info.utilityId, actorId: userId, actorKind: 'customer', action: 'auth.email_verified', entity: 'user', entityId: userId, ip: info.ip });
}

/** Made by the outbox worker: a new link for an account that has not confirmed its address, nothing for any other. */
const askForVerificationMail = defineComposer('verify_email', async (tx: Tx, req: EmailRequest) => {
  const user = req.to.length <= 254 ? await findUserByEmail(tx, req.to) : undefined;
  if (!user || user.kind !== 'customer' || user.email_verified_at || user.disabled_at) return;
  await voidAuthTokens(tx, user.id, 'verify_email');
  await sendVerification(tx, req.utilityId, user.id, user.email, req.data as unknown as Mailing);
});

/**
 * Asks for a new verification link to an account that has not confirmed its
 * address (the old links stop working). The same answer after the same work
 * for every address: the worker looks the address up (see requests.ts).
 */
export async function resendVerification(tx: Tx, info: RequestInfo, email: string, mail: Mailing): Promise<void> {
  if ((await recentAttempts(tx, 'verify_email', info.ip, { all: true })) >= LIMITS.ipResetRequests) throw rateLimited();
  await recordAttempt(tx, { utilityId: info.utilityId, kind: 'verify_email', ip: info.ip, email, ok: true });
  await askForVerificationMail(tx, { utilityId: info.utilityId, to: email, data: { ...mail } });
}

/**
 * Password reset by e-mail: a request always gets the same answer after the
 * same work (it tells nobody whether the address has an account, neither by
 * its words nor by its time): it records the request and asks the outbox
 * worker for the message, which looks the address up, issues the link and
 * renders the e-mail later. The link is valid for an hour and once; setting
 * the new password ends every session of the account and lifts the TOTP
 * step's lock.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { defineComposer, queueEmail, type EmailRequest } from '../notify/index.ts';
import { passwordResetMessage } from '../notify/templates.ts';
import { LIMITS, rateLimited, recentAttempts, recordAttempt } from './attempts.ts';
import { recordAudit } from './audit.ts';
import type { RequestInfo } from './context.ts';
import { hashPassword } from './passwords.ts';
import type { Mailing } from './registration.ts';
import { destroyUserSessions } from './sessions.ts';
import { consumeAuthToken, issueAuthToken, TOKEN_MINUTES, voidAuthTokens } from './tokens.ts';
import { assertPasswordPolicy, findUserByEmail } from './users.ts';

/** Made by the outbox worker: a link and a message for an enabled account, nothing for any other address. */
const askForResetMail = defineComposer('password_reset', async (tx: Tx, req: EmailRequest) => {
  const user = req.to.length <= 254 ? await findUserByEmail(tx, req.to) : undefined;
  if (!user || user.disabled_at) return;
  const mail = req.data as unknown as Mailing & { ip: string };
  await voidAuthTokens(tx, user.id, 'password_reset');
  const token = await issueAuthToken(tx, req.utilityId, user.id, 'password_reset');
  const msg = passwordResetMessage(
    { utilityName: mail.utilityName },
    { link: `${mail.portalUrl}/reset-password?token=${encodeURIComponent(token)}`, minutes: TOKEN_MINUTES.password_reset },
  );
  await queueEmail(tx, { utilityId: req.utilityId, to: user.email, ...msg });
  await recordAudit(tx, { utilityId: req.utilityId, actorKind: 'anonymous', action: 'auth.password_reset_requested', entity: 'user', entityId: user.id, ip: mail.ip });
});

export async function requestPasswordReset(tx: Tx, info: RequestInfo, email: string, mail: Mailing): Promise<void> {
  if ((await recentAttempts(tx, 'password_reset', info.ip, { all: true })) >= LIMITS.ipResetRequests) throw rateLimited();
  await recordAttempt(tx, { utilityId: info.utilityId, kind: 'password_reset', ip: info.ip, email, ok: true });
  await askForResetMail(tx, { utilityId: info.utilityId, to: email, data: { ...mail, ip: info.ip } });
}

export async function confirmPasswordReset(tx: Tx, info: RequestInfo, token: string, password: string): Promise<void> {
  const { userId } = await consumeAuthToken(tx, 'password_reset', token);
  const user = await tx.selectFrom('users').select(['email', 'kind']).where('id', '=', userId).executeTakeFirstOrThrow();
  assertPasswordPolicy(password, user.email);
  await tx
    .updateTable('users')
    .set({
      password_hash: await hashPassword(password),
      must_change_password: false,
      failed_logins: 0,
      locked_until: null,
      // The link reached the mailbox, which proves the address too.
      email_verified_at: sql`coalesce(email_verified_at, now())`,
    })
    .where('id', '=', userId)
    .execute();
  await destroyUserSessions(tx, userId);
  await recordAudit(tx, { utilityId: info.utilityId, actorId: userId, actorKind: user.kind as 'customer' | 'staff', action: 'auth.password_reset', entity: 'user', entityId: userId, ip: info.ip });
}

/**
 * Identity's HTTP routes: sign-in (password, then TOTP for staff), session,
 * sign-out, registration with an activation code, e-mail verification,
 * password change and reset, TOTP set-up, the current terms. Routes are thin:
 * the rules live in the service files.
 */
import type { App, AppDeps } from '../../http/context.ts';
import { inTenant, userOf, utilityOf } from '../../http/context.ts';
import { secretBox, serverKey, type SecretBox } from '../../lib/secret-box.ts';
import { recordAudit } from './audit.ts';
import { passwordLogin, changePassword } from './login.ts';
import { confirmPasswordReset, requestPasswordReset } from './recovery.ts';
import { register, resendVerification, verifyEmail } from './registration.ts';
import { clearSessionCookie, mailing, refuse, requestInfo, sessionView, setSessionCookie, signedIn } from './request.ts';
import {
  LoginBody,
  PasswordChangeBody,
  RegisterBody,
  ResetConfirmBody,
  ResetRequestBody,
  SessionResponse,
  Status,
  Terms,
  TermsQuery,
  TokenBody,
  TotpBody,
  TotpSetup,
  UserNext,
} from './schema.ts';
import { CSRF_COOKIE, SESSION_COOKIE, destroySession, loadAuthUser } from './sessions.ts';
import { staffRoutes } from './staff-routes.ts';
import { currentTerms, termsToAccept } from './terms.ts';
import { enableTotp, setupTotp, totpLogin } from './totp.ts';

const tags = ['auth'];

export async function routes(app: App, deps: AppDeps) {
  const { config } = deps;
  let box: SecretBox | undefined;
  // Sealing needs the server key; it is read on first use so that a server without TOTP users never needs it.
  const getBox = () => (box ??= secretBox(serverKey(config)));

  app.get(
    '/api/auth/session',
    { config: { access: 'public' }, schema: { tags, summary: 'The signed-in user, or null', response: { 200: SessionResponse } } },
    async (req) => {
      if (!req.user || !req.session) return { user: null };
      const user = req.user;
      // Only a portal user can owe an acceptance of new terms; staff sessions cost no query.
      const pending = user.kind === 'customer' && (await inTenant(app, req, (tx) => termsToAccept(tx, user.id))) !== null;
      return { user: sessionView(user, req.session.mfaPassed, pending) };
    },
  );

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Sign in with e-mail and password', body: LoginBody, response: { 200: UserNext } },
    },
    async (req, reply) => {
      const out = await inTenant(app, req, async (tx) => {
        const r = await passwordLogin(tx, requestInfo(req), {
          email: req.body.email,
          password: req.body.password,
          csrfToken: req.cookies[CSRF_COOKIE],
          previousSession: req.session,
        });
        if (!r.ok) return r;
        const user = (await loadAuthUser(tx, r.value.userId))!;
        return { ...r, user, termsPending: user.kind === 'customer' && (await termsToAccept(tx, user.id)) !== null };
      });
      if (!out.ok) refuse(reply, out.error);
      setSessionCookie(reply, config, out.value.session.token);
      return { user: sessionView(out.user, out.value.next !== 'totp', out.termsPending), next: out.value.next };
    },
  );

  app.post(
    '/api/auth/totp',
    {
      config: { access: 'staff', allowPendingMfa: true, allowPendingPasswordChange: true },
      schema: { tags, summary: 'Second sign-in step for staff: the code from the authenticator app', body: TotpBody, response: { 200: UserNext } },
    },
    async (req) => {
      const user = userOf(req);
      const r = await inTenant(app, req, (tx) => totpLogin(tx, requestInfo(req), user, req.session!, req.body.code.trim(), getBox()));
      if (!r.ok) throw r.error;
      return { user: sessionView(user, true), next: r.value.next };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { access: 'public' }, schema: { tags, summary: 'Sign out (ends the session)' } },
    async (req, reply) => {
      if (req.session && req.user) {
        const { tokenHash } = req.session;
        const user = req.user;
        await inTenant(app, req, async (tx) => {
          await destroySession(tx, tokenHash);
          await recordAudit(tx, { utilityId: user.utilityId, actorId: user.id, actorKind: user.kind, action: 'auth.logout', entity: 'user', entityId: user.id, ip: req.ip });
        });
      }
      clearSessionCookie(reply);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/terms/current',
    {
      config: { access: 'public' },
      schema: { tags: ['terms'], summary: 'The current terms of the portal or of e-invoices', querystring: TermsQuery, response: { 200: Terms } },
    },
    async (req) => inTenant(app, req, (tx) => currentTerms(tx, req.query.kind ?? 'portal')),
  );

  app.post(
    '/api/auth/register',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Register a portal user with a customer number and an activation code',
        body: RegisterBody,
        response: { 201: Status },
      },
    },
    async (req, reply) => {
      const r = await inTenant(app, req, (tx) => register(tx, requestInfo(req), req.body, mailing(config, req)));
      if (!r.ok) refuse(reply, r.error);
      return reply.status(201).send({ status: 'verification_sent' });
    },
  );

  app.post(
    '/api/auth/verify-email',
    { config: { access: 'public' }, schema: { tags, summary: 'Confirm an e-mail address with the token from the link', body: TokenBody, response: { 200: Status } } },
    async (req) => {
      await inTenant(app, req, (tx) => verifyEmail(tx, requestInfo(req), req.body.token));
      return { status: 'verified' };
    },
  );

  app.post(
    '/api/auth/verify-email/resend',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Send a new verification link to an unconfirmed account (the same answer for every address)', body: ResetRequestBody, response: { 202: Status } },
    },
    async (req, reply) => {
      await inTenant(app, req, (tx) => resendVerification(tx, requestInfo(req), req.body.email.trim(), mailing(config, req))).catch((e) => refuse(reply, e));
      return reply.status(202).send({ status: 'sent_if_known' });
    },
  );

  app.post(
    '/api/auth/password-reset/request',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Send a password-reset link (the same answer whether or not the address has an account)', body: ResetRequestBody, response: { 202: Status } },
    },
    async (req, reply) => {
      await inTenant(app, req, (tx) => requestPasswordReset(tx, requestInfo(req), req.body.email.trim(), mailing(config, req))).catch((e) => refuse(reply, e));
      return reply.status(202).send({ status: 'sent_if_known' });
    },
  );

  app.post(
    '/api/auth/password-reset/confirm',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Set a new password with the token from the link (ends all sessions)', body: ResetConfirmBody, response: { 200: Status } },
    },
    async (req, reply) => {
      await inTenant(app, req, (tx) => confirmPasswordReset(tx, requestInfo(req), req.body.token, req.body.password));
      if (req.session) clearSessionCookie(reply);
      return { status: 'password_set' };
    },
  );

  // Any signed-in user (customer or staff), also one who must change the first password.
  app.post(
    '/api/auth/password',
    {
      config: { access: 'signed-in', allowPendingPasswordChange: true },
      schema: { tags, summary: 'Change the password (signed-in users; also the forced change at first sign-in)', body: PasswordChangeBody, response: { 200: UserNext } },
    },
    async (req, reply) => {
      const { user, session } = signedIn(req);
      const r = await inTenant(app, req, (tx) => changePassword(tx, requestInfo(req), user, session, req.body.currentPassword, req.body.newPassword));
      if (!r.ok) refuse(reply, r.error);
      // A portal user who set the password may still owe new terms (the web app asks for them next).
      const termsPending = user.kind === 'customer' && (await inTenant(app, req, (tx) => termsToAccept(tx, user.id))) !== null;
      return { user: sessionView({ ...user, mustChangePassword: false }, session.mfaPassed, termsPending), next: r.value.next };
    },
  );

  app.post(
    '/api/auth/totp/setup',
    { config: { access: 'staff' }, schema: { tags, summary: 'Start TOTP set-up: a new secret as otpauth URL and QR code', response: { 200: TotpSetup } } },
    async (req) => {
      const user = userOf(req);
      return inTenant(app, req, (tx) => setupTotp(tx, user, getBox(), utilityOf(req).short_name || 'Wodnik'));
    },
  );

  app.post(
    '/api/auth/totp/enable',
    { config: { access: 'staff' }, schema: { tags, summary: 'Finish TOTP set-up with a first code', body: TotpBody, response: { 200: Status } } },
    async (req) => {
      const user = userOf(req);
      await inTenant(app, req, (tx) => enableTotp(tx, requestInfo(req), user, req.session!, req.body.code.trim(), getBox()));
      return { status: 'enabled' };
    },
  );

  await staffRoutes(app, deps);
}

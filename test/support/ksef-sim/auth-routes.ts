/**
 * Sign-in (docs/uwierzytelnianie.md): the challenge, a KSeF token encrypted
 * RSA-OAEP SHA-256 as `token|timestampMs`, or an AuthTokenRequest signed XAdES;
 * the status of the operation (answers "in progress" for the first polls, so
 * that a client's polling is exercised), redeeming the token pair once, and
 * refreshing the access token. Failures that KSeF reports through the status
 * (bad token, certificate not matching the context) are reported the same way.
 */
import { X509Certificate } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { identityOf } from './certs.ts';
import { badRequest, unauthorized } from './errors.ts';
import { rsaOaepDecrypt } from './keys.ts';
import { makeReferenceNumber } from './ksef-number.ts';
import type { AuthMethod, AuthOperation, SimState, Status, TokenRecord } from './state.ts';
import { verifyAuthTokenRequest } from './xades-verify.ts';

const CHALLENGE_LIFETIME_MS = 10 * 60_000;
const AUTH_TOKEN_LIFETIME_MS = 7 * 86_400_000;

const S = {
  ok: { code: 200, description: 'Uwierzytelnianie zakończone sukcesem' },
  inProgress: { code: 100, description: 'Uwierzytelnianie w toku' },
  noPermissions: (d: string): Status => ({ code: 415, description: 'Uwierzytelnianie zakończone niepowodzeniem', details: ['Brak przypisanych uprawnień', d] }),
  badToken: (d: string): Status => ({ code: 450, description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu', details: [d] }),
  badCert: (d: string): Status => ({ code: 460, description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędu certyfikatu', details: [d] }),
};

export function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  return h && /^Bearer\s+/i.test(h) ? h.replace(/^Bearer\s+/i, '').trim() : null;
}

/** The token record of the request's Bearer token, of the given kind and unexpired, else 401. */
export function requireToken(sim: SimState, req: FastifyRequest, kind: TokenRecord['kind']): { record: TokenRecord; op: AuthOperation } {
  const t = bearer(req);
  if (!t) throw unauthorized('Wymagane jest uwierzytelnienie.');
  const record = sim.tokens.get(t);
  if (!record || record.kind !== kind) throw unauthorized('Nieprawidłowy token.');
  if (record.expiresAt <= sim.settings.now().getTime()) throw unauthorized('Token wygasł.');
  const op = sim.authOps.get(record.authRef);
  if (!op) throw unauthorized('Nieprawidłowy token.');
  if (kind === 'refresh' && op.revoked) throw badRequest(21301, 'Token KSeF został unieważniony.');
  return { record, op };
}

/** Takes a challenge for a sign-in attempt: unknown, used or older than 10 minutes → 21111. */
function takeChallenge(sim: SimState, challenge: string) {
  const c = sim.challenges.get(challenge);
  if (!c || c.used || sim.settings.now().getTime() - c.timestampMs > CHALLENGE_LIFETIME_MS) throw badRequest(21111);
  c.used = true;
  return c;
}

function startOperation(sim: SimState, method: AuthMethod, contextNip: string, status: Status, upoAuth: AuthOperation['upoAuth']) {
  const referenceNumber = makeReferenceNumber('AU', sim.settings.now());
  const authenticationToken = sim.issueToken('authentication', referenceNumber, AUTH_TOKEN_LIFETIME_MS, { 'context-identifier-type': 'Nip', 'context-identifier-value': contextNip });
  sim.authOps.set(referenceNumber, {
    referenceNumber,
    authenticationToken: authenticationToken.token,
    method,
    contextNip,
    startDate: sim.settings.now(),
    status,
    pendingPolls: sim.settings.authPendingPolls,
    redeemed: false,
    revoked: false,
    upoAuth,
  });
  return { referenceNumber, authenticationToken };
}

const methodInfo = (m: AuthMethod) =>
  m === 'Token'
    ? { category: 'Token', code: 'token.ksef', displayName: 'Token KSeF' }
    : m === 'QualifiedSeal'
      ? { category: 'XadesSignature', code: 'xades.qualified.seal', displayName: 'Pieczęć kwalifikowana' }
      : { category: 'XadesSignature', code: 'xades.qualified.signature', displayName: 'Podpis kwalifikowany' };

export function registerAuthRoutes(app: FastifyInstance, sim: SimState): void {
  app.get('/v2/security/public-key-certificates', { config: { spec: '/security/public-key-certificates' } }, async () => [
    sim.keys.KsefTokenEncryption.published,
    sim.keys.SymmetricKeyEncryption.published,
  ]);

  app.post('/v2/auth/challenge', { config: { spec: '/auth/challenge' } }, async (req) => {
    const now = sim.settings.now();
    const challenge = makeReferenceNumber('CR', now);
    sim.challenges.set(challenge, { challenge, timestampMs: now.getTime(), used: false });
    return { challenge, timestamp: now.toISOString(), timestampMs: now.getTime(), clientIp: req.ip };
  });

  app.post('/v2/auth/ksef-token', { config: { spec: '/auth/ksef-token' } }, async (req, reply) => {
    const body = req.body as { challenge: string; contextIdentifier: { type: string; value: string }; encryptedToken: string; publicKeyId?: string | null };
    const key = sim.keys.KsefTokenEncryption;
    if (body.publicKeyId && body.publicKeyId !== key.published.publicKeyId) throw badRequest(21470, `Klucz o identyfikatorze ${body.publicKeyId} nie jest wspierany.`);
    if (body.contextIdentifier.type !== 'Nip' || !/^\d{10}$/.test(body.contextIdentifier.value)) throw badRequest(21405, 'Symulator obsługuje wyłącznie kontekst typu Nip (10 cyfr).');
    const c = takeChallenge(sim, body.challenge);
    const contextNip = body.contextIdentifier.value;
    const plain = rsaOaepDecrypt(key, Buffer.from(body.encryptedToken, 'base64'))?.toString('utf8');
    const sep = plain?.lastIndexOf('|') ?? -1;
    const token = plain && sep > 0 ? plain.slice(0, sep) : null;
    const known = token ? sim.ksefTokens.get(token) : undefined;
    let status: Status = S.ok;
    if (!plain || !token || !known) status = S.badToken('Nieprawidłowy token');
    else if (plain.slice(sep + 1) !== String(c.timestampMs)) status = S.badToken('Nieprawidłowy czas tokena');
    else if (known.revoked) status = S.badToken('Token unieważniony');
    else if (known.nip !== contextNip) status = S.noPermissions(`Token nie daje uprawnień w kontekście ${contextNip}.`);
    const started = startOperation(sim, 'Token', contextNip, status, { ksefTokenReference: known?.referenceNumber ?? makeReferenceNumber('TK') });
    return reply.code(202).send(started);
  });

  app.post('/v2/auth/xades-signature', { config: { spec: '/auth/xades-signature' } }, async (req, reply) => {
    if (typeof req.body !== 'string' || req.body.length === 0) throw badRequest(21001);
    const r = verifyAuthTokenRequest(req.body);
    if (!r.ok) throw badRequest(r.error.code as 21001, ...(r.error.details ?? []));
    const v = r.value;
    if (v.context.type !== 'Nip') throw badRequest(21117, 'Symulator obsługuje wyłącznie kontekst typu Nip.');
    takeChallenge(sim, v.challenge);
    const cert = new X509Certificate(v.certificateDer);
    const id = identityOf(v.certificateDer);
    const now = sim.settings.now().getTime();
    const nip = v.context.value;
    let status: Status = S.ok;
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) status = S.badCert('Nieważny certyfikat');
    else if (v.subjectIdentifierType === 'certificateFingerprint') {
      if (!sim.grants.fingerprints.get(nip)?.has(cert.fingerprint256.replaceAll(':', '').toLowerCase())) status = S.noPermissions(`Odcisk certyfikatu nie ma uprawnień w kontekście ${nip}.`);
    } else if (id.kind === 'unknown') status = S.badCert('Niepoprawny certyfikat');
    else if (id.nip !== undefined ? id.nip !== nip : !sim.grants.pesels.get(nip)?.has(id.pesel ?? '')) {
      status = S.noPermissions(`Certyfikat (${id.nip ? `NIP ${id.nip}` : `PESEL ${id.pesel}`}) nie ma uprawnień w kontekście ${nip}.`);
    }
    const started = startOperation(sim, id.kind === 'seal' ? 'QualifiedSeal' : 'QualifiedSignature', nip, status, { documentHash: v.documentHash });
    return reply.code(202).send(started);
  });

  app.get('/v2/auth/:referenceNumber', { config: { spec: '/auth/{referenceNumber}' } }, async (req) => {
    const { op } = requireToken(sim, req, 'authentication');
    const ref = (req.params as { referenceNumber: string }).referenceNumber;
    if (op.referenceNumber !== ref) throw badRequest(21304, `Operacja uwierzytelniania o numerze referencyjnym ${ref} nie została znaleziona.`);
    let status: Status = op.status;
    if (op.pendingPolls > 0) {
      op.pendingPolls--;
      status = S.inProgress;
    }
    return {
      startDate: op.startDate.toISOString(),
      authenticationMethod: op.method,
      authenticationMethodInfo: methodInfo(op.method),
      status,
      isTokenRedeemed: op.redeemed,
      ...(op.lastTokenRefreshDate ? { lastTokenRefreshDate: op.lastTokenRefreshDate.toISOString() } : {}),
      ...(op.refreshTokenValidUntil ? { refreshTokenValidUntil: op.refreshTokenValidUntil.toISOString() } : {}),
    };
  });

  app.post('/v2/auth/token/redeem', { config: { spec: '/auth/token/redeem' } }, async (req) => {
    const { op } = requireToken(sim, req, 'authentication');
    if (op.redeemed) throw badRequest(21301, `Tokeny dla operacji uwierzytelniania ${op.referenceNumber} zostały już pobrane.`);
    if (op.status.code !== 200 || op.pendingPolls > 0) throw badRequest(21301, `Status uwierzytelniania (${op.pendingPolls > 0 ? 100 : op.status.code}) nie pozwala na pobranie tokenów.`);
    op.redeemed = true;
    const claims = { 'context-identifier-type': 'Nip', 'context-identifier-value': op.contextNip };
    const refreshToken = sim.issueToken('refresh', op.referenceNumber, sim.settings.refreshTokenLifetimeMs, claims);
    op.refreshTokenValidUntil = new Date(refreshToken.validUntil);
    return { accessToken: sim.issueToken('access', op.referenceNumber, sim.settings.accessTokenLifetimeMs, claims), refreshToken };
  });

  app.post('/v2/auth/token/refresh', { config: { spec: '/auth/token/refresh' } }, async (req) => {
    const { op } = requireToken(sim, req, 'refresh');
    op.lastTokenRefreshDate = sim.settings.now();
    return { accessToken: sim.issueToken('access', op.referenceNumber, sim.settings.accessTokenLifetimeMs, { 'context-identifier-type': 'Nip', 'context-identifier-value': op.contextNip }) };
  });
}

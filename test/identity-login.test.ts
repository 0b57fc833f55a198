/**
 * Sign-in, sign-out, sessions, throttling and lock-out, the forced password
 * change at the first sign-in, and password reset by e-mail.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pruneIdentity } from '../src/modules/identity/housekeeping.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildCustomer, buildUser, buildUtility } from './support/factories.ts';
import { composeRequested } from '../src/modules/notify/index.ts';
import { madeSoFar, outbox, tokenFromOutbox } from './identity-support.ts';

let t: TestApp;
let slug: string;
let utilityId: number;
let ipSeq = 0;

/** A browser at its own address; each visitor gets its own /24 network unless an address is given. */
function visitor(ip = `10.${(++ipSeq >> 8) & 255}.${ipSeq & 255}.7`, utilitySlug = slug): Client & { ip: string; send: (m: string, url: string, body?: unknown) => ReturnType<Client['request']> } {
  const c = client(t.app, utilitySlug);
  return Object.assign(c, { ip, send: (m: string, url: string, body?: unknown) => c.request(m, url, body, { 'x-forwarded-for': ip }) });
}
const login = (c: ReturnType<typeof visitor>, email: string, password = TEST_PASSWORD) => c.send('POST', '/api/auth/login', { email, password });

async function customerUser(over: Partial<Parameters<typeof buildUser>[2]> = {}) {
  const customer = await buildCustomer(t.database, utilityId);
  return buildUser(t.database, utilityId, { kind: 'customer', customerIds: [customer.id], ...over });
}

beforeAll(async () => {
  t = await createTestApp();
  const u = await buildUtility(t.database);
  slug = u.slug;
  utilityId = u.id;
});
afterAll(() => t?.close());

describe('sign-in and sessions', () => {
  it('signs in with an HttpOnly, SameSite=Lax session cookie, shows the session and signs out', async () => {
    const user = await customerUser();
    const c = visitor();
    const res = await login(c, user.email.toUpperCase());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ next: 'done', user: { id: user.id, kind: 'customer', mustChangePassword: false, mfaPending: false } });
    const cookie = res.cookies.find((k) => k.name === 'wodnik_session')!;
    // Under the development path prefix the cookie belongs to that utility's path only.
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: `/t/${slug}` });
    expect(cookie.secure).toBeFalsy();
    // The database keeps only a hash of the token.
    const stored = await t.database.db.selectFrom('sessions').select('token_hash').where('user_id', '=', user.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toBe(cookie.value);

    expect((await c.get('/api/auth/session')).json().user.email).toBe(user.email);
    const stolen = cookie.value;
    const out = await c.send('POST', '/api/auth/logout', {});
    expect(out.statusCode).toBe(204);
    expect((await c.get('/api/auth/session')).json().user).toBeNull();
    // The old token is dead on the server, not just forgotten by the browser.
    const replay = client(t.app, slug);
    replay.cookies.wodnik_session = stolen;
    expect((await replay.get('/api/auth/session')).json().user).toBeNull();
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('actor_id', '=', user.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.login', 'auth.logout']));
  });

  it('sets Secure on the cookie behind TLS', async () => {
    const secure = await createTestApp({ COOKIE_SECURE: '1' });
    try {
      const u = await buildUtility(secure.database);
      const user = await buildUser(secure.database, u.id, { kind: 'staff', roles: ['admin'] });
      const res = await client(secure.app, u.slug).post('/api/auth/login', { email: user.email, password: TEST_PASSWORD });
      expect(res.statusCode).toBe(200);
      expect(res.cookies.find((k) => k.name === 'wodnik_session')).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    } finally {
      await secure.close();
    }
  });

  it('needs the CSRF token (the login form first loads a page to get the cookie)', async () => {
    const user = await customerUser();
    const res = await t.app.inject({ method: 'POST', url: `/t/${slug}/api/auth/login`, payload: { email: user.email, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('auth.csrf');
  });

  it('gives a new session id at sign-in and ends the previous one', async () => {
    const user = await customerUser();
    const c = visitor();
    await login(c, user.email);
    const first = c.cookies.wodnik_session;
    await login(c, user.email);
    expect(c.cookies.wodnik_session).not.toBe(first);
    const n = await t.database.db.selectFrom('sessions').select(sql<number>`count(*)::int`.as('n')).where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(n.n).toBe(1);
  });

  it('ends a session after the idle time', async () => {
    const user = await customerUser();
    const c = visitor();
    await login(c, user.email);
    expect((await c.get('/api/auth/session')).json().user).not.toBeNull();
    await t.database.db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now() - make_interval(mins => ${t.config.sessionIdleMinutes + 1})` })
      .where('user_id', '=', user.id)
      .execute();
    // That long without a request: the minute the user is kept in memory has long passed.
    t.app.caches.sessions.clear();
    expect((await c.get('/api/auth/session')).json().user).toBeNull();
  });

  it('answers the same for an unknown address and a wrong password, in comparable time', async () => {
    const user = await customerUser();
    const c = visitor();
    const time = async (email: string) => {
      const s = performance.now();
      const r = await login(c, email, 'Zle-haslo-123');
      return { ms: performance.now() - s, r };
    };
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await time(user.email), await time(`nikt${i}@example.com`));
    const wrong = runs.filter((_, i) => i % 2 === 0);
    const unknown = runs.filter((_, i) => i % 2 === 1);
    for (const { r } of runs) {
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('auth.invalid_credentials');
    }
    expect(wrong[0].r.body).toBe(unknown[0].r.body);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1];
    const ratio = median(wrong.map((x) => x.ms)) / median(unknown.map((x) => x.ms));
    // Both verify an argon2id hash; without the dummy hash an unknown address answers ~50x faster.
    expect(ratio).toBeGreaterThan(0.4);
    expect(ratio).toBeLessThan(2.5);
  });

  it('refuses disabled accounts like unknown ones', async () => {
    const user = await customerUser();
    await t.database.db.updateTable('users').set({ disabled_at: sql`now()` }).where('id', '=', user.id).execute();
    const r = await login(visitor(), user.email);
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('auth.invalid_credentials');
  });
});

describe('slowing down guessing (no lock-out, no hint which addresses exist)', () => {
  // The throttle reads the JavaScript clock; only Date is faked, so requests still run.
  let clock = 0;
  const startClock = () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    clock = Date.parse('2026-12-07T08:00:00Z');
    vi.setSystemTime(clock);
  };
  const advance = (seconds: number) => vi.setSystemTime((clock += seconds * 1000));
  afterEach(() => vi.useRealTimers());
  const answer = (r: Awaited<ReturnType<typeof login>>) => ({ status: r.statusCode, retryAfter: r.headers['retry-after'], body: r.body });

  it('answers a known and an unknown address alike: five wrong passwords get 401, then the pair waits 30 s, 60 s, 120 s, and the right password gets in after the wait', async () => {
    startClock();
    const user = await customerUser();
    const unknownEmail = `nieznany-${user.id}@example.com`;
    const run = async (email: string, password: string) => {
      const c = visitor();
      const seen = [];
      for (let i = 1; i <= 5; i++) seen.push(answer(await login(c, email, `Zle-haslo-${i}x`)));
      for (const wait of [30, 60]) {
        seen.push(answer(await login(c, email, 'Zle-haslo-9x'))); // refused at once
        advance(wait);
        seen.push(answer(await login(c, email, 'Zle-haslo-9x'))); // checked again after the wait
      }
      const refused = await login(c, email, password);
      seen.push(answer(refused));
      advance(120);
      return { seen, after: await login(c, email, password), refused };
    };
    const known = await run(user.email, TEST_PASSWORD);
    const unknown = await run(unknownEmail, TEST_PASSWORD);
    expect(known.seen).toEqual(unknown.seen);
    expect(known.seen.map((a) => [a.status, a.retryAfter])).toEqual([
      [401, undefined], [401, undefined], [401, undefined], [401, undefined], [401, undefined],
      [429, '30'], [401, undefined],
      [429, '60'], [401, undefined],
      [429, '120'],
    ]);
    expect(known.refused.json().error).toMatchObject({
      code: 'auth.rate_limited',
      details: { retryAfterSeconds: 120 },
      messages: { pl: 'Zbyt wiele nieudanych prób. Prosimy spróbować ponownie za 2 min albo ustawić nowe hasło.', en: 'Too many failed attempts. Please try again in 2 min or reset your password.' },
    });
    expect(known.after.statusCode, known.after.body).toBe(200);
    expect(unknown.after.statusCode).toBe(401);
    const row = await t.database.db.selectFrom('users').select(['locked_until']).where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.locked_until).toBeNull();
  });

  it('lets the owner in at once from another network while one network floods the account (and floods an unknown address with the same answers)', async () => {
    startClock();
    const user = await customerUser();
    const flood = async (email: string) => {
      const attacker = visitor();
      const statuses = [];
      for (let i = 0; i < 60; i++) {
        statuses.push((await login(attacker, email, `Zgaduje-${i}-haslo`)).statusCode);
        advance(10);
      }
      return statuses;
    };
    const onKnown = await flood(user.email);
    expect(onKnown).toEqual(await flood(`nikt-${user.id}@example.com`));
    // The flooding network is slowed: most of its 60 tries in 10 minutes were refused unchecked.
    expect(onKnown.filter((s) => s === 429).length).toBeGreaterThan(45);
    expect(onKnown.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    const owner = await login(visitor(), user.email);
    expect(owner.statusCode, owner.body).toBe(200);
  });

  it('turns an IPv4 /24 away across utilities after 10 failures until 15 minutes after its first failure', async () => {
    startClock();
    const user = await customerUser();
    const other = await buildUtility(t.database);
    for (let i = 1; i <= 10; i++) {
      // Ten addresses of one /24, half of them at another utility of the deployment, each guessing another address.
      const r = await login(visitor(`198.51.100.${i}`, i % 2 ? slug : other.slug), `zgadywany${i}@example.com`, 'Cokolwiek123');
      expect(r.statusCode).toBe(401);
      advance(10);
    }
    const blocked = await login(visitor('198.51.100.200'), user.email);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBe(String(15 * 60 - 100));
    expect(blocked.json().error).toMatchObject({ code: 'auth.rate_limited', messages: { pl: expect.stringContaining('Prosimy spróbować ponownie za 14 min'), en: expect.stringContaining('try again in 14 min') } });
    // Another network is not affected.
    expect((await login(visitor('198.51.101.200'), user.email)).statusCode).toBe(200);
    advance(15 * 60 - 100 - 1); // one second before the window of the first failure ends
    const still = await login(visitor('198.51.100.201'), user.email);
    expect(still.statusCode).toBe(429);
    expect(still.headers['retry-after']).toBe('1');
    advance(1);
    expect((await login(visitor('198.51.100.202'), user.email)).statusCode).toBe(200);
  });

  it('counts 20 simultaneous guesses from one network one after another: 5 are checked (401), 15 wait (429)', async () => {
    startClock();
    const user = await customerUser();
    const attacker = visitor();
    await attacker.get('/api/auth/session'); // the CSRF cookie first, so that all 20 leave together
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => login(attacker, user.email, `Rownolegle-${i}x`)));
    const statuses = all.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(15).fill(429)]);
  });

  it('counts an IPv6 /64 as one network', async () => {
    startClock();
    const user = await customerUser();
    for (let i = 1; i <= 10; i++) expect((await login(visitor(`2001:db8:5:6::${i.toString(16)}`), `v6-${i}@example.com`, 'Cokolwiek123')).statusCode).toBe(401);
    expect((await login(visitor('2001:db8:5:6:ffff:1:2:3'), user.email)).statusCode).toBe(429);
    expect((await login(visitor('2001:db8:5:7::1'), user.email)).statusCode).toBe(200);
  });

  it('turns a network away for the rest of the day after 100 failures in 24 hours', async () => {
    startClock();
    const user = await customerUser();
    for (let w = 0; w < 10; w++) {
      for (let i = 1; i <= 10; i++) expect((await login(visitor(`198.18.7.${i}`), `dzien-${w}-${i}@example.com`, 'Cokolwiek123')).statusCode).toBe(401);
      advance(15 * 60);
    }
    // 150 minutes after the first failure the 15-minute window is over, the day's limit is not.
    const r = await login(visitor('198.18.7.99'), user.email);
    expect(r.statusCode).toBe(429);
    expect(r.headers['retry-after']).toBe(String(24 * 3600 - 150 * 60));
    advance(24 * 3600 - 150 * 60);
    expect((await login(visitor('198.18.7.99'), user.email)).statusCode).toBe(200);
  });

  it('delays an address on new networks by 30 s after 10 failures in a row from three networks (4 + 4 + 2), not on the network the owner signed in from', async () => {
    startClock();
    const user = await customerUser();
    const home = visitor();
    expect((await login(home, user.email)).statusCode).toBe(200);
    const spread = async (email: string) => {
      for (const tries of [4, 4, 2]) {
        const attacker = visitor();
        for (let i = 0; i < tries; i++) expect((await login(attacker, email, `Zgaduje-${tries}-${i}x`)).statusCode).toBe(401);
      }
      return login(visitor(), email);
    };
    const known = await spread(user.email);
    const unknown = await spread(`rozproszony-${user.id}@example.com`);
    expect(answer(known)).toEqual(answer(unknown));
    expect(known.statusCode).toBe(429);
    expect(known.headers['retry-after']).toBe('30');
    expect((await login(visitor(home.ip), user.email)).statusCode).toBe(200);
  });
});

describe('password change', () => {
  it('makes a user with an assigned password change it before anything else', async () => {
    const staff = await buildUser(t.database, utilityId, { kind: 'staff', roles: ['admin'], mustChangePassword: true });
    const c = visitor();
    const other = visitor();
    await login(other, staff.email);
    const r = await login(c, staff.email);
    expect(r.json()).toMatchObject({ next: 'change_password', user: { mustChangePassword: true } });
    const blocked = await c.get('/api/staff/users');
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('auth.password_change_required');
    expect((await c.get('/api/auth/session')).json().user.mustChangePassword).toBe(true);

    const wrong = await c.send('POST', '/api/auth/password', { currentPassword: 'nie-to-haslo-1', newPassword: 'Nowe-haslo-2026' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('password.current_wrong');
    const weak = await c.send('POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'krotkie' });
    expect(weak.json().error.code).toBe('password.too_short');
    const same = await c.send('POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD });
    expect(same.json().error.code).toBe('password.unchanged');
    const ok = await c.send('POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'Nowe-haslo-2026' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ next: 'done', user: { mustChangePassword: false } });
    expect((await c.get('/api/staff/users')).statusCode).toBe(200);
    // The other session ended; the old password no longer works.
    expect((await other.get('/api/auth/session')).json().user).toBeNull();
    expect((await login(visitor(), staff.email)).statusCode).toBe(401);
    expect((await login(visitor(), staff.email, 'Nowe-haslo-2026')).json().next).toBe('done');
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('actor_id', '=', staff.id).execute();
    expect(audit.map((a) => a.action)).toContain('auth.password_changed');
  });

  it('counts a wrong current password like a wrong sign-in: after 5 the sixth try waits 30 s (429), and the session stays', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const user = await customerUser();
      const c = visitor();
      expect((await login(c, user.email)).statusCode).toBe(200);
      for (let i = 1; i <= 5; i++) {
        const r = await c.send('POST', '/api/auth/password', { currentPassword: `Zle-obecne-${i}x`, newPassword: 'Nowe-haslo-2026' });
        expect(r.json().error.code).toBe('password.current_wrong');
      }
      const sixth = await c.send('POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'Nowe-haslo-2026' });
      expect(sixth.statusCode).toBe(429);
      expect(sixth.headers['retry-after']).toBe('30');
      expect(sixth.json().error.code).toBe('auth.rate_limited');
      expect((await c.get('/api/auth/session')).json().user?.id).toBe(user.id);
      vi.setSystemTime(Date.now() + 30_000);
      expect((await c.send('POST', '/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'Nowe-haslo-2026' })).statusCode).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it('needs a signed-in user', async () => {
    const r = await visitor().send('POST', '/api/auth/password', { currentPassword: 'a', newPassword: 'b' });
    expect(r.statusCode).toBe(401);
  });
});

describe('password reset by e-mail', () => {
  it('sends a one-hour, single-use link that sets a new password, ends all sessions and lifts the TOTP lock', async () => {
    const user = await customerUser();
    const signedIn = visitor();
    await login(signedIn, user.email);
    await t.database.db.updateTable('users').set({ locked_until: sql`now() + interval '10 minutes'` }).where('id', '=', user.id).execute();

    const c = visitor();
    const r = await c.send('POST', '/api/auth/password-reset/request', { email: user.email });
    expect(r.statusCode).toBe(202);
    const [mail] = await outbox(t, user.email);
    expect(mail).toMatchObject({ template: 'password_reset', subject: 'Ustawienie nowego hasła do e-BOK' });
    expect(mail.text_body).toContain('60 minut');
    const token = await tokenFromOutbox(t, user.email, 'reset-password');
    const row = await t.database.db
      .selectFrom('auth_tokens')
      .select(['purpose', 'token_hash', sql<number>`extract(epoch from expires_at - created_at)::int`.as('secs')])
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ purpose: 'password_reset', secs: 3600 });
    expect(row.token_hash).not.toBe(token);

    const weak = await c.send('POST', '/api/auth/password-reset/confirm', { token, password: 'slabe' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('password.too_short');
    const ok = await c.send('POST', '/api/auth/password-reset/confirm', { token, password: 'Zupelnie-nowe-2026' });
    expect(ok.statusCode, ok.body).toBe(200);
    const reused = await c.send('POST', '/api/auth/password-reset/confirm', { token, password: 'Inne-nowe-2027x' });
    expect(reused.json().error.code).toBe('auth.token_used');
    expect((await signedIn.get('/api/auth/session')).json().user).toBeNull();
    expect((await login(visitor(), user.email)).statusCode).toBe(401);
    expect((await login(visitor(), user.email, 'Zupelnie-nowe-2026')).statusCode).toBe(200);
    // The lock of the TOTP step set above is lifted.
    expect((await t.database.db.selectFrom('users').select('locked_until').where('id', '=', user.id).executeTakeFirstOrThrow()).locked_until).toBeNull();
  });

  it('does the same work for a known and an unknown address: one e-mail request, no token, message or audit entry while answering; the worker then mails only the known one', async () => {
    const user = await customerUser();
    const unknownEmail = `nieznany-${user.id}@example.com`;
    await composeRequested(t.database); // nothing left over from other tests
    const c = visitor();
    const start = await madeSoFar(t);
    const known = await c.send('POST', '/api/auth/password-reset/request', { email: user.email });
    const afterKnown = await madeSoFar(t);
    const unknown = await c.send('POST', '/api/auth/password-reset/request', { email: unknownEmail });
    const afterUnknown = await madeSoFar(t);
    for (const r of [known, unknown]) {
      expect(r.statusCode).toBe(202);
      expect(r.body).toBe(JSON.stringify({ status: 'sent_if_known' }));
    }
    const asked = (s: Awaited<ReturnType<typeof madeSoFar>>) => ({ ...s, requests: s.requests.length });
    // Neither answer issued a token, rendered or queued a message, or wrote an audit entry: each left one request.
    expect(asked(afterKnown)).toEqual({ ...asked(start), requests: asked(start).requests + 1 });
    expect(asked(afterUnknown)).toEqual({ ...asked(afterKnown), requests: asked(afterKnown).requests + 1 });
    const [forKnown, forUnknown] = afterUnknown.requests.slice(-2);
    expect(forKnown).toMatchObject({ composer: 'password_reset', to_address: user.email });
    expect(forUnknown).toMatchObject({ composer: 'password_reset', to_address: unknownEmail });
    expect(forKnown.data).toEqual(forUnknown.data);

    expect(await composeRequested(t.database)).toEqual({ composed: 2, failed: 0 });
    expect((await t.database.db.selectFrom('email_requests').select('id').execute()).length).toBe(0);
    expect((await outbox(t, user.email)).map((m) => m.template)).toEqual(['password_reset']);
    expect(await outbox(t, unknownEmail)).toEqual([]);
  });

  it('refuses expired and made-up tokens', async () => {
    const user = await customerUser();
    const c = visitor();
    await c.send('POST', '/api/auth/password-reset/request', { email: user.email });
    const token = await tokenFromOutbox(t, user.email, 'reset-password');
    await t.database.db.updateTable('auth_tokens').set({ expires_at: sql`now() - interval '1 second'` }).where('user_id', '=', user.id).execute();
    const expired = await c.send('POST', '/api/auth/password-reset/confirm', { token, password: 'Zupelnie-nowe-2026' });
    expect(expired.json().error.code).toBe('auth.token_expired');
    const made = await c.send('POST', '/api/auth/password-reset/confirm', { token: 'x'.repeat(43), password: 'Zupelnie-nowe-2026' });
    expect(made.json().error.code).toBe('auth.token_invalid');
  });

  it('limits reset requests from one address', async () => {
    const c = visitor();
    for (let i = 0; i < 5; i++) expect((await c.send('POST', '/api/auth/password-reset/request', { email: `x${i}@example.com` })).statusCode).toBe(202);
    const r = await c.send('POST', '/api/auth/password-reset/request', { email: 'y@example.com' });
    expect(r.statusCode).toBe(429);
  });
});

describe('housekeeping', () => {
  it('removes ended sessions, long-expired tokens and old attempts, and keeps the rest', async () => {
    const user = await customerUser();
    const live = visitor();
    await login(live, user.email);
    const idle = visitor();
    await login(idle, user.email);
    const db = t.database.db;
    const idleHash = (await db.selectFrom('sessions').select('token_hash').where('user_id', '=', user.id).orderBy('created_at', 'desc').executeTakeFirstOrThrow()).token_hash;
    await db.updateTable('sessions').set({ last_seen_at: sql`now() - interval '2 hours'` }).where('token_hash', '=', idleHash).execute();
    await db.insertInto('auth_attempts').values([
      { utility_id: utilityId, kind: 'login', ip: '10.9.9.9', ok: false, at: sql`now() - interval '31 days'` },
      { utility_id: utilityId, kind: 'login', ip: '10.9.9.9', ok: false, at: sql`now() - interval '29 days'` },
    ]).execute();
    const r = await pruneIdentity(t.database, t.config.sessionIdleMinutes);
    expect(r.sessions).toBeGreaterThanOrEqual(1);
    expect(r.attempts).toBeGreaterThanOrEqual(1);
    expect(await db.selectFrom('sessions').select('token_hash').where('token_hash', '=', idleHash).executeTakeFirst()).toBeUndefined();
    expect((await live.get('/api/auth/session')).json().user?.id).toBe(user.id);
    const left = await db.selectFrom('auth_attempts').select('id').where('ip', '=', '10.9.9.9').execute();
    expect(left).toHaveLength(1);
  });

  it('removes throttle counters idle for a day and trust older than 30 days, and keeps the rest', async () => {
    const db = t.database.db;
    const at = (sqlAgo: string) => sql<Date>`now() - ${sqlAgo}::interval`;
    await db.insertInto('auth_throttle').values([
      { key: 'hk-idle', scope: 'address_ip', failures: 3, since: at('2 days'), last_at: at('25 hours') },
      { key: 'hk-live', scope: 'ip_day', failures: 3, since: at('23 hours'), last_at: at('23 hours') },
      { key: 'hk-old-trust', scope: 'trusted', failures: 0, since: at('40 days'), last_at: at('31 days') },
      { key: 'hk-trust', scope: 'trusted', failures: 0, since: at('40 days'), last_at: at('29 days') },
    ]).execute();
    const r = await pruneIdentity(t.database, t.config.sessionIdleMinutes);
    expect(r.counters).toBeGreaterThanOrEqual(2);
    const left = await db.selectFrom('auth_throttle').select('key').where('key', 'like', 'hk-%').orderBy('key').execute();
    expect(left.map((k) => k.key)).toEqual(['hk-live', 'hk-trust']);
  });
});

describe('API documentation', () => {
  it('documents the identity routes with their request bodies', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(r.statusCode).toBe(200);
    const paths = r.json().paths;
    for (const p of ['/api/auth/login', '/api/auth/register', '/api/auth/totp', '/api/auth/password-reset/confirm', '/api/staff/users']) expect(paths[p], p).toBeTruthy();
    const body = paths['/api/auth/register'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['customerNumber', 'activationCode', 'email', 'password', 'acceptTerms', 'termsVersionId']));
    expect(body.additionalProperties).toBe(false);
  });
});

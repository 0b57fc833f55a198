/**
 * Signed-in portal users for the HTTP benches (request-path, ledger-api): one
 * user per demo customer with a session, written as rows in one statement (a
 * sign-in costs an Argon2 hash, which is not what those benches measure), and
 * removed again afterwards. Each bench names its users by its own prefix.
 */
import { createHash, randomBytes } from 'node:crypto';
import type pg from 'pg';

export interface BenchSession {
  customerId: number;
  cookie: string;
}

const emailLike = (prefix: string) => `${prefix}%@bench.invalid`;

/** Removes the users a bench made (their sessions and customer links first). */
export async function dropBenchUsers(probe: pg.Client, prefix: string): Promise<void> {
  const like = emailLike(prefix);
  await probe.query(`delete from sessions where user_id in (select id from users where email like $1)`, [like]);
  await probe.query(`delete from user_customers where user_id in (select id from users where email like $1)`, [like]);
  await probe.query(`delete from users where email like $1`, [like]);
}

/**
 * `users` demo customers of zgk-demo, each with a portal user and a session
 * (all with the CSRF token `csrf`): the first by id, or spread over the
 * utility (`spread`: ordered by a hash of the id).
 */
export async function createBenchSessions(probe: pg.Client, opts: { users: number; prefix: string; csrf: string; spread?: boolean }): Promise<BenchSession[]> {
  await dropBenchUsers(probe, opts.prefix);
  const { rows } = await probe.query<{ utility_id: number; id: number }>(
    `select c.utility_id, c.id from customers c join utilities u on u.id = c.utility_id
      where u.slug = 'zgk-demo' order by ${opts.spread ? 'md5(c.id::text)' : 'c.id'} limit $1`,
    [opts.users],
  );
  const tokens = rows.map(() => randomBytes(32).toString('base64url'));
  await probe.query('begin');
  await probe.query(
    `with v as (select * from unnest($1::bigint[], $2::bigint[], $3::text[]) as t(utility_id, customer_id, token_hash)),
          u as (insert into users (utility_id, kind, email, password_hash, email_verified_at)
                select utility_id, 'customer', $5 || customer_id || '@bench.invalid', '!', now() from v
                returning utility_id, id, email),
          l as (insert into user_customers (utility_id, user_id, customer_id)
                select u.utility_id, u.id, v.customer_id from u join v on u.email = $5 || v.customer_id || '@bench.invalid')
     insert into sessions (utility_id, token_hash, user_id, csrf_token, expires_at, mfa_passed)
     select u.utility_id, v.token_hash, u.id, $4, now() + interval '12 hours', false
       from u join v on u.email = $5 || v.customer_id || '@bench.invalid'`,
    [rows.map((r) => r.utility_id), rows.map((r) => r.id), tokens.map((t) => createHash('sha256').update(t).digest('base64url')), opts.csrf, opts.prefix],
  );
  await probe.query('commit');
  return rows.map((r, i) => ({ customerId: Number(r.id), cookie: `wodnik_csrf=${opts.csrf}; wodnik_session=${tokens[i]}` }));
}

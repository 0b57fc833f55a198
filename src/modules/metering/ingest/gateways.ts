/**
 * Fixed-network gateways that push telegrams over HTTP. Each has its own
 * bearer token, shown once when staff create it and stored only as a hash.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../../db/connection.ts';
import { withTenant, type Tx } from '../../../db/tenant.ts';
import { badRequest, unauthenticated } from '../../../lib/errors.ts';

const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export async function createGateway(tx: Tx, utilityId: number, name: string, userId: number | null) {
  const clean = name.trim();
  if (clean.length < 2 || clean.length > 100) {
    throw badRequest('gateways.name', 'Nazwa bramki musi mieć od 2 do 100 znaków.', 'The gateway name must be 2 to 100 characters long.');
  }
  const token = `wgw_${randomBytes(32).toString('base64url')}`;
  const row = await tx
    .insertInto('gateways')
    .values({ utility_id: utilityId, name: clean, token_hash: hashToken(token), created_by: userId })
    .returning(['id', 'name'])
    .executeTakeFirstOrThrow();
  return { id: row.id, name: row.name, token };
}

export async function listGateways(tx: Tx) {
  const rows = await tx.selectFrom('gateways').select(['id', 'name', 'created_at', 'last_seen_at', 'disabled_at']).orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: new Date(r.created_at).toISOString(),
    lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at).toISOString() : null,
    active: r.disabled_at === null,
  }));
}

export const badToken = () =>
  unauthenticated('gateways.bad_token', 'Brak lub nieprawidłowy token bramki.', 'The gateway token is missing or wrong.');

/** The gateway presenting this `Authorization: Bearer <token>` header, or a 401. */
export async function authenticateGateway(db: Db, utilityId: number, header: string | undefined): Promise<{ id: number; name: string }> {
  const m = /^Bearer\s+(wgw_[A-Za-z0-9_-]{43})\s*$/.exec(header ?? '');
  if (!m) throw badToken();
  const found = await withTenant(db, { utilityId }, async (tx) => {
    const g = await tx
      .selectFrom('gateways')
      .select(['id', 'name'])
      .where('token_hash', '=', hashToken(m[1]))
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    if (g) await tx.updateTable('gateways').set({ last_seen_at: new Date() }).where('id', '=', g.id).execute();
    return g;
  });
  if (!found) throw badToken();
  return found;
}

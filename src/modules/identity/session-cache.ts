/**
 * Signed-in requests remembered for a minute: the user behind a session
 * token, so that a page's many API calls do not each read the session, the
 * user, the roles and the customers from the database.
 *
 * An entry is never served stale:
 *  - it lives at most LAST_SEEN_EVERY_SECONDS (one minute), after which the
 *    request reads the session again — which is also when its last-seen time
 *    moves on, so the idle limit works as before;
 *  - never past the session's absolute expiry;
 *  - every change to a session, its user, the user's roles or customers,
 *    from this process or any other (a sign-out, a password change, a lock,
 *    a role taken away, even an UPDATE in psql), is announced by database
 *    triggers on commit (channel `wodnik_sessions`, src/db/change-feed.ts) and
 *    the user's entries are forgotten in every server process;
 *  - while the change feed is not listening (a lost connection), nothing is
 *    served from memory.
 * In this process the sign-out forgets its entry before it answers, so the
 * next request cannot race the notification.
 */
import { LRUCache } from 'lru-cache';
import type { AuthSession, AuthUser } from '../../http/access.ts';
import type { ChangeSubscriber } from '../../db/change-feed.ts';
import { LAST_SEEN_EVERY_SECONDS } from './sessions.ts';

export interface SessionEntry {
  user: Readonly<AuthUser>;
  session: Readonly<AuthSession>;
  /** Absolute expiry of the session (ms since epoch). */
  expiresAt: number;
}

export class SessionCache {
  private readonly entries: LRUCache<string, SessionEntry>;
  /** utility:user → keys of that user's cached sessions. */
  private readonly byUser = new Map<string, Set<string>>();
  /**
   * Moves on with every change heard. A request notes it before reading the
   * session from the database and stores what it read only if it has not
   * moved: else a change committed during the read could be kept for a minute.
   */
  private gen = 0;

  constructor(
    private readonly live: () => boolean,
    max = 50_000,
  ) {
    this.entries = new LRUCache<string, SessionEntry>({
      max,
      ttl: LAST_SEEN_EVERY_SECONDS * 1000,
      dispose: (entry, key) => {
        const u = this.byUser.get(userKey(entry.user.utilityId, entry.user.id));
        u?.delete(key);
        if (u && !u.size) this.byUser.delete(userKey(entry.user.utilityId, entry.user.id));
      },
    });
  }

  get(utilityId: number, tokenHash: string, now = Date.now()): SessionEntry | undefined {
    if (!this.live()) return undefined;
    const key = sessionKey(utilityId, tokenHash);
    const e = this.entries.get(key);
    if (e && e.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  generation(): number {
    return this.gen;
  }

  set(utilityId: number, tokenHash: string, entry: SessionEntry, readAtGeneration: number): void {
    if (!this.live() || readAtGeneration !== this.gen) return;
    const key = sessionKey(utilityId, tokenHash);
    Object.freeze(entry.user.roles);
    Object.freeze(entry.user.customerIds);
    Object.freeze(entry.user);
    Object.freeze(entry.session);
    this.entries.set(key, entry);
    const uk = userKey(entry.user.utilityId, entry.user.id);
    let keys = this.byUser.get(uk);
    if (!keys) this.byUser.set(uk, (keys = new Set()));
    keys.add(key);
  }

  forgetSession(utilityId: number, tokenHash: string): void {
    this.gen++;
    this.entries.delete(sessionKey(utilityId, tokenHash));
  }

  forgetUser(utilityId: number, userId: number): void {
    this.gen++;
    for (const key of [...(this.byUser.get(userKey(utilityId, userId)) ?? [])]) this.entries.delete(key);
  }

  clear(): void {
    this.gen++;
    this.entries.clear();
    this.byUser.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  /** What the change feed calls: `utility_id:user_id` of a changed user. */
  subscriber(): ChangeSubscriber {
    return {
      channel: 'wodnik_sessions',
      onChange: (payload) => {
        const [u, id] = payload.split(':').map(Number);
        if (Number.isSafeInteger(u) && Number.isSafeInteger(id)) this.forgetUser(u, id);
        else this.clear();
      },
      onReset: () => this.clear(),
    };
  }
}

const sessionKey = (utilityId: number, tokenHash: string) => `${utilityId}:${tokenHash}`;
const userKey = (utilityId: number, userId: number) => `${utilityId}:${userId}`;

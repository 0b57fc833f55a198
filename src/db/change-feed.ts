/**
 * The database's change notifications (LISTEN), for in-memory caches that
 * must never serve what another writer has changed: triggers in the
 * migration 202612070100_change_notifications.sql NOTIFY on commit, here each
 * server process hears it and forgets the stale entries.
 *
 * On a PostgreSQL server the feed holds one connection of its own (a pooled
 * one cannot listen). If that connection drops, notifications may be lost
 * while it is down, so every subscriber is told to forget everything
 * (`onReset`) at once and again when listening resumes. PGlite is in this
 * process only (no other process can open it), and its own LISTEN delivers
 * what this process commits.
 */
import pg from 'pg';
import type { Database } from './connection.ts';

export interface ChangeSubscriber {
  channel: string;
  onChange(payload: string): void;
  /** Notifications may have been missed: forget everything. */
  onReset(): void;
}

export interface ChangeFeed {
  /** True while notifications are being heard: a cache serves only then (else it might serve a change it missed). */
  isLive(): boolean;
  /**
   * Resolves once every notification committed before the call has been
   * delivered here. A request that wrote calls it before answering, so that
   * its caller's next request cannot be served what it has just changed
   * (a sign-out, a new reading). PostgreSQL delivers notifications in commit
   * order, so hearing our own marker means hearing all before it.
   */
  barrier(): Promise<void>;
  stop(): Promise<void>;
}

const RETRY_MS = 1000;

export async function startChangeFeed(database: Database, subscribers: ChangeSubscriber[]): Promise<ChangeFeed> {
  const channels = [...new Set(subscribers.map((s) => s.channel))];
  const deliver = (channel: string, payload: string) => {
    for (const s of subscribers) if (s.channel === channel) s.onChange(payload);
  };
  const resetAll = () => {
    for (const s of subscribers) s.onReset();
  };

  if (database.pglite) {
    const pglite = database.pglite;
    const unsubs = await Promise.all(channels.map((ch) => pglite.listen(ch, (payload) => deliver(ch, payload))));
    let live = true;
    return {
      isLive: () => live,
      // PGlite runs the listeners before the committing query returns.
      barrier: async () => {},
      stop: async () => {
        live = false;
        await Promise.all(unsubs.map((u) => u().catch(() => {})));
      },
    };
  }

  const BARRIER = 'wodnik_barrier';
  const waiting = new Map<string, () => void>();
  let marker = 0;
  const options = (database.pool as unknown as { options: pg.ClientConfig }).options;
  let client: pg.Client | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    if (stopped) return;
    const c = new pg.Client({
      connectionString: options.connectionString,
      host: options.host,
      port: options.port,
      user: options.user,
      password: options.password,
      database: options.database,
      application_name: 'wodnik-change-feed',
    });
    c.on('notification', (n) => {
      if (n.channel === BARRIER) waiting.get(n.payload ?? '')?.();
      else deliver(n.channel, n.payload ?? '');
    });
    const lost = () => {
      if (client !== c) return;
      client = undefined;
      resetAll();
      c.end().catch(() => {});
      if (!stopped) timer = setTimeout(() => void connect(), RETRY_MS);
    };
    c.on('error', lost);
    c.on('end', lost);
    try {
      await c.connect();
      for (const ch of [...channels, BARRIER]) await c.query(`listen ${pg.escapeIdentifier(ch)}`);
      client = c;
      // Whatever changed while nobody listened is unknown.
      resetAll();
    } catch {
      c.end().catch(() => {});
      resetAll();
      if (!stopped) timer = setTimeout(() => void connect(), RETRY_MS);
    }
  };
  await connect();
  return {
    isLive: () => client !== undefined,
    barrier: async () => {
      const c = client;
      if (!c) return; // not listening: the caches serve nothing anyway
      const token = `${process.pid}:${++marker}`;
      let done!: () => void;
      const heard = new Promise<void>((resolve) => (done = resolve));
      waiting.set(token, done);
      const timeout = setTimeout(() => {
        // Not heard in time: whatever the caches hold may be stale.
        resetAll();
        done();
      }, 2000);
      try {
        await c.query('select pg_notify($1, $2)', [BARRIER, token]);
        await heard;
      } catch {
        resetAll();
      } finally {
        clearTimeout(timeout);
        waiting.delete(token);
      }
    },
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}

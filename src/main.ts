/**
 * Start-up: config → database → migrations → (demo data) → app → workers.
 */
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/connection.ts';
import { migrate } from './db/migrate.ts';
import { buildApp } from './http/app.ts';
import { isLoopback } from './http/loopback.ts';
import { startWorkers } from './jobs/workers.ts';

export interface StartOptions {
  config?: Config;
  /** Load demo data when the database has no utility yet. */
  seedWhenEmpty?: boolean;
  /** Number of demo customers when seeding. */
  seedCustomers?: number;
  listen?: boolean;
}

export interface Running {
  app: FastifyInstance;
  database: Database;
  config: Config;
  url: string;
  stop(): Promise<void>;
}

export async function startServer(opts: StartOptions = {}): Promise<Running> {
  const config = opts.config ?? loadConfig();
  const database = await openDatabase(config);
  try {
    await migrate(database.db, (m) => config.logLevel !== 'silent' && console.log(m));
    if (opts.seedWhenEmpty) {
      const { seedDemoIfEmpty } = await import('./modules/demo/seed.ts');
      const logins = await seedDemoIfEmpty(database, { customers: opts.seedCustomers ?? 500, config });
      if (logins) printLogins(logins, config);
    }
    const app = await buildApp({ config, database });
    const stopWorkers = await startWorkers({ config, database });
    let url = '';
    if (opts.listen !== false) {
      url = await app.listen({ port: config.port, host: config.host });
      url = url.replace('0.0.0.0', 'localhost').replace('127.0.0.1', 'localhost');
    }
    const stop = async () => {
      await stopWorkers();
      await app.close();
      await database.close();
    };
    return { app, database, config, url, stop };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** 0.0.0.0, :: and the like: every address of the machine. */
export function listensOnAllAddresses(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '[::]' || host === '*';
}

/**
 * The start-up line about who can reach the server: loopback by default;
 * when HOST opens it, the operator is told so plainly.
 */
export function listenNotice(host: string): string {
  if (listensOnAllAddresses(host)) {
    return `WARNING: listening on all addresses (HOST=${host}): other machines on the network can reach this server.`;
  }
  if (host === 'localhost' || isLoopback(host)) {
    return `Listening on ${host} only: reachable from this machine alone (set HOST=0.0.0.0 to open it to the network).`;
  }
  return `Listening on ${host} (HOST): other machines that reach this address can use this server.`;
}

export interface DemoLogin {
  utility: string;
  role: string;
  email: string;
  password: string;
}

function printLogins(logins: DemoLogin[], config: Config) {
  console.log('\nDemo data loaded. Logins (password the same for all of one utility):');
  for (const l of logins) {
    const base = `http://localhost:${config.port}/t/${l.utility}/`;
    console.log(`  ${l.role.padEnd(28)} ${l.email.padEnd(34)} ${l.password}   ${base}`);
  }
  console.log('');
}

/**
 * `wodnik seed --customers N [--utility SLUG]`: adds N demo customers (with
 * premises, meters, radio modules and three years of readings) to a utility,
 * creating it with tariffs, terms, staff and notices when it is missing.
 * Without --utility the demo utility zgk-demo is used.
 */
import { CommanderError } from 'commander';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/connection.ts';
import { migrate } from '../db/migrate.ts';
import { MAX_CUSTOMERS, seedUtility } from '../modules/demo/seed.ts';
import { DEMO_UTILITY } from '../modules/demo/profiles.ts';

/** Prints a one-line usage error and ends with exit code 2 (as commander does for its own). */
function usageError(code: string, message: string): never {
  console.error(`wodnik seed: ${code}: ${message}`);
  throw new CommanderError(2, code, message);
}

/** Why a --customers value is refused, or undefined when it is a whole number from 1 to MAX_CUSTOMERS. */
export function customersProblem(value: string | undefined): string | undefined {
  const text = (value ?? '').trim();
  const n = /^\d{1,7}$/.test(text) ? Number(text) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= MAX_CUSTOMERS) return undefined;
  return `--customers must be a whole number from 1 to ${MAX_CUSTOMERS.toLocaleString('en')}, got "${value ?? ''}"`;
}

export function slugProblem(value: string): string | undefined {
  return /^[a-z0-9][a-z0-9-]{1,39}$/.test(value) ? undefined : `--utility must be 2-40 lowercase letters, digits or dashes, got "${value}"`;
}

export async function seed(opts: { customers?: string; utility?: string }): Promise<void> {
  const problem = customersProblem(opts.customers);
  if (problem) usageError('seed.customers_invalid', problem);
  const slug = opts.utility ?? DEMO_UTILITY;
  const slugIssue = slugProblem(slug);
  if (slugIssue) usageError('seed.utility_invalid', slugIssue);
  const customers = Number(opts.customers);
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    await migrate(database.db);
    const started = Date.now();
    console.log(`Seeding ${customers} customers into ${slug} (${database.kind === 'pglite' ? `embedded database in ${database.location}` : database.location})...`);
    const r = await seedUtility(database, { slug, customers, config, log: (l) => console.log(l) });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const c = r.counts;
    console.log(
      `${r.created ? 'Created' : 'Added to'} ${slug} in ${seconds} s: ${c.customers} customers, ${c.service_points} service points, ${c.contracts} contracts, ` +
        `${c.meters} meters, ${c.radio_modules} radio modules, ${c.readings} readings, ${c.cases} cases.`,
    );
    for (const l of r.logins) console.log(`  ${l.role.padEnd(26)} ${l.email.padEnd(34)} ${l.password}   /t/${l.utility}/`);
  } finally {
    await database.close();
  }
}

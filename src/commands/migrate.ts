import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/connection.ts';
import { migrate as applyMigrations } from '../db/migrate.ts';

export async function migrate(): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const applied = await applyMigrations(database.db, (m) => console.log(m));
    console.log(applied.length ? `${applied.length} migration(s) applied to ${database.location}` : `database ${database.location} is up to date`);
  } finally {
    await database.close();
  }
}

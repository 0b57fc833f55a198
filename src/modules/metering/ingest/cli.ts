/**
 * `wodnik readings import FILE` and `wodnik keys import FILE`: the same work
 * as the staff API, from the command line (e.g. a handheld's files copied to
 * the server, or a manufacturer's key delivery).
 */
import { createReadStream, readFileSync } from 'node:fs';
import { loadConfig } from '../../../config.ts';
import { openDatabase, type Database } from '../../../db/connection.ts';
import { withTenant } from '../../../db/tenant.ts';
import { AppError } from '../../../lib/errors.ts';
import { secretBox, serverKey } from '../../../lib/secret-box.ts';
import { findDefaultUtility, findUtilityBySlug } from '../../utilities/service.ts';
import { importKeys } from './keys.ts';
import { reprocessQuarantine } from './reprocess.ts';
import { importWalkby } from './walkby.ts';

async function utilityFor(database: Database, slug: string | undefined, configured: string | undefined) {
  if (slug) {
    const u = await findUtilityBySlug(database.db, slug);
    if (!u) throw new AppError('not_found', 'tenant.not_found', { pl: `Nie ma przedsiębiorstwa „${slug}”.`, en: `There is no utility "${slug}".` });
    return u;
  }
  const all = await database.db.selectFrom('utilities').select('slug').limit(2).execute();
  if (all.length === 1) return (await findUtilityBySlug(database.db, all[0].slug))!;
  const u = configured ? await findDefaultUtility(database.db, configured) : undefined;
  if (!u && all.length === 0) {
    throw new AppError('not_found', 'cli.no_utility', {
      pl: 'W bazie nie ma żadnego przedsiębiorstwa: uruchom najpierw `wodnik seed` albo utwórz je.',
      en: 'The database holds no utility yet: run `wodnik seed` first or create one.',
    });
  }
  if (!u) {
    throw new AppError('bad_request', 'cli.utility_required', {
      pl: 'W bazie jest kilka przedsiębiorstw: wskaż jedno opcją --utility SLUG.',
      en: 'The database holds several utilities: name one with --utility SLUG.',
    });
  }
  return u;
}

function printDetails(err: unknown) {
  const lines = (err as AppError).details?.lines ?? (err as AppError).details?.badLines;
  if (Array.isArray(lines)) for (const l of lines as Array<{ line: number; message?: string; reason?: string }>) console.error(`  line ${l.line}: ${l.message ?? l.reason}`);
}

export async function importCommand(file: string, opts: { utility?: string; source: string }): Promise<void> {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const utility = await utilityFor(database, opts.utility, config.defaultUtility);
    const stream = file === '-' ? process.stdin : createReadStream(file);
    const s = await importWalkby(stream, {
      database,
      config,
      utilityId: utility.id,
      fileName: file === '-' ? 'stdin' : file,
      sourceName: opts.source ?? 'walk-by',
    }).catch((err) => {
      printDetails(err);
      throw err;
    });
    const reasons = Object.entries(s.byReason)
      .map(([r, n]) => `${r} ${n}`)
      .join(', ');
    console.log(`upload ${s.uploadId} into ${utility.slug}: ${s.lines} lines, ${s.telegrams} telegrams, ${s.readings} readings (${s.pending} held for verification), ${s.duplicates} duplicates, ${s.quarantined} quarantined${reasons ? ` (${reasons})` : ''}, ${s.badLines} bad lines, ${(s.durationMs / 1000).toFixed(1)} s`);
    for (const b of s.badLineSamples.slice(0, 10)) console.log(`  bad line ${b.line}: ${b.reason}`);
    if (s.badLines > 10) console.log(`  … ${s.badLines - 10} more bad lines`);
  } finally {
    await database.close();
  }
}

export async function keysImportCommand(file: string, opts: { utility?: string }): Promise<void> {
  const config = loadConfig();
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  const database = await openDatabase(config);
  try {
    const utility = await utilityFor(database, opts.utility, config.defaultUtility);
    const box = secretBox(serverKey(config));
    const r = await withTenant(database.db, { utilityId: utility.id }, (tx) => importKeys(tx, utility.id, box, text)).catch((err) => {
      printDetails(err);
      throw err;
    });
    console.log(`keys for ${utility.slug}: ${r.created} new module(s), ${r.updated} updated, ${r.linkedMeters} fitted to meters`);
    for (const w of r.warnings) console.log(`  line ${w.line}: ${w.message}`);
    const again = await reprocessQuarantine(database, box, utility.id, r.radioIds);
    if (again.telegrams) console.log(`quarantine: ${again.telegrams} telegram(s) of these modules read again, ${again.readings} reading(s), ${again.released} left the quarantine`);
  } finally {
    await database.close();
  }
}

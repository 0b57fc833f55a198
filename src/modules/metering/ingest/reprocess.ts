/**
 * Quarantined telegrams read again. A walk-by often comes back before the
 * manufacturer's key file, or a module is heard before it is fitted to a
 * meter: those telegrams wait in the quarantine with their bytes. When keys
 * arrive (or modules are fitted), the quarantine entries of those radio ids
 * go through ingestion again, as received (same source, time and upload):
 * the ones that now decode become readings and leave the quarantine; the rest
 * stay, with their reason brought up to date. The reception log already has
 * them, so nothing is logged again.
 *
 * An entry leaves the quarantine only when it decodes to a reading candidate
 * (its reading is written now, or was stored before): what leaves is decided
 * per entry from its own decoding, never by looking it up in the batch.
 */
import { withCopyTx } from '../../../db/bulk.ts';
import { hexOf } from '../../../db/bytea.ts';
import type { Database } from '../../../db/connection.ts';
import type { SecretBox } from '../../../lib/secret-box.ts';
import { makeDecode } from './decode-core.ts';
import { addCounts, emptyCounts, IngestSession } from './ingest.ts';
import { Keyring, loadModules } from './keyring.ts';
import { RepeatFilter, TelegramBatchBuilder, type Outcome, type Reception, type TelegramSource } from './telegram-batch.ts';

/** Reasons that a key or a fitted module can cure. */
export const CURABLE = ['ingest.unknown_module', 'ingest.no_meter', 'wmbus.no_key', 'wmbus.wrong_key'];

export interface ReprocessResult {
  /** Quarantine entries read again. */
  telegrams: number;
  /** Readings they gave (held ones included). */
  readings: number;
  /** Entries that left the quarantine. */
  released: number;
}

interface Entry {
  id: number;
  raw: Uint8Array;
  received_at: Date;
  source: string;
  source_detail: string | null;
  upload_id: number | null;
}

export async function reprocessQuarantine(database: Database, box: SecretBox, utilityId: number, radioIds: string[]): Promise<ReprocessResult> {
  const ids = [...new Set(radioIds.map((r) => r.toLowerCase()))];
  const result: ReprocessResult = { telegrams: 0, readings: 0, released: 0 };
  if (ids.length === 0) return result;
  return withCopyTx(database, { utilityId }, async (tx, copy) => {
    const entries = (await tx
      .selectFrom('quarantine')
      .select(['id', 'raw', 'received_at', 'source', 'source_detail', 'upload_id'])
      .where('reason', 'in', CURABLE)
      .where((eb) => eb.fn('lower', ['radio_id']), 'in', ids)
      .orderBy('received_at')
      .execute()) as Entry[];
    if (entries.length === 0) return result;
    const keyring = new Keyring(box);
    keyring.add(await loadModules(tx, ids));
    const decode = makeDecode(keyring.keyFor);
    const lookup = (m: string, r: string) => keyring.lookup(m, r);

    // One batch per reception (upload, gateway, topic), so that readings keep where they came from.
    const groups = new Map<string, Entry[]>();
    for (const e of entries) {
      const k = `${e.source}\u0000${e.source_detail ?? ''}\u0000${e.upload_id ?? ''}`;
      const group = groups.get(k);
      if (group) group.push(e);
      else groups.set(k, [e]);
    }
    let counts = emptyCounts();
    for (const group of groups.values()) {
      const first = group[0];
      const reception: Reception = { utilityId, source: first.source as TelegramSource, detail: first.source_detail, uploadId: first.upload_id };
      const session = await IngestSession.open(tx, copy, reception);
      const builder = new TelegramBatchBuilder(reception, lookup, new RepeatFilter(), group.length);
      // What each entry is now: a reading candidate (released below), or still a quarantine reason (kept, reason updated).
      const outcome: Outcome[] = group.map((e) => builder.add(hexOf(e.raw).toUpperCase(), e.raw, new Date(e.received_at).getTime(), null, decode(e.raw)));
      const batch = builder.finish();
      // Logged when first received: not again; the quarantine rows are brought up to date below, not inserted.
      const none = { sha256: [], hex: [], receivedAt: [], reason: [], message: [], manufacturer: [], radioId: [] };
      const c = await session.ingest({ ...batch, log: new Uint8Array(0), logged: 0, quarantine: none });
      counts = addCounts(counts, c);
      for (const [i, e] of group.entries()) {
        const o = outcome[i];
        if (typeof o === 'object') await tx.updateTable('quarantine').set({ reason: o.code, message: o.message }).where('id', '=', e.id).execute();
        else if (o === 'candidate') {
          await tx.deleteFrom('quarantine').where('id', '=', e.id).execute();
          result.released++;
        }
      }
    }
    result.telegrams = entries.length;
    result.readings = counts.readings;
    return result;
  });
}

/**
 * Telegrams from fixed networks (gateway push, MQTT) arrive in small batches:
 * each batch is one transaction. Decoding runs inline in two passes: the
 * first learns which modules the telegrams need keys for, then only those
 * modules are loaded (not the utility's whole keyring) and the batch is
 * decoded with their keys.
 */
import { withCopyTx } from '../../../db/bulk.ts';
import type { Database } from '../../../db/connection.ts';
import type { SecretBox } from '../../../lib/secret-box.ts';
import { makeDecode } from './decode-core.ts';
import { IngestSession, type IncomingTelegram, type IngestCounts } from './ingest.ts';
import { Keyring, loadModules } from './keyring.ts';
import { RepeatFilter, TelegramBatchBuilder, type Reception } from './telegram-batch.ts';

export async function ingestTelegrams(
  database: Database,
  box: SecretBox,
  utilityId: number,
  origin: Omit<Reception, 'utilityId'>,
  telegrams: IncomingTelegram[],
): Promise<IngestCounts> {
  const bytes = telegrams.map((t) => Buffer.from(t.hex, 'hex'));
  const wanted = new Set<string>();
  const probe = makeDecode((id) => {
    wanted.add(id);
    return undefined;
  });
  const first = bytes.map((b) => probe(b));
  for (const d of first) if (d.radioId) wanted.add(d.radioId);
  const reception: Reception = { utilityId, ...origin };
  return withCopyTx(database, { utilityId }, async (tx, copy) => {
    const session = await IngestSession.open(tx, copy, reception);
    const keyring = new Keyring(box);
    keyring.add(await loadModules(tx, [...wanted]));
    const decode = makeDecode(keyring.keyFor);
    const builder = new TelegramBatchBuilder(reception, (m, r) => keyring.lookup(m, r), new RepeatFilter(), telegrams.length || 1);
    for (let i = 0; i < telegrams.length; i++) {
      const d = first[i].error?.code === 'wmbus.no_key' ? decode(bytes[i]) : first[i];
      builder.add(telegrams[i].hex.toUpperCase(), bytes[i], telegrams[i].receivedAt.getTime(), telegrams[i].rssi, d);
    }
    return session.ingest(builder.finish());
  });
}

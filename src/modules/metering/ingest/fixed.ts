/**
 * Telegrams from fixed networks (gateway push, MQTT) arrive in small batches:
 * each batch is one transaction. Decoding runs inline in two passes: the
 * first learns which modules the telegrams need keys for, then only those
 * modules are loaded (not the utility's whole keyring) and the batch is
 * decoded with their keys.
 */
import type { Database } from '../../../db/connection.ts';
import type { SecretBox } from '../../../lib/secret-box.ts';
import { withBulkTx } from './bulk-db.ts';
import { makeDecode } from './decode-core.ts';
import { IngestSession, type IncomingTelegram, type IngestCounts, type IngestOrigin } from './ingest.ts';
import { Keyring, loadModules } from './keyring.ts';

export async function ingestTelegrams(
  database: Database,
  box: SecretBox,
  utilityId: number,
  origin: IngestOrigin,
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
  return withBulkTx(database, { utilityId }, async (b) => {
    const keyring = new Keyring(box);
    keyring.add(await loadModules(b.tx, [...wanted]));
    const decode = makeDecode(keyring.keyFor);
    const decoded = bytes.map((x, i) => (first[i].error?.code === 'wmbus.no_key' ? decode(x) : first[i]));
    return new IngestSession(b, utilityId, keyring, origin).write(telegrams, decoded);
  });
}

/**
 * Radio modules' AES keys from the manufacturer's delivery file:
 * CSV `radio_id,key[,manufacturer[,meter_serial]]`, `,` or `;`, header optional.
 *
 * A file is all or nothing: when any line is bad, nothing is written and every
 * bad line is reported with its number (a half-imported key file would leave
 * meters silently unreadable). Keys are sealed with the server key before they
 * touch the database, and no message ever contains one.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import { AppError } from '../../../lib/errors.ts';
import type { SecretBox } from '../../../lib/secret-box.ts';

export interface KeyLine {
  line: number;
  radioId: string;
  key: Buffer;
  manufacturer: string;
  meterSerial: string | null;
}

export interface LineProblem {
  line: number;
  code: string;
  message: string;
}

export interface KeyImportResult {
  created: number;
  updated: number;
  linkedMeters: number;
  warnings: LineProblem[];
  /** The radio ids of the file (their quarantined telegrams can be read again). */
  radioIds: string[];
}

const MAX_PROBLEMS = 200;

/** Parses the file; never puts a key (or a line that may hold one) into a message. */
export function parseKeyFile(text: string): { keys: KeyLine[]; problems: LineProblem[] } {
  const keys: KeyLine[] = [];
  const problems: LineProblem[] = [];
  const seen = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const f = t.split(/[;,]/).map((x) => x.trim().replace(/^"(.*)"$/, '$1'));
    if (line === 1 && !/[0-9]/.test(f[0] ?? '') && /[a-z]/i.test(t)) return; // header
    const bad = (code: string, message: string) => problems.length < MAX_PROBLEMS && problems.push({ line, code, message });
    if (f.length < 2 || f.length > 4) return bad('keys.columns', `expected radio_id,key[,manufacturer[,meter_serial]], got ${f.length} column(s)`);
    const [id, key, mfct = '', serial = ''] = f;
    if (!/^[0-9a-fA-F]{8}$/.test(id)) return bad('keys.radio_id', 'the radio id must be 8 digits as printed on the module');
    if (!/^[0-9a-fA-F]{32}$/.test(key)) return bad('keys.key', 'the key must be 32 hexadecimal digits (AES-128)');
    if (mfct !== '' && !/^[A-Za-z]{3}$/.test(mfct)) return bad('keys.manufacturer', 'the manufacturer must be a 3-letter code such as APA or DME');
    if (/[\u0000-\u001f\u007f]/.test(serial)) return bad('keys.meter_serial', 'the meter serial number must not hold control characters (such as NUL)');
    const radioId = id.toLowerCase();
    const manufacturer = mfct.toUpperCase();
    const k = `${manufacturer}:${radioId}`;
    const prev = seen.get(k);
    if (prev !== undefined) return bad('keys.duplicate', `radio id ${radioId} is already on line ${prev}`);
    seen.set(k, line);
    keys.push({ line, radioId, key: Buffer.from(key, 'hex'), manufacturer, meterSerial: serial || null });
  });
  return { keys, problems };
}

export function keyFileError(problems: LineProblem[]): AppError {
  const first = problems[0];
  return new AppError(
    'bad_request',
    'keys.bad_file',
    {
      pl: `Plik kluczy ma błędne wiersze (${problems.length}), pierwszy: wiersz ${first.line}. Nic nie zapisano.`,
      en: `The key file has bad lines (${problems.length}), the first is line ${first.line}. Nothing was saved.`,
    },
    { lines: problems },
  );
}

/** Stores the keys (sealed), creating or updating radio modules, in the caller's transaction. */
export async function importKeys(tx: Tx, utilityId: number, box: SecretBox, text: string): Promise<KeyImportResult> {
  const { keys, problems } = parseKeyFile(text);
  if (problems.length) throw keyFileError(problems);
  if (keys.length === 0) {
    throw new AppError('bad_request', 'keys.empty', { pl: 'Plik nie zawiera żadnego klucza.', en: 'The file holds no key.' });
  }
  const result: KeyImportResult = { created: 0, updated: 0, linkedMeters: 0, warnings: [], radioIds: keys.map((k) => k.radioId) };
  for (let i = 0; i < keys.length; i += 1000) {
    const chunk = keys.slice(i, i + 1000);
    const rows = await tx
      .insertInto('radio_modules')
      .values(chunk.map((k) => ({ utility_id: utilityId, radio_id: k.radioId, manufacturer: k.manufacturer, key_enc: box.seal(k.key) })))
      .onConflict((oc) => oc.columns(['utility_id', 'radio_id', 'manufacturer']).doUpdateSet({ key_enc: (eb) => eb.ref('excluded.key_enc') }))
      .returning(['id', 'radio_id', 'manufacturer', sql<boolean>`(xmax = 0)`.as('inserted')])
      .execute();
    for (const r of rows) r.inserted ? result.created++ : result.updated++;
    const idOf = new Map(rows.map((r) => [`${r.manufacturer}:${r.radio_id}`, r.id]));
    for (const k of chunk.filter((c) => c.meterSerial)) {
      const moduleId = idOf.get(`${k.manufacturer}:${k.radioId}`)!;
      // The module moves to the named meter: first free it from any other current meter.
      await tx.updateTable('meters').set({ radio_module_id: null }).where('radio_module_id', '=', moduleId).where('serial_number', '!=', k.meterSerial!).execute();
      const linked = await tx
        .updateTable('meters')
        .set({ radio_module_id: moduleId })
        .where('serial_number', '=', k.meterSerial!)
        .where('removed_on', 'is', null)
        .executeTakeFirst();
      if (Number(linked.numUpdatedRows) > 0) result.linkedMeters++;
      else result.warnings.push({ line: k.line, code: 'keys.meter_not_found', message: `no current meter with serial number ${k.meterSerial}` });
    }
  }
  return result;
}

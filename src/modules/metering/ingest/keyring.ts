/**
 * The radio modules a telegram can belong to: identity heard on air
 * (manufacturer + printed id) → module, its sealed key, and the current meter
 * it sits on. Keys are opened lazily, once per module, and stay in memory
 * only for the import.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import type { SecretBox } from '../../../lib/secret-box.ts';
import { warsawToInstant } from './local-time.ts';

export interface ModuleEntry {
  moduleId: number;
  manufacturer: string;
  radioId: string;
  keyEnc: string | null;
  /** The current meter (removed_on is null) carrying the module, if any. */
  meterId: number | null;
  /** When that meter was installed (epoch ms, Warsaw midnight of its installation day): no reading of it is older. */
  installedFrom: number | null;
}

/** A key file without a manufacturer column stores '' (any manufacturer with that id). */
export class Keyring {
  // Manufacturer (upper case) → radio id (lower case) → module: two lookups, no key string built per telegram.
  private readonly byIdentity = new Map<string, Map<string, ModuleEntry>>();
  private readonly opened = new Map<number, Uint8Array | null>();
  constructor(private readonly box: SecretBox | null) {}

  add(entries: ModuleEntry[]): void {
    for (const e of entries) {
      const m = e.manufacturer.toUpperCase();
      let ids = this.byIdentity.get(m);
      if (!ids) this.byIdentity.set(m, (ids = new Map()));
      ids.set(e.radioId.toLowerCase(), e);
    }
  }

  private find(manufacturer: string, radioId: string): ModuleEntry | undefined {
    return this.byIdentity.get(manufacturer)?.get(radioId) ?? this.byIdentity.get('')?.get(radioId);
  }

  // The decoder asks for the key, then the batch builder for the module, of the same telegram: remember the last answer.
  private last: { manufacturer: string; radioId: string; entry: ModuleEntry | undefined } | null = null;

  lookup(manufacturer: string, radioId: string): ModuleEntry | undefined {
    const l = this.last;
    if (l && l.manufacturer === manufacturer && l.radioId === radioId) return l.entry;
    // The decoder's identities are already upper-case manufacturer and (digit) ids: normalise only on a miss.
    let entry = this.find(manufacturer, radioId);
    if (entry === undefined) {
      const m = manufacturer.toUpperCase();
      const r = radioId.toLowerCase();
      if (m !== manufacturer || r !== radioId) entry = this.find(m, r);
    }
    this.last = { manufacturer, radioId, entry };
    return entry;
  }

  has(manufacturer: string, radioId: string): boolean {
    return this.lookup(manufacturer, radioId) !== undefined;
  }

  /** The decoder's key callback. */
  keyFor = (radioId: string, manufacturer: string): Uint8Array | undefined => {
    const e = this.lookup(manufacturer, radioId);
    if (!e || !e.keyEnc || !this.box) return undefined;
    let k = this.opened.get(e.moduleId);
    if (k === undefined) {
      try {
        k = new Uint8Array(this.box.open(e.keyEnc));
      } catch {
        k = null; // sealed under another server key: the telegram ends in quarantine as no key
      }
      this.opened.set(e.moduleId, k);
    }
    return k ?? undefined;
  };

  entries(): ModuleEntry[] {
    return [...this.byIdentity.values()].flatMap((ids) => [...ids.values()]);
  }
}

const moduleQuery = (tx: Tx) =>
  tx
    .selectFrom('radio_modules as rm')
    .leftJoin('meters as m', (j) => j.onRef('m.utility_id', '=', 'rm.utility_id').onRef('m.radio_module_id', '=', 'rm.id').on('m.removed_on', 'is', null))
    .select(['rm.id as moduleId', 'rm.manufacturer', 'rm.radio_id as radioId', 'rm.key_enc as keyEnc', 'm.id as meterId', 'm.installed_on as installedOn']);

type ModuleRow = Omit<ModuleEntry, 'installedFrom'> & { installedOn: string | null };

function entryOf({ installedOn, ...row }: ModuleRow): ModuleEntry {
  const d = installedOn ? /^(\d{4})-(\d{2})-(\d{2})/.exec(installedOn) : null;
  return { ...row, installedFrom: d ? warsawToInstant(Number(d[1]), Number(d[2]), Number(d[3])).getTime() : null };
}

/** Every module of the utility (a walk-by import touches most of them). */
export async function loadAllModules(tx: Tx): Promise<ModuleEntry[]> {
  return (await moduleQuery(tx).execute()).map(entryOf);
}

/** Only the modules with these printed ids (a gateway's batch names a few). */
export async function loadModules(tx: Tx, radioIds: string[]): Promise<ModuleEntry[]> {
  if (radioIds.length === 0) return [];
  const ids = [...new Set(radioIds.map((i) => i.toLowerCase()))];
  return (await moduleQuery(tx).where(sql<boolean>`lower(rm.radio_id) = any(${ids}::text[])`).execute()).map(entryOf);
}

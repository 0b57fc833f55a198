/**
 * The reader's phone keeps working without a network: the routes it loaded
 * and the manual readings not yet sent live in IndexedDB (which also holds
 * photos as Blobs). Everything is kept per utility and user, so that a
 * shared phone never sends one reader's readings under another's session.
 */

const DB_NAME = 'wodnik-reader';
const VERSION = 1;

export interface QueuedReading {
  clientId: string;
  /** `<tenant prefix>|<user id>`: whose reading it is. */
  scope: string;
  routeId: number;
  meterId: number;
  /** The register as typed, normalised to a dot ("123.456"). */
  valueM3: string;
  readAt: string;
  photo?: Blob;
  state: 'queued' | 'rejected';
  /** Why the server refused it (it will not be re-sent until the reader fixes or drops it). */
  error?: { pl: string; en: string; code: string };
  queuedAt: string;
}

export interface CachedEntry<T> {
  key: string;
  savedAt: string;
  data: T;
}

let opening: Promise<IDBDatabase> | undefined;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('cache')) db.createObjectStore('cache', { keyPath: 'key' });
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'clientId' }).createIndex('scope', 'scope');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = undefined;
      reject(req.error);
    };
  });
  return opening;
}

async function run<T>(store: 'cache' | 'outbox', mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = fn(tx.objectStore(store));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

export async function saveCache<T>(key: string, data: T): Promise<void> {
  await run('cache', 'readwrite', (s) => s.put({ key, savedAt: new Date().toISOString(), data } satisfies CachedEntry<T>));
}

export async function loadCache<T>(key: string): Promise<CachedEntry<T> | undefined> {
  return run('cache', 'readonly', (s) => s.get(key) as IDBRequest<CachedEntry<T> | undefined>);
}

export async function putQueued(r: QueuedReading): Promise<void> {
  await run('outbox', 'readwrite', (s) => s.put(r));
}

export async function deleteQueued(clientId: string): Promise<void> {
  await run('outbox', 'readwrite', (s) => s.delete(clientId));
}

export async function queuedFor(scope: string): Promise<QueuedReading[]> {
  const all = await run('outbox', 'readonly', (s) => s.index('scope').getAll(scope) as IDBRequest<QueuedReading[]>);
  return all.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
}

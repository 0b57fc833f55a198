/**
 * The queue of manual readings: every reading is first stored on the phone,
 * then sent. Sending happens at once when there is a network, again on the
 * browser's `online` event, and every 30 s while something waits. A reading
 * carries the id made when it was typed, so sending it twice (a lost answer,
 * a retry) stores it once on the server.
 */
import { useEffect, useState } from 'react';
import { api, ApiError, basePrefix } from '../../../api/client.ts';
import type { SubmitResult } from '../types.ts';
import { deleteQueued, putQueued, queuedFor, type QueuedReading } from './store.ts';

const RETRY_MS = 30_000;
/** Keep each request well under the server's body limit (photos travel as base64). */
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

const events = new EventTarget();
let sending: Promise<void> | undefined;
/** A flush asked for while one runs: run again when it ends (the new reading may have missed it). */
let again = false;
let timer: ReturnType<typeof setInterval> | undefined;

export const scopeOf = (userId: number) => `${basePrefix()}|${userId}`;

function changed() {
  events.dispatchEvent(new Event('change'));
}

export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Older browsers: an RFC 4122 version-4 id from crypto.getRandomValues.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function enqueue(r: Omit<QueuedReading, 'state' | 'queuedAt'>): Promise<void> {
  await putQueued({ ...r, state: 'queued', queuedAt: new Date().toISOString() });
  changed();
  void flush(r.scope);
}

export async function discard(clientId: string): Promise<void> {
  await deleteQueued(clientId);
  changed();
}

function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const fr = new FileReader();
    fr.onload = () => resolve(String(fr.result));
    fr.onerror = () => reject(fr.error);
    fr.readAsDataURL(blob);
  });
}

/** Whether a refusal is about the reading itself (keep it aside) rather than a passing trouble (try again later). */
const isFinal = (e: ApiError) => e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 408 && e.status !== 429 && e.code !== 'reader.concurrent_resend';

async function sendOne(items: QueuedReading[]): Promise<void> {
  const routeId = items[0].routeId;
  const readings = [];
  for (const i of items) {
    readings.push({ clientId: i.clientId, meterId: i.meterId, valueM3: i.valueM3, readAt: i.readAt, ...(i.photo ? { photo: await dataUrl(i.photo) } : {}) });
  }
  await api.post<SubmitResult>(`/api/reader/routes/${routeId}/readings`, { readings });
  for (const i of items) await deleteQueued(i.clientId);
}

/** Sends what waits, route by route in small batches; a batch the server refuses is retried one by one to set the bad one aside. */
export function flush(scope: string): Promise<void> {
  if (sending) {
    again = true;
    return sending;
  }
  sending = (async () => {
    try {
      const waiting = (await queuedFor(scope)).filter((q) => q.state === 'queued');
      const byRoute = new Map<number, QueuedReading[]>();
      for (const q of waiting) byRoute.set(q.routeId, [...(byRoute.get(q.routeId) ?? []), q]);
      for (const items of byRoute.values()) {
        let batch: QueuedReading[] = [];
        let bytes = 0;
        const batches: QueuedReading[][] = [];
        for (const i of items) {
          const size = 300 + (i.photo ? Math.ceil(i.photo.size * 1.37) : 0);
          if (batch.length && (bytes + size > MAX_BATCH_BYTES || batch.length >= 50)) {
            batches.push(batch);
            batch = [];
            bytes = 0;
          }
          batch.push(i);
          bytes += size;
        }
        if (batch.length) batches.push(batch);
        for (const b of batches) {
          try {
            await sendOne(b);
          } catch (e) {
            if (!(e instanceof ApiError) || !isFinal(e)) throw e;
            for (const i of b) {
              try {
                await sendOne([i]);
              } catch (e1) {
                if (!(e1 instanceof ApiError) || !isFinal(e1)) throw e1;
                await putQueued({ ...i, state: 'rejected', error: { ...e1.messages, code: e1.code } });
              }
            }
          } finally {
            changed();
          }
        }
      }
    } catch {
      // No network or the server is away: everything stays queued for the next try.
    } finally {
      sending = undefined;
      changed();
      if (again) {
        again = false;
        if (navigator.onLine) void flush(scope);
      }
    }
  })();
  return sending;
}

/** Starts sending in the background for a user: now, when the network returns, and periodically. */
export function startSync(scope: string): () => void {
  const go = () => void flush(scope);
  window.addEventListener('online', go);
  clearInterval(timer);
  timer = setInterval(() => {
    if (navigator.onLine) go();
  }, RETRY_MS);
  go();
  return () => {
    window.removeEventListener('online', go);
    clearInterval(timer);
  };
}

/** The readings of a user still on the phone, kept up to date. */
export function useOutbox(scope: string | null): { items: QueuedReading[]; sending: boolean } {
  const [items, setItems] = useState<QueuedReading[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!scope) return;
    let live = true;
    const load = () =>
      void queuedFor(scope).then((q) => {
        if (live) {
          setItems(q);
          setBusy(sending !== undefined);
        }
      });
    events.addEventListener('change', load);
    load();
    return () => {
      live = false;
      events.removeEventListener('change', load);
    };
  }, [scope]);
  return { items, sending: busy };
}

/** Whether the browser believes it is online, following its events. */
export function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener('online', on);
    window.addEventListener('offline', off);
    return () => {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    };
  }, []);
  return online;
}

/**
 * What a stop or a meter shows on the reader's phone, from the route as the
 * server last sent it and the readings still waiting on the phone. Pure.
 */
import type { Stop, StopMeter } from '../types.ts';
import type { QueuedReading } from './store.ts';

export type MeterState = 'alarm' | 'queued' | 'held' | 'heard' | 'read' | 'toRead';

export function meterState(m: StopMeter, queued: readonly QueuedReading[]): MeterState {
  if (m.alarm) return 'alarm';
  if (queued.some((q) => q.meterId === m.id && q.state === 'queued')) return 'queued';
  // Read this period, but the reading waits for the office to verify it (e.g. lower than the previous one).
  if (m.read && m.lastReading?.status === 'pending') return 'held';
  if (m.heard) return 'heard';
  if (m.read) return 'read';
  return 'toRead';
}

export function stopState(s: Stop, queued: readonly QueuedReading[]): MeterState {
  const states = s.meters.map((m) => meterState(m, queued));
  for (const st of ['alarm', 'toRead', 'queued', 'held', 'read', 'heard'] as const) if (states.includes(st)) return st;
  return 'toRead';
}


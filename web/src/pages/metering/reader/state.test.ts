import { describe, expect, it } from 'vitest';
import type { Stop, StopMeter } from '../types.ts';
import { meterState, stopState } from './state.ts';
import type { QueuedReading } from './store.ts';

const meter = (over: Partial<StopMeter> = {}): StopMeter => ({
  id: 1, serialNumber: 'A1', radio: false, radioId: null, lastReading: null, read: false, heard: false, alarm: false, ...over,
});
const reading = (status: string) => ({ id: 9, valueM3: '10.000', readAt: '2026-12-07T08:00:00Z', source: 'reader', status, photo: false });
const waiting = (meterId: number): QueuedReading => ({ clientId: 'c', scope: 's', routeId: 1, meterId, valueM3: '1', readAt: '2026-12-07T08:00:00Z', state: 'queued', queuedAt: '2026-12-07T08:00:00Z' }) as QueuedReading;

describe("the reader's stop states", () => {
  it('shows a reading the office holds for verification, once the server has it', () => {
    expect(meterState(meter({ read: true, lastReading: reading('pending') }), [])).toBe('held');
    expect(meterState(meter({ read: true, lastReading: reading('accepted') }), [])).toBe('read');
    // Still on the phone: waiting to be sent, whatever the server had before.
    expect(meterState(meter({ read: true, lastReading: reading('pending') }), [waiting(1)])).toBe('queued');
    // An alarm comes first.
    expect(meterState(meter({ alarm: true, read: true, lastReading: reading('pending') }), [])).toBe('alarm');
  });

  it('sums a stop up by its most pressing meter', () => {
    const stop = (meters: StopMeter[]) => ({ position: 1, meters }) as unknown as Stop;
    expect(stopState(stop([meter({ read: true, lastReading: reading('pending') }), meter({ id: 2, read: true, lastReading: reading('accepted') })]), [])).toBe('held');
    expect(stopState(stop([meter({ read: true, lastReading: reading('pending') }), meter({ id: 2 })]), [])).toBe('toRead');
  });
});

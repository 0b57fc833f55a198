/**
 * The KSeF send job's test knobs (`sendOptions`), shared by the tests that
 * send through the simulator: set per test, put back after each.
 */
import { sendOptions } from '../../src/modules/ksef/service.ts';

/** Every knob back to the job's own default (an afterEach of each sending test file). */
export function resetSendOptions(): void {
  for (const k of Object.keys(sendOptions)) delete (sendOptions as Record<string, unknown>)[k];
}

/** Short polls, small sessions and a short wait, so that a test's sends finish in milliseconds. */
export const fastSend = () => Object.assign(sendOptions, { pollMs: 20, maxPerSession: 5, maxWaitSeconds: 5 });

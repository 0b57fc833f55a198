/**
 * Background work that runs inside the server process: each module that has
 * some adds a starter here. A starter returns a stop function, called on
 * shutdown so that no work is cut half-way.
 */
import type { AppDeps } from '../http/context.ts';
import { startOutboxWorker } from '../modules/notify/worker.ts';
import { startIdentityHousekeeping } from '../modules/identity/housekeeping.ts';
import { mqttWorker } from '../modules/metering/ingest/mqtt.ts';
import { startJobWorker } from './queue.ts';
import { startRunResumer } from '../modules/billing/runs/resume.ts';
// The modules whose job kinds the queue runs (each registers its handlers on import).
import '../modules/billing/pdf/jobs.ts';
import '../modules/ksef/service.ts';

export type Worker = (deps: AppDeps) => Promise<() => Promise<void>>;

/** The durable job queue (queue.ts): claims due jobs every second and runs them in their utility. */
const jobQueueWorker: Worker = async ({ config, database }) => startJobWorker(database, config);

const starters: Worker[] = [startOutboxWorker, startIdentityHousekeeping, mqttWorker, jobQueueWorker, startRunResumer];

export async function startWorkers(deps: AppDeps): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  for (const start of starters) stops.push(await start(deps));
  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
}

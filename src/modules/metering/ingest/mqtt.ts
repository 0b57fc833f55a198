/**
 * Fixed networks over MQTT: gateways publish the telegrams they hear on
 * topics like wodnik/<utility>/gateways/<gateway>/telegrams. The worker
 * subscribes (wildcards for the placeholders), gathers messages for a moment
 * and ingests them per utility, one transaction per batch, one batch at a time.
 */
import mqtt from 'mqtt';
import type { AppDeps } from '../../../http/context.ts';
import { secretBox, serverKey } from '../../../lib/secret-box.ts';
import { findDefaultUtility, findUtilityBySlug } from '../../utilities/service.ts';
import { ingestTelegrams } from './fixed.ts';
import type { IncomingTelegram, IngestCounts } from './ingest.ts';
import { parseMqttPayload, subscriptionOf, topicParts } from './mqtt-payload.ts';
import { TIME_OUT_OF_RANGE } from './telegram-batch.ts';

export interface MqttIngest {
  stop(): Promise<void>;
  /** Resolves when everything received so far is stored (tests). */
  idle(): Promise<void>;
  readonly connected: Promise<void>;
}

const GATHER_MS = 200;
const MAX_BATCH = 1000;

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

export async function startMqttIngestion(
  deps: AppDeps,
  opts: { url?: string; topic?: string; log?: Log; onBatch?: (c: IngestCounts) => void } = {},
): Promise<MqttIngest> {
  const url = opts.url ?? deps.config.mqttUrl!;
  const pattern = opts.topic ?? deps.config.mqttTopic;
  const log: Log = opts.log ?? ((level, msg) => (level === 'info' ? console.log : console.error)(`mqtt ingest: ${msg}`));
  const box = secretBox(serverKey(deps.config));
  const client = mqtt.connect(url, { reconnectPeriod: 2000, connectTimeout: 10_000, clean: true });
  // Per topic, so that each batch has one utility and one source detail.
  const pending = new Map<string, IncomingTelegram[]>();
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();

  const flush = () => {
    timer = null;
    const batches = [...pending.entries()];
    pending.clear();
    for (const [topic, telegrams] of batches) {
      chain = chain.then(() => store(topic, telegrams)).catch((err) => log('error', `batch from ${topic} failed: ${(err as Error).message}`));
    }
  };

  const store = async (topic: string, telegrams: IncomingTelegram[]) => {
    const parts = topicParts(pattern, topic);
    const utility = parts?.utility ? await findUtilityBySlug(deps.database.db, parts.utility) : await findDefaultUtility(deps.database.db, deps.config.defaultUtility);
    if (!utility) {
      log('warn', `no utility for topic ${topic}; ${telegrams.length} telegram(s) not stored`);
      return;
    }
    for (let i = 0; i < telegrams.length; i += MAX_BATCH) {
      const counts = await ingestTelegrams(deps.database, box, utility.id, { source: 'mqtt', detail: topic.slice(0, 200), uploadId: null }, telegrams.slice(i, i + MAX_BATCH));
      const early = counts.byReason[TIME_OUT_OF_RANGE];
      // Kept in the quarantine with the reason; said here too, since a gateway's clock is usually at fault.
      if (early) log('warn', `${topic}: ${early} telegram(s) quarantined as ${TIME_OUT_OF_RANGE} (time in the future or before the meter's installation)`);
      opts.onBatch?.(counts);
    }
  };

  client.on('message', (topic, payload) => {
    const { telegrams, problems } = parseMqttPayload(payload);
    if (problems.length) log('warn', `${topic}: ${problems.length} unreadable item(s): ${problems[0]}`);
    if (!telegrams.length) return;
    const list = pending.get(topic) ?? [];
    list.push(...telegrams);
    pending.set(topic, list);
    if (list.length >= MAX_BATCH) flush();
    else timer ??= setTimeout(flush, GATHER_MS);
  });
  client.on('error', (err) => log('error', err.message));

  const connected = new Promise<void>((resolve) => {
    client.on('connect', () => {
      client.subscribe(subscriptionOf(pattern), { qos: 1 }, (err) => {
        if (err) log('error', `subscribe failed: ${err.message}`);
        else resolve();
      });
    });
  });

  return {
    connected,
    async idle() {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await chain;
    },
    async stop() {
      if (timer) {
        clearTimeout(timer);
        flush();
      }
      await chain;
      await client.endAsync();
    },
  };
}

/** The server's worker starter (src/jobs/workers.ts): runs only when MQTT_URL is set. */
export async function mqttWorker(deps: AppDeps): Promise<() => Promise<void>> {
  if (!deps.config.mqttUrl) return async () => {};
  const m = await startMqttIngestion(deps);
  return () => m.stop();
}

/**
 * What gateways publish on MQTT: raw hex, or JSON `{ "hex": "...", "rssi": -70,
 * "received_at": "..." }`, or an array of those. Pure.
 */
import type { IncomingTelegram } from './ingest.ts';

export interface PayloadResult {
  telegrams: IncomingTelegram[];
  problems: string[];
}

const HEX = /^(?:0x)?([0-9A-Fa-f]{22,600})$/;

function one(v: unknown, now: Date, problems: string[]): IncomingTelegram | null {
  if (typeof v === 'string') {
    const m = HEX.exec(v.trim());
    if (m && m[1].length % 2 === 0) return { hex: m[1].toUpperCase(), receivedAt: now };
    problems.push('not a hex telegram');
    return null;
  }
  if (!v || typeof v !== 'object') {
    problems.push('not a telegram object');
    return null;
  }
  const o = v as Record<string, unknown>;
  const hex = typeof o.hex === 'string' ? o.hex : typeof o.telegram === 'string' ? o.telegram : undefined;
  const m = hex ? HEX.exec(hex.trim()) : null;
  if (!m || m[1].length % 2 !== 0) {
    problems.push('object without a valid "hex"');
    return null;
  }
  const at = o.received_at ?? o.receivedAt;
  let receivedAt = now;
  if (typeof at === 'string' || typeof at === 'number') {
    const d = new Date(at);
    if (!Number.isNaN(d.getTime())) receivedAt = d;
  }
  const rssi = typeof o.rssi === 'number' && o.rssi >= -150 && o.rssi <= 0 ? Math.round(o.rssi) : undefined;
  return { hex: m[1].toUpperCase(), receivedAt, rssi };
}

export function parseMqttPayload(payload: Buffer | string, now = new Date()): PayloadResult {
  const text = (typeof payload === 'string' ? payload : payload.toString('utf8')).trim();
  const problems: string[] = [];
  let values: unknown[];
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      values = Array.isArray(parsed) ? parsed : [parsed];
    } catch {
      return { telegrams: [], problems: ['invalid JSON'] };
    }
  } else {
    values = text.split(/\s+/).filter(Boolean);
  }
  const telegrams: IncomingTelegram[] = [];
  for (const v of values.slice(0, 1000)) {
    const t = one(v, now, problems);
    if (t) telegrams.push(t);
  }
  return { telegrams, problems };
}

/** 'wodnik/{utility}/gateways/{gateway}/telegrams' → the subscription 'wodnik/+/gateways/+/telegrams'. */
export function subscriptionOf(pattern: string): string {
  return pattern.replace(/\{utility\}|\{gateway\}/g, '+');
}

/** The {utility} and {gateway} parts of a topic, when it fits the pattern. */
export function topicParts(pattern: string, topic: string): { utility?: string; gateway?: string } | null {
  const p = pattern.split('/');
  const t = topic.split('/');
  if (p.length !== t.length) return null;
  const out: { utility?: string; gateway?: string } = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '{utility}') out.utility = t[i];
    else if (p[i] === '{gateway}') out.gateway = t[i];
    else if (p[i] !== '+' && p[i] !== t[i]) return null;
  }
  return out;
}

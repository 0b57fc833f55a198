/**
 * The environment, read and validated once at start-up. Everything else gets
 * a Config object; nothing else reads process.env.
 */
import path from 'node:path';

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  /** Address the server listens on: loopback unless HOST opens it (0.0.0.0 or :: = every address). */
  host: string;
  /** PostgreSQL server URL; when absent the embedded PGlite database in dataDir is used. */
  databaseUrl?: string;
  /** Folder of the embedded database and other local state. */
  dataDir: string;
  /** Real SMTP (smtp://user:pass@host:port); when absent e-mail stays in the outbox for the developer page. */
  smtpUrl?: string;
  /** Public base URL used in e-mail links, e.g. https://ebok.zgk.example */
  publicUrl: string;
  /** MQTT broker of the fixed radio network; ingestion subscribes when set. */
  mqttUrl?: string;
  /** Topic pattern: {utility} and {gateway} are placeholders; '+' wildcards are subscribed. */
  mqttTopic: string;
  /** 32-byte key (hex or base64) that encrypts the radio modules' AES keys and TOTP secrets at rest. */
  secretKey?: string;
  /** Utility served on a plain host without a slug (e.g. localhost). */
  defaultUtility?: string;
  /** Set the Secure flag on cookies (behind TLS). */
  secureCookies: boolean;
  /** Minutes of inactivity after which a session ends. */
  sessionIdleMinutes: number;
  /**
   * Whether X-Forwarded-For / -Proto are believed: only behind a reverse proxy
   * (TRUST_PROXY=1, or a hop count / address list as Fastify takes it). Off by
   * default, or any client could forge its address and slip the per-IP limits.
   */
  trustProxy: boolean | number | string;
  logLevel: string;
  /**
   * Who may read the API documentation at /api/docs: everyone ('public', the
   * default outside production), signed-in staff ('staff', production's
   * default) or nobody ('off').
   */
  apiDocs: 'public' | 'staff' | 'off';
  /**
   * Keep signed-in users and portal overviews in memory between requests
   * (exact: invalidated by the database's change notifications). On by
   * default; WODNIK_MEMORY_CACHES=off reads everything from the database on
   * every request (the benchmark's cold path, or to rule the caches out).
   */
  memoryCaches: boolean;
}

export class ConfigError extends Error {
  readonly code = 'config.invalid';
}

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${name} must be a whole number, got "${value}"`);
  return n;
}

function onOff(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'on' || value === '1' || value === 'true') return true;
  if (value === 'off' || value === '0' || value === 'false') return false;
  throw new ConfigError(`${name} must be on or off, got "${value}"`);
}

function trustProxy(value: string | undefined): boolean | number | string {
  if (!value || value === '0' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function apiDocs(value: string | undefined, mode: Config['env']): Config['apiDocs'] {
  if (!value) return mode === 'production' ? 'staff' : 'public';
  if (value === 'public' || value === 'staff' || value === 'off') return value;
  throw new ConfigError(`API_DOCS must be public, staff or off, got "${value}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const mode = (env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development') as Config['env'];
  const port = int('PORT', env.PORT, 3000);
  if (port > 65535) throw new ConfigError(`PORT must be at most 65535, got ${port}`);
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
  }
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, '');
  return {
    env: mode,
    port,
    host: env.HOST || '127.0.0.1',
    databaseUrl,
    dataDir: path.resolve(env.WODNIK_DATA_DIR || 'var'),
    smtpUrl: env.SMTP_URL || undefined,
    publicUrl,
    mqttUrl: env.MQTT_URL || undefined,
    mqttTopic: env.MQTT_TOPIC || 'wodnik/{utility}/gateways/{gateway}/telegrams',
    secretKey: env.WODNIK_SECRET_KEY || undefined,
    defaultUtility: env.WODNIK_DEFAULT_UTILITY || undefined,
    secureCookies: env.COOKIE_SECURE ? env.COOKIE_SECURE === '1' || env.COOKIE_SECURE === 'true' : publicUrl.startsWith('https://'),
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', env.SESSION_IDLE_MINUTES, 30),
    trustProxy: trustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL || (mode === 'test' ? 'silent' : 'info'),
    apiDocs: apiDocs(env.API_DOCS, mode),
    memoryCaches: onOff('WODNIK_MEMORY_CACHES', env.WODNIK_MEMORY_CACHES, true),
  };
}

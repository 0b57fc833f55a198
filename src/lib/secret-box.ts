/**
 * Encrypts small secrets at rest (radio modules' AES keys, TOTP secrets) with
 * AES-256-GCM under the server key WODNIK_SECRET_KEY (32 bytes, hex or
 * base64). In development without that variable a random key is created once
 * in the data folder, so a laptop works out of the box; production must set it.
 * Stored form: 'v1.<iv>.<tag>.<ciphertext>' in base64url.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { AppError } from './errors.ts';

export interface SecretBox {
  seal(plain: Uint8Array | string): string;
  open(sealed: string): Buffer;
}

function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new AppError('internal', 'config.secret_key', {
      pl: 'WODNIK_SECRET_KEY musi mieć 32 bajty (64 cyfry szesnastkowe lub base64).',
      en: 'WODNIK_SECRET_KEY must be 32 bytes (64 hex digits or base64).',
    });
  }
  return key;
}

export function serverKey(config: Pick<Config, 'secretKey' | 'dataDir' | 'env'>): Buffer {
  if (config.secretKey) return parseKey(config.secretKey);
  if (config.env === 'production') {
    throw new AppError('internal', 'config.secret_key_missing', {
      pl: 'W środowisku produkcyjnym należy ustawić WODNIK_SECRET_KEY (32 bajty).',
      en: 'Set WODNIK_SECRET_KEY (32 bytes) in production.',
    });
  }
  const file = path.join(config.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return parseKey(readFileSync(file, 'utf8'));
}

export function secretBox(key: Buffer): SecretBox {
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([c.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), c.final()]);
      return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open(sealed) {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('not a sealed secret');
      const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]);
    },
  };
}

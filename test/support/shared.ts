/**
 * Test data from outside the project lives in ../shared beside the checkout
 * and is read in place. A clone without it skips those tests with a message;
 * CI sets WODNIK_REQUIRE_SHARED=1 so that a missing ../shared fails instead.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = process.env.WODNIK_SHARED_DIR ?? path.resolve(root, '../shared');

/** Absolute path of a file under ../shared, or null when it is not there (then the caller skips). */
export function sharedPath(rel: string): string | null {
  const p = path.join(sharedDir, rel);
  if (existsSync(p)) return p;
  if (process.env.WODNIK_REQUIRE_SHARED === '1') {
    throw new Error(`../shared/${rel} is required (WODNIK_REQUIRE_SHARED=1) but missing at ${p}`);
  }
  console.warn(`skipping: ../shared/${rel} not found at ${p} (tests that read shared data are skipped)`);
  return null;
}

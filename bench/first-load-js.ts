/**
 * The first page load's compressed JavaScript (issue 13: under 250 kB).
 *
 *   node bin/run-ts.js bench/first-load-js.ts
 *
 * Builds the web app (`npm run build`, with Vite's manifest, into a
 * temporary folder so that a running server's or test's dist/web is left
 * alone), then sums the gzip (level 9) and brotli (quality 11) sizes of the
 * JavaScript two first loads fetch before they can show anything:
 *  - the sign-in page: the entry chunk and its static imports (the login
 *    page is part of the entry, routes.tsx);
 *  - the portal Pulpit: the same plus the lazily loaded Dashboard chunk and
 *    its static imports.
 * Exits 1 when either is over the budget.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET = 250 * 1000;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = mkdtempSync(path.join(tmpdir(), 'wodnik-first-load-'));

interface Chunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

try {
  execFileSync('npm', ['run', 'build', '--', '--manifest', '--outDir', out, '--emptyOutDir'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const manifest = JSON.parse(readFileSync(path.join(out, '.vite/manifest.json'), 'utf8')) as Record<string, Chunk>;
  /** A chunk's file and every chunk it imports statically, once each. */
  const closure = (keys: string[], seen = new Set<string>()): Set<string> => {
    for (const k of keys) {
      if (seen.has(k)) continue;
      seen.add(k);
      closure(manifest[k]?.imports ?? [], seen);
    }
    return seen;
  };
  const entry = Object.keys(manifest).filter((k) => manifest[k].isEntry);
  const dashboard = Object.keys(manifest).find((k) => k.endsWith('pages/customer/Dashboard.tsx'));
  if (!entry.length || !dashboard) throw new Error('the manifest names no entry or no Dashboard chunk');
  const loads = { 'sign-in page': closure(entry), 'portal Pulpit': closure([...entry, dashboard]) };
  let over = false;
  for (const [name, keys] of Object.entries(loads)) {
    let raw = 0;
    let gz = 0;
    let br = 0;
    const files = [...keys].map((k) => manifest[k].file).filter((f) => f.endsWith('.js'));
    for (const f of files) {
      const bytes = readFileSync(path.join(out, f));
      raw += bytes.length;
      gz += gzipSync(bytes, { level: 9 }).length;
      br += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    }
    const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
    console.log(`${name}: ${files.length} JS files, ${kB(raw)} raw, ${kB(gz)} gzip, ${kB(br)} brotli (budget ${kB(BUDGET)} compressed)`);
    if (gz > BUDGET) over = true;
  }
  if (over) process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}

import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { listenNotice, startServer } from '../main.ts';

export async function serve(opts: { port?: string; buildWeb?: boolean; seed?: boolean }): Promise<void> {
  if (opts.port) process.env.PORT = opts.port;
  const config = loadConfig();
  if (opts.buildWeb) await buildWebIfStale();
  const running = await startServer({ config, seedWhenEmpty: opts.seed !== false });
  console.log(`Wodnik is running on ${running.url} (database: ${running.database.kind === 'pglite' ? `embedded in ${running.database.location}` : running.database.location})`);
  console.log(listenNotice(config.host));
  if (config.apiDocs !== 'off') console.log(`API documentation: ${running.url}/api/docs${config.apiDocs === 'staff' ? ' (staff only)' : ''}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds the web app when dist/web is missing or older than web/ (npm start on a fresh clone). */
async function buildWebIfStale(): Promise<void> {
  const index = path.resolve('dist/web/index.html');
  if (!existsSync('web/vite.config.ts')) return;
  if (existsSync(index) && statSync(index).mtimeMs >= newest(path.resolve('web'))) return;
  console.log('Building the web app...');
  const { build } = await import('vite');
  await build({ configFile: path.resolve('web/vite.config.ts'), logLevel: 'warn' });
}

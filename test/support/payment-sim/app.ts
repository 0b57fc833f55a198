/**
 * The real app listening on a local port (the simulators call its notify
 * URL over HTTP, as the providers do), with PUBLIC_URL set to that port.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../app.ts';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export async function createListeningApp(): Promise<TestApp & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ PUBLIC_URL: url });
  await t.app.listen({ port, host: '127.0.0.1' });
  return { ...t, url };
}

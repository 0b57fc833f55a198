import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, client, type TestApp } from './support/app.ts';
import { buildUtility } from './support/factories.ts';

describe('the app shell', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers health and readiness', async () => {
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
  });

  it('resolves a utility by path prefix and refuses an unknown slug with a clear error', async () => {
    const u = await buildUtility(t.database, { name: 'Wodociągi Testowe' });
    const res = await client(t.app, u.slug).get('/api/utility');
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toBe('Wodociągi Testowe');
    const bad = await t.app.inject('/t/no-such-utility/api/utility');
    expect(bad.statusCode).toBe(404);
    expect(bad.json().error.code).toBe('tenant.not_found');
    expect(bad.json().error.messages.pl).toMatch(/przedsiębiorstwa/);
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await t.app.inject('/api/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('route.not_found');
  });
});

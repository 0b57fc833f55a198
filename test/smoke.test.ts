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

describe('the Node.js that runs the tests (vitest forks included)', () => {
  it('is a supported one (20.19 or newer), and exactly the version CI asked for in WODNIK_EXPECT_NODE', () => {
    const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
    // A CI log line: which Node ran this suite's forks.
    console.log(`tests run on Node ${process.version} (${process.execPath})`);
    expect(major > 20 || (major === 20 && minor >= 19), process.version).toBe(true);
    const expected = process.env.WODNIK_EXPECT_NODE;
    if (expected) expect(process.version).toBe(`v${expected.replace(/^v/, '')}`);
  });
});

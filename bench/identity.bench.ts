/**
 * What a sign-in and an activation letter cost: argon2id hashing and
 * verification with the project's parameters, and rendering one letter PDF.
 * Run: node bin/run-ts.js bench/identity.bench.ts
 */
import { cpus } from 'node:os';
import { hashPassword, verifyPassword } from '../src/modules/identity/passwords.ts';
import { renderActivationLetter } from '../src/modules/identity/letter.ts';
import { newActivationCode } from '../src/modules/identity/activation.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time(n: number, fn: () => Promise<unknown>) {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn();
    ms.push(performance.now() - s);
  }
  return median(ms);
}

const hash = await hashPassword('Woda2026bezpieczna');
const hashMs = await time(20, () => hashPassword('Woda2026bezpieczna'));
const verifyMs = await time(20, () => verifyPassword(hash, 'Woda2026bezpieczna'));
let size = 0;
const letterMs = await time(20, async () => {
  const pdf = await renderActivationLetter({
    utility: { name: 'Zakład Gospodarki Komunalnej w Łęcznej Sp. z o.o.', street: 'ul. Wodna 1', postalCode: '21-010', city: 'Łęczna', nip: '5250001009', phone: '81 000 00 00', email: 'bok@zgk.example', website: 'zgk.example' },
    customer: { number: 'K000123', name: 'Grzegorz Brzęczyszczykiewicz', addressLines: ['ul. Źródlana 7/12', '21-010 Łęczna'] },
    code: newActivationCode(),
    expiresAt: new Date(Date.now() + 90 * 86_400_000),
    issuedAt: new Date(),
    registerUrl: 'https://ebok.zgk.example/t/zgk/register',
  });
  size = pdf.length;
});
console.log(`cpu: ${cpus()[0]?.model} × ${cpus().length}, node ${process.version}`);
console.log(`argon2id hash (19 MiB, t=2): median ${hashMs.toFixed(1)} ms`);
console.log(`argon2id verify: median ${verifyMs.toFixed(1)} ms`);
console.log(`activation letter PDF: median ${letterMs.toFixed(1)} ms, ${(size / 1024).toFixed(0)} KiB (font subset embedded)`);

// A password-reset request for an address with an account and for one without, through the whole HTTP
// path on a fresh embedded database (the answer only; the worker composes the e-mail later). Each
// request comes from its own address, so the per-IP limit of 5 requests does not interfere.
{
  const { client, createTestApp } = await import('../test/support/app.ts');
  const { buildUser, buildUtility } = await import('../test/support/factories.ts');
  const t = await createTestApp();
  try {
    const u = await buildUtility(t.database);
    const user = await buildUser(t.database, u.id, { kind: 'customer', email: 'istnieje@example.com' });
    const c = client(t.app, u.slug);
    let n = 0;
    const reset = (email: string) => () => c.request('POST', '/api/auth/password-reset/request', { email }, { 'x-forwarded-for': `10.77.${(++n >> 8) & 255}.${n & 255}` });
    for (let i = 0; i < 10; i++) await reset(user.email)(), await reset('nikt@example.com')(); // warm-up
    const rounds = 5;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let r = 0; r < rounds; r++) known.push(await time(40, reset(user.email))), unknown.push(await time(40, reset('nikt@example.com')));
    console.log(`password-reset request answer, existing address: median ${median(known).toFixed(2)} ms; unknown address: median ${median(unknown).toFixed(2)} ms (medians of ${rounds} rounds × 40, interleaved)`);
  } finally {
    await t.close();
  }
}

/**
 * For benchmarks: the time spent per statement text (its first 90
 * characters), wall and this process's CPU (PGlite runs in this process, so
 * its CPU is the embedded database's too; on PostgreSQL it is only the
 * driver's). `traceQueries(database)` starts counting; the returned function
 * prints the costliest statements and resets.
 */
import pg from 'pg';
import type { Database } from '../src/db/connection.ts';

interface Cost {
  n: number;
  ms: number;
  cpu: number;
}

export function traceQueries(database: Database): (top?: number) => void {
  const per = new Map<string, Cost>();
  const wrap = (orig: (...a: unknown[]) => unknown) =>
    function (this: unknown, ...a: unknown[]) {
      const first = a[0] as string | { text?: string };
      const text = typeof first === 'string' ? first : first?.text;
      const r = orig.apply(this, a);
      if (typeof text !== 'string' || !(r instanceof Promise)) return r;
      const t = performance.now();
      const c0 = process.cpuUsage();
      const done = () => {
        const k = text.replace(/\s+/g, ' ').trim().slice(0, 90);
        const e = per.get(k) ?? { n: 0, ms: 0, cpu: 0 };
        const c = process.cpuUsage(c0);
        e.n++;
        e.ms += performance.now() - t;
        e.cpu += (c.user + c.system) / 1000;
        per.set(k, e);
      };
      return r.then(
        (v) => (done(), v),
        (err) => {
          done();
          throw err;
        },
      );
    };
  if (database.pglite) {
    const p = database.pglite as unknown as Record<string, (...a: unknown[]) => unknown>;
    for (const name of ['query', 'exec']) p[name] = wrap(p[name].bind(database.pglite));
  } else {
    const proto = pg.Client.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
    proto.query = wrap(proto.query);
  }
  return (top = 25) => {
    for (const [k, v] of [...per].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
      console.log(`${v.ms.toFixed(0).padStart(7)} ms (CPU ${v.cpu.toFixed(0).padStart(5)} ms) ${String(v.n).padStart(5)}×  ${k}`);
    }
    per.clear();
  };
}

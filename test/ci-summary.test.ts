/**
 * .ci/summary.mjs, which closes each CI suite: it must fail the run on a
 * failed test and on a skipped one (CI runs everything), and print the plain
 * 'N passed, N failed, N skipped' line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.ci/summary.mjs');

/** A vitest JSON report with one test file holding tests of the given statuses. */
function report(statuses: string[]): string {
  const count = (s: string) => statuses.filter((x) => x === s).length;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'wodnik-summary-')), 'report.json');
  writeFileSync(
    file,
    JSON.stringify({
      numPassedTests: count('passed'),
      numFailedTests: count('failed'),
      numPendingTests: count('skipped'),
      numTodoTests: count('todo'),
      testResults: [{ name: '/repo/test/a.test.ts', assertionResults: statuses.map((status, i) => ({ status, fullName: `test ${i}` })) }],
    }),
  );
  return file;
}

function summarise(...files: string[]) {
  const r = spawnSync(process.execPath, [script, ...files], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout };
}

describe('.ci/summary.mjs', () => {
  it('passes a run where every test passed, closing with the plain count line', () => {
    const r = summarise(report(['passed', 'passed']));
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').at(-1)).toBe('2 passed, 0 failed, 0 skipped');
  });

  it('fails a run with one skipped test, and names it', () => {
    const r = summarise(report(['passed', 'skipped']));
    expect(r.code).toBe(1);
    expect(r.out).toContain('/repo/test/a.test.ts: test 1');
    expect(r.out.trim().split('\n').at(-1)).toBe('1 passed, 0 failed, 1 skipped');
  });

  it('fails a run with a todo or a failed test', () => {
    expect(summarise(report(['passed', 'todo'])).code).toBe(1);
    expect(summarise(report(['passed', 'failed'])).code).toBe(1);
  });

  it('adds up several reports', () => {
    const r = summarise(report(['passed']), report(['passed', 'passed']), '--total');
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe('3 passed, 0 failed, 0 skipped');
  });
});

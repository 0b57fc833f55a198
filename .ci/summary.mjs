// Reads vitest JSON reports; fails when a test that needs ../shared was
// skipped, and prints the plain closing line 'N passed, N failed, N skipped'.
import { readFileSync } from 'node:fs';

const files = process.argv.slice(2).filter((a) => !a.startsWith('--'));
let passed = 0, failed = 0, skipped = 0;
const skippedNames = [];
for (const f of files) {
  const r = JSON.parse(readFileSync(f, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  for (const suite of r.testResults) {
    for (const t of suite.assertionResults) if (t.status === 'skipped' || t.status === 'pending') skippedNames.push(`${suite.name}: ${t.fullName}`);
  }
}
if (skippedNames.length) {
  console.log(`skipped tests (CI runs everything):\n  ${skippedNames.join('\n  ')}`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || skipped > 0 ? 1 : 0);

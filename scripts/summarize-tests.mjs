// Adds up the workspaces' vitest JSON reports into one closing line, and fails when a
// report is missing or a workspace ran no test at all.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const expected = ['protocol', 'collector', 'edge', 'sdk', 'demo-store'];
let passed = 0, failed = 0, skipped = 0, problems = [];
for (const ws of expected) {
  let report;
  try {
    report = JSON.parse(readFileSync(join(dir, `${ws}.json`), 'utf8'));
  } catch {
    problems.push(`${ws}: no test report`);
    continue;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  if (report.numTotalTests === 0) problems.push(`${ws}: ran no test`);
  if (report.numFailedTestSuites > 0 && report.numFailedTests === 0) problems.push(`${ws}: a test file failed to load`);
}
for (const p of problems) console.error(p);
console.log(`${passed} passed, ${failed + problems.length} failed, ${skipped} skipped`);
process.exit(failed === 0 && problems.length === 0 ? 0 : 1);

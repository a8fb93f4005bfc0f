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
  // Name every failing file and test with the first lines of its message, so the end of
  // the log (the part that survives truncation) says what broke.
  for (const file of report.testResults ?? []) {
    if (file.status === 'passed') continue;
    const name = file.name.slice(file.name.indexOf(`/${ws}/`) + 1);
    const failing = (file.assertionResults ?? []).filter((t) => t.status === 'failed');
    console.error(`FAILED ${name}${failing.length ? '' : ' (did not load or a hook failed)'}`);
    if (file.message) console.error(indent(file.message));
    for (const t of failing) console.error(`  × ${t.fullName}\n${indent((t.failureMessages ?? []).join('\n'))}`);
  }
}

function indent(text) {
  return text.split('\n').slice(0, 12).map((l) => `    ${l}`).join('\n');
}
for (const p of problems) console.error(p);
console.log(`${passed} passed, ${failed + problems.length} failed, ${skipped} skipped`);
process.exit(failed === 0 && problems.length === 0 ? 0 : 1);

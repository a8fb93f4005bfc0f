import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../cli/args';
import { formatSummary, verdict } from './formatSummary';
import { runLoad } from './runLoad';

const USAGE = `usage: npm run load -- [--minutes 10] [--rate 50] [--events 10] [--overload 2] [--overload-seconds 60] [--write]
  Starts a fresh stack on free loopback ports, sends the rated load for --minutes (memory of
  each service sampled every 10 s), then --overload times the rate, checks that every
  acknowledged event is stored once, prints a summary, and with --write puts it into
  docs/reliability.md. Stops by itself; takes --minutes plus about two.`;

const { opts } = parseArgs(process.argv.slice(2));
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
const number = (name: string, fallback: number, min: number, max: number) => {
  const v = Number(opts[name] ?? fallback);
  if (!(v >= min && v <= max)) {
    console.error(`--${name} must be between ${min} and ${max}\n${USAGE}`);
    process.exit(2);
  }
  return v;
};

const run = await runLoad({
  minutes: number('minutes', 10, 0.25, 120),
  rate: number('rate', 50, 1, 500),
  eventsPerRequest: number('events', 10, 1, 500),
  overload: number('overload', 2, 0, 10),
  overloadSeconds: number('overload-seconds', 60, 5, 600),
  warmUpSeconds: 10,
  sampleEveryMs: 10_000,
  log: (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`),
});
const summary = formatSummary(run);
const problems = verdict(run);
console.log(`\n${summary}\n`);
console.log(problems.length === 0 ? 'verdict: every promise kept' : `verdict:\n- ${problems.join('\n- ')}`);

if (opts.write) {
  const doc = fileURLToPath(new URL('../../../docs/reliability.md', import.meta.url));
  const [start, end] = ['<!-- load-figures:start -->', '<!-- load-figures:end -->'];
  const text = readFileSync(doc, 'utf8');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) {
    console.error(`docs/reliability.md has no ${start} … ${end} section to write into`);
    process.exit(1);
  }
  writeFileSync(doc, `${text.slice(0, from + start.length)}\n${summary}\n${text.slice(to)}`);
  console.log('written to docs/reliability.md');
}
process.exit(problems.length === 0 ? 0 : 1);

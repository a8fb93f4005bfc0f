// The SDK benchmark: sizes of every build and of each npm import combination, and the
// cost of init and of 1000 track calls in headless Chromium, for Lifeline and, when they
// are installed, @sentry/browser and @grafana/faro-web-sdk bundled by esbuild.
//
//   npm run bench -w sdk              prints the tables
//   npm run bench -w sdk -- --write   also replaces the "## SDK" section of docs/benchmarks.md
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../test/support/browser.js';
import { startServer } from '../test/support/server.js';
import { bundle, installed } from './bundle.js';
import { CONTENDERS, OUR_IMPORTS } from './contenders.js';
import { measure, type Sizes } from './measure.js';
import { timeInChromium, type Timing } from './timeInChromium.js';
import { writeSection } from './writeSection.js';

/** Page loads per contender; the medians are reported. */
const RUNS = 9;
const SDK_DIR = fileURLToPath(new URL('..', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));

const kb = (n: number) => `${n} B`;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const sizeCells = (s: Sizes) => [kb(s.min), kb(s.gzip), kb(s.brotli)];

execFileSync('npm', ['run', '--silent', 'build'], { cwd: SDK_DIR, stdio: ['ignore', 'ignore', 'inherit'] });

const sizeRows: string[] = [row(['build', 'minified', 'gzip', 'brotli']), row(['---', '---:', '---:', '---:'])];
const tag = measure(readFileSync(`${SDK_DIR}/dist/lifeline.js`));
const vitalsTag = measure(readFileSync(`${SDK_DIR}/dist/lifeline-vitals.js`));
sizeRows.push(row(['`dist/lifeline.js` (script tag: everything but web vitals)', ...sizeCells(tag)]));
sizeRows.push(row(['`dist/lifeline-vitals.js` (web vitals, added after the load event)', ...sizeCells(vitalsTag)]));
sizeRows.push(row(['both files', kb(tag.min + vitalsTag.min), kb(tag.gzip + vitalsTag.gzip), kb(tag.brotli + vitalsTag.brotli)]));
for (const [label, source] of OUR_IMPORTS) sizeRows.push(row([`npm, ${label}`, ...sizeCells((await bundle(source)).sizes)]));

const notes: string[] = [];
const scripts: { name: string; call: string; code: string; sizes: Sizes }[] = [];
for (const c of CONTENDERS) {
  if (c.needs && !installed(c.needs)) {
    const note = `${c.name}: not installed, skipped (add it to the devDependencies of sdk to compare).`;
    notes.push(note);
    console.log(note);
    continue;
  }
  if (c.entry) {
    const { code, sizes } = await bundle(c.entry);
    scripts.push({ name: c.name, call: c.call, code, sizes });
  } else {
    const code = readFileSync(`${SDK_DIR}/dist/lifeline.js`, 'utf8');
    scripts.push({ name: c.name, call: c.call, code: `${code}\n${c.glue}`, sizes: measure(code) });
  }
}

const [server, browser] = await Promise.all([startServer(), launchBrowser()]);
const timings: [string, string, Sizes, Timing][] = [];
let chromium = '';
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.origin}/fixtures/nosdk.html`);
  chromium = (await page.evaluate(() => navigator.userAgent)).match(/Chrome\/([\d.]+)/)?.[1] ?? '?';
  await page.close();
  for (const s of scripts) {
    timings.push([s.name, s.call, s.sizes, await timeInChromium(browser, `${server.origin}/fixtures/nosdk.html`, s.code, RUNS)]);
    console.log(`measured ${s.name}`);
  }
} finally {
  await browser.close();
  await server.close();
}

const costRows = [
  row(['SDK', 'bundle (min / brotli)', 'init', '`track` ×1000, per call', 'per call, to the next timer turn', '`track` is']),
  row(['---', '---:', '---:', '---:', '---:', '---']),
  ...timings.map(([name, call, sizes, t]) =>
    row([
      name,
      `${sizes.min} B / ${sizes.brotli} B`,
      `${t.initMs.toFixed(2)} ms`,
      `${t.trackUs.toFixed(1)} µs`,
      `${t.settledUs.toFixed(1)} µs`,
      `\`${call}\``,
    ]),
  ),
];

const section = `## SDK

Command: \`npm run bench -w sdk -- --write\` (without \`--write\` it only prints). It builds
the SDK, measures the sizes (minified, gzip -9, brotli quality 11), then loads each SDK
${RUNS} times into a fresh headless Chromium page and times, with \`performance.now()\` in the
page, \`init\` and a loop of 1000 \`track\`-like calls; the medians are shown. Competitors are
bundled by esbuild from their npm packages with their default integrations and send to the
page's own origin. Machine: ${cpus().length} cores, Node ${process.versions.node}, Chromium ${chromium}.

### Sizes

${sizeRows.join('\n')}

### Cost in Chromium

${costRows.join('\n')}
${notes.length ? `\n${notes.map((n) => `- ${n}`).join('\n')}\n` : ''}
The per-call figures divide the loop's time by 1000. "To the next timer turn" also counts
the work the calls left for microtasks and zero-delay timers (for Lifeline: cutting the
queued events into batches and handing them to \`fetch\`); the transfer itself is not
included. Sentry's nearest call builds and sends one event per call, where Lifeline and
Faro queue events for a batch, so its figures are not like for like. Lifeline's \`init\` is
the script tag's: its web vitals load after the page's load event (\`lifeline-vitals.js\`)
and are not in that figure, where Faro's default \`init\` starts its web-vitals
instrumentation.
`;

console.log(`\n${section}`);
if (process.argv.includes('--write')) {
  writeSection(DOCS, section);
  console.log(`written to ${DOCS}`);
}

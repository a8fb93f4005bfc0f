import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces the `## SDK` section of a markdown file (up to the next `## ` heading) with
 * `section`, or appends it; other sections are left exactly as they are.
 */
export function writeSection(file: string, section: string): void {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const start = text.search(/^## SDK\s*$/m);
  if (start < 0) {
    writeFileSync(file, `${text.trimEnd()}\n\n${section.trimEnd()}\n`);
    return;
  }
  const rest = text.slice(start + 1);
  const next = rest.search(/^## /m);
  const end = next < 0 ? text.length : start + 1 + next;
  writeFileSync(file, `${text.slice(0, start)}${section.trimEnd()}\n${end < text.length ? `\n${text.slice(end)}` : ''}`);
}

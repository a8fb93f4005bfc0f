/** Parses `30s`, `10m`, `2h`, `1d` (or plain milliseconds) into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text} (use e.g. 30s, 10m, 2h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms') as 'ms'];
  return Number(m[1]) * unit;
}

/** `--name value` and `--flag` options plus positional words. */
export function parseArgs(argv: string[]): { words: string[]; opts: Record<string, string> } {
  const words: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined];
      if (v !== undefined) opts[k] = v;
      else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) opts[k] = argv[++i]!;
      else opts[k] = 'true';
    } else words.push(a);
  }
  return { words, opts };
}

/**
 * Progress for a long operation on stderr, so stdout stays clean for tables and JSON. On a
 * terminal: a spinner with the elapsed time, drawn after 300 ms and erased at the end. In
 * a pipe or a log: one line if the operation is still running after a second.
 *
 * @example const rows = await withProgress('running funnel', () => fetchFunnel())
 */
export async function withProgress<T>(label: string, work: () => Promise<T>, stream: NodeJS.WriteStream = process.stderr): Promise<T> {
  const started = Date.now();
  const frames = '⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏';
  let frame = 0;
  let drawn = false;
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const timer = stream.isTTY
    ? setInterval(() => {
        if (Date.now() - started < 300) return;
        drawn = true;
        stream.write(`\r${frames[frame++ % frames.length]} ${label}… ${elapsed()}\x1b[K`);
      }, 100)
    : setTimeout(() => stream.write(`${label}… (still running after ${elapsed()})\n`), 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    clearTimeout(timer);
    if (drawn) stream.write('\r\x1b[K');
  }
}

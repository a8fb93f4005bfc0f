import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/lifeline.mjs', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cliProcess(args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams {
  // Only what the CLI reads, so the caller's own LIFELINE_* variables cannot leak in.
  return spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env } });
}

/** Runs `lifeline …` as an operator would, to completion. */
export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = cliProcess(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a long-running `lifeline …` (watch) and waits for lines on its stdout. */
export function startCli(args: string[], env: Record<string, string>) {
  const child = cliProcess(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const closed = new Promise<number | null>((resolve) => child.once('close', resolve));

  return {
    /** Resolves with stdout once `pattern` appears in it. */
    async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return stdout;
    },
    /** Ctrl-C, then the exit status. */
    async interrupt(): Promise<number | null> {
      child.kill('SIGINT');
      return closed;
    },
    output: () => ({ stdout, stderr }),
  };
}

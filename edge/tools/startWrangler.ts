import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './freePort';

export interface StartWranglerOptions {
  /** The folder holding the worker (and its wrangler.jsonc). */
  cwd: string;
  /** @default 'wrangler.jsonc' in `cwd` */
  config?: string;
  /** `--var NAME:VALUE` overrides. */
  vars?: Record<string, string>;
  /** @default 60000 (the first start compiles the worker) */
  readyTimeoutMs?: number;
}

export interface RunningWrangler {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything wrangler printed so far, for failure messages. */
  output(): string;
  /** Stops wrangler (and its workerd) and removes the temporary state folder. */
  stop(): Promise<void>;
}

const wranglerBin = createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js');

/**
 * Starts `wrangler dev` on free loopback ports (HTTP and inspector), with its state in a
 * fresh temporary `--persist-to` folder and the offline settings from docs/edge.md, and
 * resolves once it answers requests.
 *
 * @example const edge = await startWrangler({ cwd: 'edge' }); … await edge.stop();
 */
export async function startWrangler(options: StartWranglerOptions): Promise<RunningWrangler> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const state = mkdtempSync(join(tmpdir(), 'lifeline-wrangler-'));
  const args = [
    wranglerBin, 'dev',
    '--config', options.config ?? 'wrangler.jsonc',
    '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(inspectorPort),
    '--persist-to', join(state, 'state'),
    '--show-interactive-dev-session=false',
    ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}:${v}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_SEND_METRICS: 'false',
      WRANGLER_LOG_PATH: join(state, 'logs'),
      NO_COLOR: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping it also stops the workerd it started.
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(state, { recursive: true, force: true });
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`wrangler dev exited with ${child.exitCode} before it was ready:\n${output}`);
    }
    if (output.includes('Ready on')) {
      const answered = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        async (r) => (await r.body?.cancel(), true),
        () => false,
      );
      if (answered) return { url, output: () => output, stop };
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

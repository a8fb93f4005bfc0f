import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

const collectorDir = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(collectorDir, 'dist/dashboard/index.html');

function newest(dir: string): number {
  return Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
}

/**
 * Builds the page (`npm run build -w collector` does the same) unless the build is newer
 * than every source file, so the browser tests always drive the current source.
 */
export function buildDashboardIfStale(): void {
  if (existsSync(dist) && statSync(dist).mtimeMs >= newest(join(collectorDir, 'dashboard'))) return;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: collectorDir, stdio: 'pipe' });
}

/** Serves a Hono app on a free port of 127.0.0.1. */
export async function listen(app: Hono): Promise<{ url: string; close: () => Promise<void> }> {
  let server!: Server;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => resolve(info.port)) as Server;
  });
  return {
    url: `http://127.0.0.1:${port || (server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

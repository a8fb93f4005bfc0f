import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { renderHome, type PageOptions } from './page';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));
/** The SDK's script-tag build, served from the store's own origin as a customer would host it. */
const sdkBundle = fileURLToPath(new URL('../../sdk/dist/lifeline.js', import.meta.url));

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Builds the storefront app. Static files are read per request so a rebuilt SDK shows at once. */
export function createStore(options: PageOptions): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/', (c) => c.html(renderHome(options)));
  app.get('/lifeline.js', async (c) => {
    const body = await readFile(sdkBundle, 'utf8').catch(() => null);
    if (body === null) return c.text('SDK bundle missing: run `npm run build -w sdk`', 500);
    return c.body(body, 200, { 'Content-Type': TYPES['.js']!, 'Cache-Control': 'no-cache' });
  });
  app.get('/:file{[a-z]+\\.(?:js|css)}', async (c) => {
    const file = c.req.param('file');
    const body = await readFile(publicDir + file, 'utf8').catch(() => null);
    if (body === null) return c.notFound();
    return c.body(body, 200, { 'Content-Type': TYPES[file.slice(file.lastIndexOf('.'))]! });
  });
  return app;
}

import type { Handler } from 'hono';

/** `GET /health`: the worker is up. Independent of config so it answers even when vars are broken. */
export function health(): Handler {
  return function health(c) {
    return c.json({ ok: true });
  };
}

import type { Handler } from 'hono';
import type { AppEnv } from '../../env';
import { readFeature } from '../../flags/readChange';
import { applyChange } from './change';

/**
 * `DELETE /v1/flags/:feature` (ops token): the feature back to `ok`, recorded like any change.
 *
 * @example app.delete('/v1/flags/:feature', clearFlag())
 */
export function clearFlag(): Handler<AppEnv> {
  return async function clearFlag(c) {
    return applyChange(c, readFeature(c.req.param('feature')), { state: 'ok' });
  };
}

import type { Handler } from 'hono';
import type { AppEnv } from '../../env';
import { readFeature, readFlagChange } from '../../flags/readChange';
import { applyChange } from './change';

/**
 * `PUT /v1/flags/:feature` (ops token): sets the feature's flag from a `FlagChange`
 * `{ state, message?, until? }`. `until` in the past → 400 `until_in_past`.
 *
 * @example app.put('/v1/flags/:feature', setFlag())
 */
export function setFlag(): Handler<AppEnv> {
  return async function setFlag(c) {
    const feature = readFeature(c.req.param('feature'));
    return applyChange(c, feature, await readFlagChange(c.req.raw));
  };
}

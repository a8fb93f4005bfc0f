import type { Context } from 'hono';
import { LIMITS, REQUEST_ID_HEADER, type Flag } from '@lifeline/protocol';
import type { AppEnv } from '../../env';
import { HttpError } from '../../errors';
import { defaultCache, statusCache } from '../../flags/statusCache';
import { flagsFor } from '../../flags/stub';

/** The caller's `X-Request-Id` when it is a usable ID (printable, not too long), else a new one. */
function requestIdOf(header: string | undefined): string {
  const id = header?.trim();
  return id && id.length <= LIMITS.id && /^[\x21-\x7e]+$/.test(id) ? id : crypto.randomUUID();
}

/**
 * Sends a change to the project's Durable Object and answers the `FlagChangeResponse`,
 * or the object's refusal as a 400. The caller's token label becomes the audit actor, and
 * the request ID goes on the flag event (and back in `X-Request-Id`), so the flip can be
 * found in the collector's timeline by the ID the CLI prints.
 */
export async function applyChange(c: Context<AppEnv>, feature: string, flag: Flag): Promise<Response> {
  const { project, actor } = c.var.ops;
  const requestId = requestIdOf(c.req.header(REQUEST_ID_HEADER));
  const result = await flagsFor(c.env, project).change(project, { feature, flag, actor, requestId });
  if (!result.ok) throw new HttpError(400, result.error, result.reason);
  // This location's copy goes at once, so a poll here right after the flip sees it.
  if (result.changed) await statusCache(defaultCache()).forget(project);
  const { ok: _ok, ...body } = result;
  return c.json(body, 200, { [REQUEST_ID_HEADER]: requestId });
}

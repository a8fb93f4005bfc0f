import { describeIssues, LIMITS, SdkBatch } from '@lifeline/protocol';
import { readTextLimited } from '../body';
import type { Config } from '../config';
import { HttpError } from '../errors';
import { requireProject } from '../keys';

/** Media types the SDK may post: `text/plain` keeps browsers from sending a preflight. */
const ACCEPTED_TYPES = ['text/plain', 'application/json'];

export interface Envelope {
  batch: SdkBatch;
  project: string;
}

function checkContentType(header: string | undefined): void {
  // No header at all is tolerated: some beacon paths omit it and the body is still JSON.
  if (header === undefined) return;
  const type = header.split(';')[0]!.trim().toLowerCase();
  if (!ACCEPTED_TYPES.includes(type)) {
    throw new HttpError(415, 'unsupported_media_type', `send the batch as ${ACCEPTED_TYPES.join(' or ')}`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not JSON');
  }
}

/**
 * Reads and checks an SDK batch up to its events: media type (415), size (413), JSON (400),
 * key (401 missing / 403 unknown, from the body's `key` or else `?key=`), then the
 * `SdkBatch` envelope (400 with issues). Events are left for `splitEvents`.
 *
 * The key is checked before the envelope so a caller with a wrong key learns that first;
 * a `key` of the wrong type is reported by the envelope check.
 */
export async function readEnvelope(request: Request, config: Config): Promise<Envelope> {
  checkContentType(request.headers.get('content-type') ?? undefined);
  const body = parseJson(await readTextLimited(request, LIMITS.sdkBatchBytes));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_batch', 'the body must be a JSON object (an SdkBatch)');
  }

  const fields = body as Record<string, unknown>;
  const key = fields.key ?? new URL(request.url).searchParams.get('key') ?? undefined;
  let project: string | undefined;
  if (key === undefined || typeof key === 'string') project = await requireProject(config, key);

  const parsed = SdkBatch.safeParse({ ...fields, key });
  if (!parsed.success) {
    const { reason, issues } = describeIssues(parsed.error);
    throw new HttpError(400, 'invalid_batch', reason, { issues });
  }
  // A valid envelope has a string key, so `project` was resolved above.
  return { batch: parsed.data, project: project ?? (await requireProject(config, parsed.data.key)) };
}

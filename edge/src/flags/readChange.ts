import { describeIssues, featureName, FlagChange } from '@lifeline/protocol';
import { readTextLimited } from '../body';
import { HttpError } from '../errors';
import { FLAG_CHANGE_BYTES } from './limits';

/**
 * The `:feature` of an ops route, checked against the protocol's feature name rule.
 *
 * @throws HttpError 400 `invalid_feature`
 */
export function readFeature(value: string | undefined): string {
  const parsed = featureName.safeParse(value ?? '');
  if (!parsed.success) throw new HttpError(400, 'invalid_feature', describeIssues(parsed.error).issues[0]!.message);
  return parsed.data;
}

/**
 * The body of `PUT /v1/flags/:feature` as a `FlagChange`. Any media type is read as JSON:
 * the route needs a bearer token, so browsers preflight it whatever the type, and an
 * operator's `curl -d` should not fail over a header during an incident.
 *
 * @throws HttpError 413 `payload_too_large`, 400 `invalid_json` / `invalid_flag` (with issues)
 */
export async function readFlagChange(request: Request): Promise<FlagChange> {
  const text = await readTextLimited(request, FLAG_CHANGE_BYTES);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not JSON; send a FlagChange like {"state":"degraded","message":"…"}');
  }
  const parsed = FlagChange.safeParse(body);
  if (!parsed.success) {
    const { reason, issues } = describeIssues(parsed.error);
    throw new HttpError(400, 'invalid_flag', reason, { issues });
  }
  if (parsed.data.state === 'ok' && parsed.data.until !== undefined) {
    throw new HttpError(400, 'invalid_flag', 'until applies to degraded or down flags; an ok flag has nothing to revert', {
      issues: [{ path: 'until', message: 'only with state degraded or down' }],
    });
  }
  return parsed.data;
}

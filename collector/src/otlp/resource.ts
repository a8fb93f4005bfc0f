import { LIMITS } from '@lifeline/protocol';
import { attributeMap, attributeString, cut } from './values';

/** What a resource says about every record under it. */
export interface ResourceInfo {
  service?: string;
  release?: string;
  environment?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `service.name` → service, `service.version` → release, `deployment.environment.name`
 * (or the older `deployment.environment`) → environment, per the semantic conventions.
 */
export function resourceInfo(resource: unknown): ResourceInfo {
  const attributes = attributeMap(isObject(resource) ? resource.attributes : undefined);
  const info: ResourceInfo = {};
  const service = attributeString(attributes, 'service.name');
  const release = attributeString(attributes, 'service.version');
  const environment = attributeString(attributes, 'deployment.environment.name', 'deployment.environment');
  if (service) info.service = cut(service, LIMITS.label);
  if (release) info.release = cut(release, LIMITS.label);
  if (environment) info.environment = cut(environment, LIMITS.label);
  return info;
}

/** The IDs that join a backend record to the browser's events, from its attributes. */
export interface JoinIds {
  request_id?: string;
  session_id?: string;
  user_id?: string;
  order_id?: string;
  url?: string;
}

/**
 * Reads the join IDs: the request ID the SDK put in `X-Request-Id` (as the HTTP semantic
 * conventions record it, `http.request.header.x-request-id`, a string array) or a plain
 * `request_id` / `lifeline.request_id` attribute; session, user and order IDs likewise.
 */
export function joinIds(attributes: Map<string, unknown>): JoinIds {
  const ids: JoinIds = {};
  const set = (key: keyof JoinIds, max: number, ...names: string[]) => {
    const v = attributeString(attributes, ...names);
    if (v) ids[key] = cut(v, max);
  };
  set('request_id', LIMITS.id, 'http.request.header.x-request-id', 'request_id', 'lifeline.request_id', 'request.id');
  set('session_id', LIMITS.id, 'session.id', 'session_id', 'lifeline.session_id');
  set('user_id', LIMITS.id, 'user.id', 'enduser.id', 'user_id', 'lifeline.user_id');
  set('order_id', LIMITS.id, 'order.id', 'order_id', 'lifeline.order_id');
  set('url', LIMITS.url, 'url.full', 'http.url');
  return ids;
}

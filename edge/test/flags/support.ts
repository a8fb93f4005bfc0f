import { env } from 'cloudflare:workers';
import type { StoredEvent } from '@lifeline/protocol';
import { flagsFor } from '../../src/flags/stub';
import { app } from '../../src/index';
import type { CollectorCall } from '../helpers';

let counter = 0;
const touched = new Set<string>();

/**
 * A project of its own for one test: its public key and ops token are added to the
 * wrangler.jsonc vars, so each test gets a fresh Durable Object whatever ran before.
 * Requests go through `app.request` with that env, inside workerd, bindings and all.
 */
export function newProject() {
  const project = `p${Date.now().toString(36)}${counter++}`;
  const key = `pk_${project}`;
  const token = `tok-${project}`;
  const actor = `ops-${project}`;
  const vars = {
    ...env,
    LIFELINE_KEYS: `${env.LIFELINE_KEYS},${key}:${project}`,
    LIFELINE_OPS_TOKENS: `${env.LIFELINE_OPS_TOKENS},${project}:${actor}:${token}`,
  };
  touched.add(project);

  const request = (path: string, init: RequestInit = {}) => app.request(path, init, vars);
  const auth = (headers: Record<string, string> = {}) => ({ Authorization: `Bearer ${token}`, ...headers });
  return {
    project,
    key,
    token,
    actor,
    vars,
    request,
    stub: flagsFor(env, project),
    status: (headers: Record<string, string> = {}) => request(`/v1/status?key=${key}`, { headers }),
    list: () => request('/v1/flags', { headers: auth() }),
    put: (feature: string, body: unknown) =>
      request(`/v1/flags/${feature}`, { method: 'PUT', headers: auth({ 'Content-Type': 'application/json' }), body: typeof body === 'string' ? body : JSON.stringify(body) }),
    clear: (feature: string) => request(`/v1/flags/${feature}`, { method: 'DELETE', headers: auth() }),
    history: (query = '') => request(`/v1/flags/history${query}`, { headers: auth() }),
  };
}

export type TestProject = ReturnType<typeof newProject>;

/**
 * Waits until every project a test touched has finished delivering its flag events, so
 * no delivery runs on into the next test (call it before restoring the collector stub).
 */
export async function settleAll(): Promise<void> {
  await Promise.all([...touched].map((p) => flagsFor(env, p).settle()));
  touched.clear();
}

/** The flag events of `project` among the collector's calls. */
export function flagEvents(calls: CollectorCall[], project: string): Array<StoredEvent & { kind: 'flag' }> {
  return calls.flatMap((c) => c.body.events).filter((e): e is StoredEvent & { kind: 'flag' } => e.kind === 'flag' && e.project === project);
}

/** A time `ms` from now, as `until` wants it. */
export const fromNow = (ms: number) => Date.now() + ms;

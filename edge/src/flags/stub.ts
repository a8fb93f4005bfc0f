import type { Bindings } from '../env';

/**
 * The Durable Object holding `project`'s flags. `idFromName` maps a name to the same
 * object from every location, so all pages and ops of a project meet in one place.
 *
 * @example const snapshot = await flagsFor(c.env, 'demo').status('demo')
 */
export function flagsFor(env: Bindings, project: string) {
  return env.FLAGS.get(env.FLAGS.idFromName(project));
}

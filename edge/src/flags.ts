import type { Flag } from '@lifeline/protocol';
import type { Config } from './config';

/** Where `/v1/status` reads a project's flags from. */
export interface FlagSource {
  read(project: string): Promise<{ version: number; flags: Record<string, Flag>; updated_at: number }>;
}

/**
 * Every configured feature reported `ok`. This is the source until flags live in a
 * Durable Object per project. Nothing ever changes here, so `version` stays 0 and
 * `updated_at` is the time of the read (there is no change history to report).
 */
export function staticFlags(config: Config): FlagSource {
  return {
    async read() {
      const flags: Record<string, Flag> = {};
      for (const feature of config.features) flags[feature] = { state: 'ok' };
      return { version: 0, flags, updated_at: Date.now() };
    },
  };
}

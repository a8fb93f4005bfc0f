import type { Bindings } from '../src/env';

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {
      /** Inputs per fuzz property; empty for the default (see vitest.config.ts). */
      LIFELINE_FUZZ_RUNS?: string;
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index');
    }
  }
}

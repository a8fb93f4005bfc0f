import type { FeatureStatus } from '../../../src/degrade/types.js';

declare global {
  interface Window {
    /** Set by fixtures/store.html. */
    featureEvents: (FeatureStatus & { feature: string })[];
    atFirstFrame?: string | null;
    atDomReady?: { state: string | null; payDisabled: boolean; fallbackHidden: boolean };
    order(path?: string): Promise<{ status?: number; breaker?: string | null; error?: string }>;
    /** Set by the timeout tests: the calls they started, and those that ended so far. */
    inFlight: Promise<{ status?: number; breaker?: string | null; error?: string }[]>;
    settled: { status?: number; breaker?: string | null; error?: string }[];
    /** Set by fixtures/spa.html. */
    shifts: number[];
    showCheckout(): void;
  }
}

import type { Flag } from '@lifeline/protocol';
import type { FeatureStatus } from './types.js';

const RANK: Record<string, number> = { degraded: 1, down: 2 };

/**
 * The state a feature shows: the worse of its flag and its breaker, the flag winning a tie
 * (its message says more than a breaker can). A flag past its `until` counts as ok, with
 * or without the edge. A state this SDK does not know counts as ok rather than breaking
 * the page. Once ok again, `reason` keeps what had degraded the feature.
 */
export function resolveFeature(flag: Flag | undefined, breakerOpen: boolean, now: number, previous: FeatureStatus): FeatureStatus {
  // `| 0` turns unknown states (and inherited names such as "constructor") into 0.
  const rank = flag && !(flag.until! <= now) ? RANK[flag.state]! | 0 : 0;
  if (breakerOpen && rank < 2) return { state: 'down', reason: 'breaker' };
  if (rank) return { state: flag!.state, message: flag!.message, reason: 'flag' };
  return { state: 'ok', reason: previous.reason };
}

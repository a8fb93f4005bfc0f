let last = 0;

/**
 * A row version for the alert tables' ReplacingMergeTree: microseconds of the wall clock,
 * bumped when two changes fall in the same microsecond, so the later write always wins.
 * Evaluation time is injectable (tests run rules "in the past"), so it cannot serve here.
 */
export function nextVersion(): number {
  last = Math.max(last + 1, Date.now() * 1000);
  return last;
}

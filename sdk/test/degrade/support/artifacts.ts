import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Screenshots of degraded pages, kept for people to look at: `test-artifacts/sdk-degrade/` (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../../../../test-artifacts/sdk-degrade/', import.meta.url));

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return `${ARTIFACTS}${name}`;
}

import type { StatusResponse } from '@lifeline/protocol';
import { describe, expect, it } from 'vitest';
import { isNewer } from '../../src/degrade/isNewer.js';

const status = (version: number, updated_at: number): StatusResponse => ({ v: 1, project: 'shop', version, updated_at, flags: {} });

describe('isNewer', () => {
  it('takes anything over nothing', () => {
    expect(isNewer(status(0, 0), undefined)).toBe(true);
  });

  it('keeps the newest version when the poll and the stream race', () => {
    const fromStream = status(7, 2000);
    const stalePoll = status(6, 1000);
    expect(isNewer(fromStream, stalePoll)).toBe(true);
    expect(isNewer(stalePoll, fromStream)).toBe(false);
    expect(isNewer(status(7, 2000), fromStream)).toBe(false);
  });

  it('takes a later updated_at even with a lower version (an edge whose store was reset)', () => {
    expect(isNewer(status(1, 5000), status(40, 2000))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { StatusResponse } from '@lifeline/protocol';
import { changeFrom } from '../../src/cli/commands/set';
import { describeChanges } from '../../src/cli/commands/watch';
import { formatDuration, parseDuration } from '../../src/cli/duration';
import { CliError } from '../../src/cli/errors';
import { table } from '../../src/cli/format';
import { parseOptions } from '../../src/cli/options';
import { readSse } from '../../src/cli/readSse';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    [' 15M ', 900_000],
    ['0s', undefined],
    ['30', undefined],
    ['10 m', undefined],
    ['1w', undefined],
    ['-5m', undefined],
    ['', undefined],
  ])('%j → %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45_000, '45s'],
    [90_000, '1m 30s'],
    [1_800_000, '30m'],
    [7_500_000, '2h 5m'],
    [277_200_000, '3d 5h'],
  ])('%d → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('changeFrom', () => {
  const now = 1_800_000_000_000;
  const opts = (extra: Record<string, string>) => parseOptions(['flags', 'set', 'checkout', 'down', ...Object.entries(extra).flatMap(([k, v]) => [`--${k}`, v])]);

  it('builds a FlagChange from state, message and --for', () => {
    expect(changeFrom(opts({ message: 'Back soon', for: '30m' }), 'down', now)).toEqual({ state: 'down', message: 'Back soon', until: now + 1_800_000 });
  });

  it('takes --until as ISO 8601 or epoch ms', () => {
    expect(changeFrom(opts({ until: '2027-01-15T12:00:00Z' }), 'degraded', now).until).toBe(Date.parse('2027-01-15T12:00:00Z'));
    expect(changeFrom(opts({ until: String(now + 5000) }), 'degraded', now).until).toBe(now + 5000);
  });

  it.each<{ label: string; extra: Record<string, string>; state: string | undefined; message: string }>([
    { label: 'an unknown state', extra: {}, state: 'up', message: 'state must be one of' },
    { label: 'no state', extra: {}, state: undefined, message: 'state must be one of' },
    { label: 'both --for and --until', extra: { for: '1m', until: '2030-01-01' }, state: 'down', message: 'not both' },
    { label: '--for on ok', extra: { for: '1m' }, state: 'ok', message: 'ok has nothing to revert' },
    { label: 'a bad --until', extra: { until: 'tomorrow' }, state: 'down', message: 'not an ISO 8601 time' },
  ])('refuses $label with a usage error', ({ extra, state, message }) => {
    let caught: unknown;
    try {
      changeFrom(opts(extra), state, now);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).exitCode).toBe(2);
    expect((caught as CliError).message).toContain(message);
  });
});

describe('describeChanges', () => {
  const status = (version: number, flags: StatusResponse['flags']): StatusResponse => ({ v: 1, project: 'demo', version, flags, updated_at: 0 });

  it('on connect lists only flags that are not ok', () => {
    const lines = describeChanges(undefined, status(3, { checkout: { state: 'down' }, search: { state: 'ok' } }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/v3 {2}checkout: down$/);
  });

  it('then one line per changed feature', () => {
    const before = status(3, { checkout: { state: 'down' }, search: { state: 'ok' } });
    const after = status(4, { checkout: { state: 'ok' }, search: { state: 'degraded', message: 'Slow' }, gifts: { state: 'ok' } });
    expect(describeChanges(before, after).map((l) => l.replace(/^\S+ \S+ {2}/, ''))).toEqual(['v4  checkout: down → ok', 'v4  search: ok → degraded "Slow"']);
  });
});

describe('table', () => {
  it('aligns columns and leaves the last one unpadded', () => {
    expect(table(['A', 'BB', 'C'], [['long', 'x', 'end'], ['s', 'yyy', '']])).toBe('A     BB   C\nlong  x    end\ns     yyy');
  });
});

describe('readSse', () => {
  it('splits events, joins multi-line data, keeps comments, across chunk boundaries', async () => {
    const text = 'event: status\ndata: {"a":\ndata: 1}\n\n: ping\n\nevent: status\r\ndata: 2\r\n\r\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const messages = [];
    for await (const message of readSse(body)) messages.push(message);
    expect(messages).toEqual([{ event: 'status', data: '{"a":\n1}' }, { comment: 'ping' }, { event: 'status', data: '2' }]);
  });
});

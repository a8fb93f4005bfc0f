import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../src/options.js';

describe('resolveOptions', () => {
  it('builds the events URL and keeps the labels', () => {
    expect(
      resolveOptions({ key: ' pk_1 ', endpoint: 'https://edge.test/', release: 'r1', environment: 'prod', debug: true }),
    ).toMatchObject({ key: 'pk_1', endpoint: 'https://edge.test', url: 'https://edge.test/v1/events', release: 'r1', environment: 'prod', debug: true });
  });

  it('has the documented defaults', () => {
    expect(resolveOptions({ key: 'k', endpoint: 'https://e.test' })).toEqual({
      key: 'k',
      endpoint: 'https://e.test',
      url: 'https://e.test/v1/events',
      release: undefined,
      environment: undefined,
      debug: false,
      propagateTo: [],
      sampleRate: { network: 0.1 },
      slowMs: 2000,
      captureConsole: false,
      consent: true,
      beforeSend: undefined,
      integrations: [],
    });
  });

  it('reads data-* attribute text: lists, JSON, numbers, bare flags and consent="pending"', () => {
    expect(
      resolveOptions({
        key: 'k',
        endpoint: 'e',
        propagateTo: 'https://api.test/, https://pay.test  https://cdn.test',
        sampleRate: '{"network":0.5,"vital":0,"track":2,"error":"x"}',
        slowMs: '750',
        captureConsole: '',
        debug: 'true',
        consent: 'pending',
      }),
    ).toMatchObject({
      propagateTo: ['https://api.test', 'https://pay.test', 'https://cdn.test'],
      sampleRate: { network: 0.5, vital: 0 },
      slowMs: 750,
      captureConsole: true,
      debug: true,
      consent: undefined,
    });
  });

  it.each([
    ['consent: false', { consent: false }, undefined],
    ['consent: true', { consent: true }, true],
    ['a broken sampleRate', { sampleRate: '{oops' }, true],
  ])('takes %s', (_label, extra, consent) => {
    const o = resolveOptions({ key: 'k', endpoint: 'e', ...extra });
    expect(typeof o === 'object' && o.consent).toBe(consent);
    expect(typeof o === 'object' && o.sampleRate).toEqual({ network: 0.1 });
  });

  it('keeps a path prefix and accepts a same-origin endpoint', () => {
    expect(resolveOptions({ key: 'k', endpoint: 'https://x.test/lifeline//' })).toMatchObject({
      url: 'https://x.test/lifeline/v1/events',
    });
    expect(resolveOptions({ key: 'k', endpoint: '/ingest' })).toMatchObject({ url: '/ingest/v1/events' });
  });

  it.each([
    ['nothing', undefined],
    ['null', null],
    ['a number', 5],
    ['no key', { endpoint: 'https://e.test' }],
    ['an empty key', { key: '  ', endpoint: 'https://e.test' }],
    ['a key that is not a string', { key: 5, endpoint: 'https://e.test' }],
    ['an over-long key', { key: 'k'.repeat(129), endpoint: 'https://e.test' }],
    ['no endpoint', { key: 'k' }],
    ['an empty endpoint', { key: 'k', endpoint: '' }],
  ])('refuses %s with a reason', (_label, input) => {
    expect(resolveOptions(input)).toEqual(expect.stringContaining('init needs'));
  });

  it('ignores labels that are not strings, and cuts long ones', () => {
    const o = resolveOptions({ key: 'k', endpoint: 'e', release: 12, environment: 'e'.repeat(300), debug: 'yes' });
    expect(o).toMatchObject({ release: undefined, debug: false });
    expect(typeof o === 'object' && o.environment).toHaveLength(128);
  });
});

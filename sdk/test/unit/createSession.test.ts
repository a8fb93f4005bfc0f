import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSession, SESSION_IDLE_MS } from '../../src/lib/createSession.js';

/** A Map-backed stand-in for localStorage. */
function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    data,
  };
}

let storage: ReturnType<typeof memoryStorage>;
beforeEach(() => {
  storage = memoryStorage();
  vi.stubGlobal('localStorage', storage);
});
afterEach(() => vi.unstubAllGlobals());

describe('createSession', () => {
  it('keeps one session while events keep coming, and starts a new one after 30 idle minutes', () => {
    let now = 1_000_000;
    const session = createSession(() => now);
    const first = session.id();
    now += SESSION_IDLE_MS - 1;
    expect(session.id()).toBe(first);
    now += SESSION_IDLE_MS - 1;
    expect(session.id()).toBe(first);
    now += SESSION_IDLE_MS;
    expect(session.id()).not.toBe(first);
  });

  it('does not count reading the ID as activity', () => {
    let now = 1_000_000;
    const session = createSession(() => now);
    const first = session.id();
    now += SESSION_IDLE_MS - 1;
    expect(session.id(false)).toBe(first);
    now += 2;
    expect(session.id(false)).not.toBe(first);
  });

  it('shares the session and the anonymous ID with other tabs through storage', () => {
    const a = createSession();
    const b = createSession();
    expect(b.anonId()).toBe(a.anonId());
    expect(b.id()).toBe(a.id());
  });

  it('works in memory when storage throws', () => {
    vi.stubGlobal('localStorage', {
      getItem: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('blocked', 'SecurityError');
      },
    });
    const session = createSession();
    expect(session.id()).toBe(session.id());
    expect(session.anonId()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('ignores a corrupt stored session', () => {
    storage.setItem('lifeline:session', '{not json');
    expect(createSession().id()).toMatch(/^[0-9a-f-]{36}$/);
  });
});

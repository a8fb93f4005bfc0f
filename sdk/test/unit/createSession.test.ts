import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSession, SESSION_IDLE_MS } from '../../src/lib/createSession.js';

/** A Map-backed stand-in for localStorage. */
function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
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

  it('reads and writes nothing until an ID is asked for', () => {
    const session = createSession();
    expect(storage.data.size).toBe(0);
    session.setUser('u1', false);
    expect(session.userId()).toBe('u1');
    expect(storage.data.size).toBe(0);
  });

  it('keeps the user across page loads until reset, which also renews the anonymous ID and session', () => {
    const a = createSession();
    a.setUser('cust_1');
    const [anon, sid] = [a.anonId(), a.id()];
    const b = createSession();
    expect(b.userId()).toBe('cust_1');
    b.reset();
    expect(b.userId()).toBeUndefined();
    expect(b.anonId()).not.toBe(anon);
    expect(b.id()).not.toBe(sid);
    expect(createSession().userId()).toBeUndefined();
  });

  it('clear() forgets everything, in memory and in storage', () => {
    const session = createSession();
    session.setUser('cust_1');
    session.id();
    session.clear();
    expect(storage.data.size).toBe(0);
    expect(session.userId()).toBeUndefined();
  });
});

import { storageGet, storageSet } from './storage.js';
import { STORAGE_KEYS } from './storageKeys.js';
import { uuid } from './uuid.js';

/** A session ends after 30 minutes without events, the usual web-analytics convention. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

export interface Session {
  /** The current session ID; a new one after 30 idle minutes. `touch` marks activity. */
  id(touch?: boolean): string;
  /** A random ID kept in localStorage, the same across sessions of this browser. */
  anonId(): string;
  /** The user set by `setUser`, kept across page loads. */
  userId(): string | undefined;
  /** `store: false` keeps it in memory only (no consent yet). */
  setUser(id: string, store?: boolean): void;
  /** Forgets the user and starts a new anonymous ID and session (a logout). */
  reset(): void;
  /** Forgets everything, in memory and in storage (consent withdrawn). */
  clear(): void;
}

interface Stored {
  id: string;
  last: number;
}

function parse(raw: string | undefined): Stored | undefined {
  try {
    const s = raw ? (JSON.parse(raw) as Partial<Stored>) : undefined;
    return s && typeof s.id === 'string' && typeof s.last === 'number' ? (s as Stored) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Session, anonymous and user IDs, kept in localStorage so every tab of the store shares
 * one session (a checkout often opens in a new tab). Where storage is blocked they live
 * in memory for the page's lifetime. Nothing is read or written before the first call,
 * so a page waiting for consent stores nothing.
 */
export function createSession(now: () => number = Date.now): Session {
  let anon: string | undefined;
  let user: string | undefined | null;
  let current: Stored | undefined;

  const session: Session = {
    anonId() {
      anon ??= storageGet(STORAGE_KEYS.anon);
      if (!anon) storageSet(STORAGE_KEYS.anon, (anon = uuid()));
      return anon;
    },
    userId() {
      if (user === undefined) user = storageGet(STORAGE_KEYS.user) ?? null;
      return user ?? undefined;
    },
    setUser(id, store = true) {
      user = id;
      if (store) storageSet(STORAGE_KEYS.user, id);
    },
    reset() {
      session.clear();
      storageSet(STORAGE_KEYS.anon, (anon = uuid()));
    },
    clear() {
      user = null;
      anon = current = undefined;
      for (const key of [STORAGE_KEYS.anon, STORAGE_KEYS.session, STORAGE_KEYS.user]) storageSet(key);
    },
    id(touch = true) {
      const t = now();
      // Read storage every time: another tab may have started or extended the session.
      const s = parse(storageGet(STORAGE_KEYS.session)) ?? current;
      const fresh = !s || !(t - s.last < SESSION_IDLE_MS);
      current = fresh ? { id: uuid(), last: t } : s;
      // Writing at most once a second keeps bursts of events from hammering storage.
      if (fresh || (touch && t - current.last > 1000)) {
        current.last = t;
        storageSet(STORAGE_KEYS.session, JSON.stringify(current));
      }
      return current.id;
    },
  };
  return session;
}

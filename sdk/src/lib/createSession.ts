import { parseJson } from './parseJson.js';
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

/** The session as stored: its ID and when it last saw activity. */
interface Stored {
  id: string;
  last: number;
}

const { anon: ANON, session: SESSION, user: USER } = STORAGE_KEYS;

/**
 * Session, anonymous and user IDs, kept in localStorage so every tab of the store shares
 * one session (a checkout often opens in a new tab). Where storage is blocked they live
 * in memory for the page's lifetime. Nothing is read or written before the first call,
 * so a page waiting for consent stores nothing.
 */
export function createSession(now: () => number = Date.now): Session {
  let anon: string | undefined;
  // null: known to be none; undefined: not read yet.
  let user: string | undefined | null;
  let current: Stored | undefined;
  const newAnon = () => void storageSet(ANON, (anon = uuid()));

  const session: Session = {
    anonId() {
      anon ??= storageGet(ANON);
      if (!anon) newAnon();
      return anon!;
    },
    userId: () => (user === undefined ? (user = storageGet(USER) ?? null) : user) ?? undefined,
    setUser(id, store = true) {
      user = id;
      if (store) storageSet(USER, id);
    },
    reset() {
      session.clear();
      newAnon();
    },
    clear() {
      user = null;
      anon = current = undefined;
      for (const key of [ANON, SESSION, USER]) storageSet(key);
    },
    id(touch = true) {
      const t = now();
      // Read storage every time: another tab may have started or extended the session.
      const s = parseJson<Stored>(storageGet(SESSION)) ?? current;
      const fresh = !(t - s?.last! < SESSION_IDLE_MS) || typeof s!.id != 'string';
      current = fresh ? { id: uuid(), last: t } : s!;
      // Writing at most once a second keeps bursts of events from hammering storage.
      if (fresh || (touch && t - current.last > 1000)) {
        current.last = t;
        storageSet(SESSION, JSON.stringify(current));
      }
      return current.id;
    },
  };
  return session;
}

import { storageGet, storageSet } from './storage.js';
import { uuid } from './uuid.js';

const SESSION_KEY = 'lifeline:session';
const ANON_KEY = 'lifeline:anon';

/** A session ends after 30 minutes without events, the usual web-analytics convention. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

export interface Session {
  /** The current session ID; a new one after 30 idle minutes. `touch` marks activity. */
  id(touch?: boolean): string;
  /** A random ID kept in localStorage, the same across sessions of this browser. */
  anonId(): string;
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
 * Session and anonymous IDs, kept in localStorage so every tab of the store shares one
 * session (a checkout often opens in a new tab). Where storage is blocked they live in
 * memory for the page's lifetime.
 */
export function createSession(now: () => number = Date.now): Session {
  let anon = storageGet(ANON_KEY);
  if (!anon) {
    anon = uuid();
    storageSet(ANON_KEY, anon);
  }
  const anonId = anon;
  let current: Stored | undefined;

  return {
    anonId: () => anonId,
    id(touch = true) {
      const t = now();
      // Read storage every time: another tab may have started or extended the session.
      const s = parse(storageGet(SESSION_KEY)) ?? current;
      const fresh = !s || !(t - s.last < SESSION_IDLE_MS);
      current = fresh ? { id: uuid(), last: t } : s;
      // Writing at most once a second keeps bursts of events from hammering storage.
      if (fresh || (touch && t - current.last > 1000)) {
        current.last = t;
        storageSet(SESSION_KEY, JSON.stringify(current));
      }
      return current.id;
    },
  };
}

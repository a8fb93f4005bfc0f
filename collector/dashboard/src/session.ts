/**
 * The read token lives in sessionStorage only: it survives a reload of the tab but not the
 * tab itself, is never written into a URL, and is sent only as an Authorization header.
 */
const KEY = 'lifeline.readToken';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // Storage refused (private mode quota): the token then lasts until the page reloads.
  }
}

export function clearToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored, nothing to clear.
  }
}

import { ApiError, createApi } from './api';
import { h } from './dom';
import { clearToken, readToken, saveToken } from './session';
import { signIn } from './sign-in';
import { startShell } from './shell';
import { views } from './views';
import type { DashboardSessionResponse } from '@lifeline/protocol';

const root = document.getElementById('app')!;
let stopShell = () => {};

/** Asks for a token, or opens the dashboard with the one this tab already holds. */
async function boot(message?: string): Promise<void> {
  stopShell();
  const token = readToken();
  if (!token) return askForToken(message);
  root.replaceChildren(h('p', { class: 'notice muted' }, 'Loading…'));
  const api = createApi(token, (reason) => {
    clearToken();
    void boot(`The read token was refused (${reason}). Sign in again.`);
  });
  let session: DashboardSessionResponse;
  try {
    session = await api.get<DashboardSessionResponse>('/v1/dashboard/session');
  } catch (err) {
    // A refused token already went back to the sign-in form; anything else is shown there too.
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return;
    return askForToken(`The collector could not be reached: ${err instanceof Error ? err.message : String(err)}`);
  }
  stopShell = startShell(root, {
    api,
    project: session.project,
    views,
    signOut: () => {
      clearToken();
      void boot('Signed out.');
    },
  });
}

function askForToken(message?: string): void {
  signIn(root, {
    ...(message ? { message } : {}),
    async check(token) {
      try {
        const res = await fetch('/v1/dashboard/session', { headers: { authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' });
        if (res.ok) return null;
        const body = (await res.json().catch(() => ({}))) as { reason?: string };
        return res.status === 401 || res.status === 403 ? `That read token was not accepted: ${body.reason ?? `HTTP ${res.status}`}.` : `The collector answered HTTP ${res.status}: ${body.reason ?? 'no reason given'}.`;
      } catch (err) {
        return `The collector could not be reached: ${err instanceof Error ? err.message : String(err)}`;
      }
    },
    done(token) {
      saveToken(token);
      void boot();
    },
  });
}

void boot();

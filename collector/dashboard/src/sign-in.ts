import { h } from './dom';

/**
 * The sign-in form: asks once for the read token. `check` verifies it against the
 * collector and answers why it was refused, if it was.
 */
export function signIn(root: HTMLElement, o: { message?: string; check: (token: string) => Promise<string | null>; done: (token: string) => void }): void {
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: true, placeholder: 'rt_…', 'aria-describedby': 'sign-in-message' });
  const message = h('p', { id: 'sign-in-message', class: o.message ? 'notice error' : 'notice muted', role: 'alert' }, o.message ?? 'The token stays in this tab only and is sent in a request header, never in an address.');
  const button = h('button', { type: 'submit' }, 'Open dashboard');
  const form = h(
    'form',
    {
      class: 'sign-in',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const token = input.value.trim();
        if (!token) return;
        button.disabled = true;
        message.className = 'notice muted';
        message.textContent = 'Checking…';
        const refused = await o.check(token);
        button.disabled = false;
        if (refused === null) return o.done(token);
        message.className = 'notice error';
        message.textContent = refused;
        input.select();
      },
    },
    h('h1', {}, 'Lifeline'),
    h('label', { for: 'token' }, 'Read token'),
    input,
    button,
    message,
  );
  root.replaceChildren(form);
  input.focus();
}

import { esc } from './html';

export function accountPage(user?: { name: string; email: string }): string {
  if (user) {
    return `<h1>Your account</h1><p>Signed in as <strong>${esc(user.name)}</strong> (${esc(user.email)}).</p>
<button id="logout" type="button">Sign out</button>`;
  }
  return `<h1>Sign in or register</h1>
<div class="two">
<form id="login-form" class="card" novalidate>
  <h2>Sign in</h2>
  <label>Email <input name="email" type="email" autocomplete="email" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Sign in</button>
</form>
<form id="register-form" class="card" novalidate>
  <h2>New here?</h2>
  <label>Name <input name="name" autocomplete="name" required></label>
  <label>Email <input name="email" type="email" autocomplete="email" required></label>
  <label>Password <input name="password" type="password" autocomplete="new-password" minlength="8" required></label>
  <button type="submit">Create account</button>
</form>
</div>
<p id="note" role="status" aria-live="polite"></p>`;
}

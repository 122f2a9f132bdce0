/**
 * Sign-in: the key is sent once to `POST /api/v1/session` and forgotten; from then on the browser
 * holds only an HttpOnly cookie that scripts cannot read.
 */
import { useState } from 'preact/hooks';
import { errorText } from '../api.ts';
import { login } from '../session.ts';

export function SignIn() {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(key.trim());
      setKey('');
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <form onSubmit={submit} class="card">
        <h1>
          <span class="logo" aria-hidden="true" /> Longrun
        </h1>
        <p class="muted">
          Paste an API key to sign in. The key is exchanged for a session and not kept in the browser.
        </p>
        <label for="key">API key</label>
        <input
          id="key"
          name="key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          placeholder="lr_…"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
          required
          autofocus
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p class="muted small">
          Create one with <code>longrun keys create --scope read</code>; the first <code>longrun serve</code>{' '}
          prints an admin key.
        </p>
      </form>
    </main>
  );
}

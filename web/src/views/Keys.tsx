/** API keys of the workspace (admin): create (the secret is shown once), list, revoke. */
import { useState } from 'preact/hooks';
import type { ApiKey, Scope } from '../../../src/client/types.ts';
import { client, errorText } from '../api.ts';
import { Confirm } from '../components/Confirm.tsx';
import { ago, clean, clock } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { session } from '../session.ts';

function NewKey({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<Scope>('read');
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      const key = await client.createKey({ scope, name: name.trim() || undefined });
      setSecret(key.key);
      setCopied(false);
      setName('');
      onCreated();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div class="panel">
      <h2>New key</h2>
      <form class="inline-form" onSubmit={submit}>
        <label>
          <span>Name</span>
          <input
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            placeholder="ci, grafana, alice…"
          />
        </label>
        <label>
          <span>Scope</span>
          <select value={scope} onChange={(e) => setScope(e.currentTarget.value as Scope)}>
            <option value="read">read: view jobs</option>
            <option value="write">write: also create and cancel</option>
            <option value="admin">admin: also manage keys</option>
          </select>
        </label>
        <button type="submit" class="primary">
          Create key
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {secret && (
        <div class="secret" role="status">
          <p>
            <strong>Copy this key now.</strong> It is shown once; only its hash is stored.
          </p>
          <code class="secret-value">{secret}</code>
          <button
            type="button"
            onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true))}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button type="button" class="link" onClick={() => setSecret(null)}>
            Done
          </button>
        </div>
      )}
    </div>
  );
}

export function KeysView() {
  const keys = useLoad(() => client.listKeys(), []);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const mine = session.value?.keyName;
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <NewKey onCreated={keys.reload} />
      <div class="panel">
        <h2>Keys of workspace {session.value?.workspace}</h2>
        {keys.error && <p class="error">{keys.error}</p>}
        <div class="table-wrap">
          <table class="keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Scope</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data?.map((k) => (
                <tr key={k.id} class={k.revokedAt ? 'revoked' : ''}>
                  <td>{clean(k.name) || <span class="muted">(no name)</span>}</td>
                  <td>
                    <span class="badge">{k.scope}</span>
                  </td>
                  <td>
                    <code>{k.prefix}</code>
                  </td>
                  <td>{clock(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? ago(k.lastUsedAt) : '—'}</td>
                  <td>
                    {k.revokedAt ? (
                      <span class="muted">revoked {clock(k.revokedAt)}</span>
                    ) : (
                      <button type="button" class="danger small" onClick={() => setRevoking(k)}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {revoking && (
        <Confirm
          title={`Revoke the key ${revoking.prefix}?`}
          confirmLabel="Revoke key"
          danger
          onConfirm={async () => {
            await client.revokeKey(revoking.id);
            keys.reload();
          }}
          onClose={() => setRevoking(null)}
        >
          <p>Every request with it, and every dashboard session signed in with it, is refused from now on.</p>
          {revoking.name === mine && <p>If this is the key you signed in with, you will be signed out.</p>}
        </Confirm>
      )}
    </section>
  );
}

/** The registered job types with their input schema, and a Create form for `write` sessions. */
import { useState } from 'preact/hooks';
import { client } from '../api.ts';
import { Json } from '../components/Json.tsx';
import { duration } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { href } from '../router.ts';
import { canWrite } from '../session.ts';
import { CreateJob } from './CreateJob.tsx';

export function TypesView() {
  const types = useLoad(() => client.jobTypes(), []);
  const [creating, setCreating] = useState<string | null>(null);
  return (
    <section aria-labelledby="types-title">
      <h1 id="types-title">Job types</h1>
      {types.error && <p class="error">{types.error}</p>}
      {!types.data && !types.error && <p class="muted">Loading…</p>}
      {types.data?.length === 0 && <p class="muted">No job type is registered on this server.</p>}
      <div class="types">
        {types.data?.map((t) => (
          <article class="panel type" key={t.type} aria-labelledby={`type-${t.type}`}>
            <div class="panel-head">
              <h2 id={`type-${t.type}`}>
                <code>{t.type}</code> <span class="badge">{t.category}</span>
                {t.paused && <span class="badge">paused</span>}
              </h2>
              <div class="row-actions">
                <a href={href(['jobs'], { type: t.type })}>Jobs</a>
                {canWrite.value && (
                  <button
                    type="button"
                    aria-expanded={creating === t.type}
                    onClick={() => setCreating(creating === t.type ? null : t.type)}
                  >
                    {creating === t.type ? 'Close' : 'Create job'}
                  </button>
                )}
              </div>
            </div>
            {t.description && <p>{t.description}</p>}
            <p class="muted small">
              Up to {t.maxAttempts} {t.maxAttempts === 1 ? 'attempt' : 'attempts'}
              {t.timeoutMs ? ` · times out after ${duration(t.timeoutMs)}` : ''}
              {t.concurrency
                ? ` · at most ${t.concurrency.limit} running${t.concurrency.perKey ? ' per key' : ''}`
                : ''}
            </p>
            {creating === t.type && <CreateJob type={t} />}
            <details>
              <summary>Input schema</summary>
              <Json label="JSON Schema" value={t.inputSchema} />
            </details>
          </article>
        ))}
      </div>
    </section>
  );
}

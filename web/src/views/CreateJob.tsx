/** Create a job of one type: a form generated from its input schema, or a JSON editor. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { JobType } from '../../../src/client/types.ts';
import { client, errorText } from '../api.ts';
import { href, navigate } from '../router.ts';
import { exampleInput, type Field, formFields, formInput } from '../schema-form.ts';

function FieldInput({ f, value, onInput }: { f: Field; value: string; onInput: (v: string) => void }) {
  const id = `field-${f.name}`;
  const common = { id, name: f.name, required: f.required && f.kind !== 'boolean' };
  let control: JSX.Element;
  if (f.kind === 'boolean')
    control = (
      <select {...common} value={value} onChange={(e) => onInput(e.currentTarget.value)}>
        {!f.required && <option value="">(not set)</option>}
        <option value="false">false</option>
        <option value="true">true</option>
      </select>
    );
  else if (f.kind === 'enum')
    control = (
      <select {...common} value={value} onChange={(e) => onInput(e.currentTarget.value)}>
        {!f.required && <option value="">(not set)</option>}
        {f.options?.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  else if (f.kind.endsWith('[]'))
    control = <textarea {...common} rows={3} value={value} onInput={(e) => onInput(e.currentTarget.value)} />;
  else if (f.kind === 'string')
    control = <input {...common} type="text" value={value} onInput={(e) => onInput(e.currentTarget.value)} />;
  else
    control = (
      <input
        {...common}
        type="number"
        step={f.kind === 'integer' ? 1 : 'any'}
        value={value}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    );
  return (
    <div class="field">
      <label for={id}>
        {f.name}
        {f.required ? ' *' : ''}{' '}
        <span class="muted small">{f.kind.endsWith('[]') ? `${f.kind}, one per line` : f.kind}</span>
      </label>
      {control}
      {f.description && <p class="muted small">{f.description}</p>}
    </div>
  );
}

export function CreateJob({ type }: { type: JobType }) {
  const fields = formFields(type.inputSchema);
  const [asJson, setAsJson] = useState(fields === null);
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      (fields ?? []).map((f) => [
        f.name,
        f.defaultValue === undefined
          ? f.required && f.kind === 'enum'
            ? (f.options?.[0] ?? '')
            : ''
          : Array.isArray(f.defaultValue)
            ? f.defaultValue.join('\n')
            : String(f.defaultValue),
      ]),
    ),
  );
  const [json, setJson] = useState(() => exampleInput(type.inputSchema));
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    let input: unknown;
    try {
      input = asJson || !fields ? JSON.parse(json) : formInput(fields, values);
    } catch (err) {
      setError(
        err instanceof SyntaxError ? `The input is not valid JSON: ${err.message}` : (err as Error).message,
      );
      return;
    }
    setBusy(true);
    try {
      const { job } = await client.createJob({ type: type.type, input, name: name.trim() || undefined });
      navigate(href(['jobs', job.id]));
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  };

  return (
    <form class="create" onSubmit={submit} aria-label={`Create a ${type.type} job`}>
      <div class="field">
        <label for="job-name">
          Name <span class="muted small">optional; the type names it otherwise</span>
        </label>
        <input id="job-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      {fields && (
        <label class="switch">
          <input type="checkbox" checked={asJson} onChange={(e) => setAsJson(e.currentTarget.checked)} />
          <span>Edit the input as JSON</span>
        </label>
      )}
      {asJson || !fields ? (
        <div class="field">
          <label for="job-input">Input (JSON)</label>
          <textarea
            id="job-input"
            class="code"
            rows={10}
            spellcheck={false}
            value={json}
            onInput={(e) => setJson(e.currentTarget.value)}
          />
        </div>
      ) : (
        fields.map((f) => (
          <FieldInput
            key={f.name}
            f={f}
            value={values[f.name] ?? ''}
            onInput={(v) => setValues({ ...values, [f.name]: v })}
          />
        ))
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create job'}
      </button>
    </form>
  );
}

/**
 * What the Create form can generate from a job type's JSON Schema: an object whose properties are
 * strings, numbers, integers, booleans, string enums, or arrays of strings or numbers. Anything else
 * (nesting, unions, objects in arrays) gets the JSON editor instead.
 */
export type FieldKind = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'string[]' | 'number[]';

export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  options?: string[];
  description?: string;
  defaultValue?: unknown;
}

type Schema = Record<string, unknown>;

function kindOf(s: Schema): FieldKind | null {
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return 'enum';
  if (s.type === 'string' || s.type === 'boolean' || s.type === 'number' || s.type === 'integer')
    return s.type;
  if (s.type === 'array' && s.items && typeof s.items === 'object') {
    const t = (s.items as Schema).type;
    if (t === 'string') return 'string[]';
    if (t === 'number' || t === 'integer') return 'number[]';
  }
  return null;
}

/** The fields, or null when the schema is not simple enough for a generated form. */
export function formFields(schema: unknown): Field[] | null {
  if (!schema || typeof schema !== 'object') return null;
  const s = schema as Schema;
  if (s.type !== 'object' || !s.properties || typeof s.properties !== 'object') return null;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const fields: Field[] = [];
  for (const [name, raw] of Object.entries(s.properties as Record<string, Schema>)) {
    const kind = raw && typeof raw === 'object' ? kindOf(raw) : null;
    if (!kind) return null;
    fields.push({
      name,
      kind,
      required: required.has(name),
      options: kind === 'enum' ? (raw.enum as string[]) : undefined,
      description: typeof raw.description === 'string' ? raw.description : undefined,
      defaultValue: raw.default,
    });
  }
  return fields;
}

/** The form's text values as the input object; an error names the field it is about. */
export function formInput(fields: Field[], values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const raw = (values[f.name] ?? '').trim();
    if (f.kind === 'boolean') {
      if (raw === 'true') out[f.name] = true;
      else if (raw === 'false' || f.required) out[f.name] = false;
      continue;
    }
    if (raw === '') {
      if (f.required) throw new Error(`${f.name} is required`);
      continue;
    }
    if (f.kind === 'number' || f.kind === 'integer') {
      const n = Number(raw);
      if (!Number.isFinite(n) || (f.kind === 'integer' && !Number.isInteger(n)))
        throw new Error(`${f.name} must be ${f.kind === 'integer' ? 'an integer' : 'a number'}`);
      out[f.name] = n;
    } else if (f.kind === 'string[]' || f.kind === 'number[]') {
      const parts = raw
        .split(/\n/)
        .map((p) => p.trim())
        .filter(Boolean);
      out[f.name] = f.kind === 'string[]' ? parts : parts.map(Number);
      if (f.kind === 'number[]' && parts.some((p) => !Number.isFinite(Number(p))))
        throw new Error(`${f.name}: one number per line`);
    } else {
      out[f.name] = raw;
    }
  }
  return out;
}

/** A starting JSON document for the editor: the defaults, and placeholders for required fields. */
export function exampleInput(schema: unknown): string {
  const fields = formFields(schema);
  if (!fields) return '{}';
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.defaultValue !== undefined) out[f.name] = f.defaultValue;
    else if (f.required)
      out[f.name] =
        f.kind === 'boolean'
          ? false
          : f.kind.endsWith('[]')
            ? []
            : f.kind === 'string'
              ? ''
              : f.kind === 'enum'
                ? f.options?.[0]
                : 0;
  }
  return JSON.stringify(out, null, 2);
}

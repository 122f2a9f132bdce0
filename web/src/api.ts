/**
 * The dashboard's way to the Jobs API: `longrun/client` for everything but signing in and out,
 * which only a browser holding a session cookie does (on the same envelope). Requests carry the session cookie and never an Authorization header: the page holds no
 * key after sign-in.
 */
import { LongrunApiError, LongrunClient } from '../../src/client/index.ts';
import type { Job, JobStatus, Scope, Timeseries } from '../../src/client/types.ts';

export { LongrunApiError };

/** The API's root: the folder the page was served from (`/`, or a prefix a proxy added). */
const BASE = new URL('.', location.href).href.replace(/\/+$/, '');

let onUnauthorized: () => void = () => {};
/** Called when a request comes back 401: the session expired or was revoked. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

/** Server clock minus this browser's, from the `Date` headers (1 s resolution). */
let clockOffset = 0;
/** The server's "now": job timestamps are the server's, and a browser's clock may be off. */
export const serverNow = (): number => Date.now() + clockOffset;

async function sessionFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, { ...init, credentials: 'same-origin' });
  const date = Date.parse(res.headers.get('date') ?? '');
  if (Number.isFinite(date)) clockOffset = date + 500 - Date.now();
  if (res.status === 401 && !String(input).endsWith('/api/v1/session')) onUnauthorized();
  return res;
}

export const client = new LongrunClient({ url: BASE, fetch: sessionFetch });

async function toError(res: Response): Promise<LongrunApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown[] } };
    if (body.error?.code)
      return new LongrunApiError(res.status, body.error.code, body.error.message ?? '', body.error.details);
  } catch {
    // not the API's envelope (a proxy's page)
  }
  return new LongrunApiError(res.status, 'http_error', `HTTP ${res.status}`);
}

async function request(method: string, path: string, body?: unknown): Promise<Response> {
  let res: Response;
  try {
    res = await sessionFetch(`${BASE}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new LongrunApiError(0, 'network', `cannot reach the server: ${(err as Error).message}`);
  }
  if (!res.ok) throw await toError(res);
  return res;
}

export interface Session {
  workspace: string;
  scope: Scope;
  keyName: string;
  idleTimeoutMs: number;
}

export async function signIn(key: string): Promise<Session> {
  return (await (await request('POST', '/api/v1/session', { key })).json()) as Session;
}

/** The current session, or null when the cookie is missing or no longer valid. */
export async function currentSession(): Promise<Session | null> {
  try {
    return (await (await request('GET', '/api/v1/session')).json()) as Session;
  } catch (err) {
    if (err instanceof LongrunApiError && err.status === 401) return null;
    throw err;
  }
}

export async function signOut(): Promise<void> {
  await request('DELETE', '/api/v1/session');
}

export interface JobFilters {
  status?: JobStatus[];
  category?: string[];
  type?: string[];
  /** Name prefix. */
  q?: string;
  /** `input.<path>` → value, all of which must match. */
  input?: Record<string, string>;
}

export interface JobPage {
  jobs: Job[];
  nextCursor: string | null;
}

/** `GET /api/v1/jobs`; empty filters are left out of the query. */
export function listJobs(f: JobFilters, limit: number, cursor?: string): Promise<JobPage> {
  return client.listJobs({
    status: f.status?.length ? f.status : undefined,
    category: f.category?.length ? f.category : undefined,
    type: f.type?.length ? f.type : undefined,
    q: f.q || undefined,
    input: f.input,
    limit,
    cursor,
  });
}

export type { Timeseries };

export function timeseries(window: Timeseries['window']): Promise<Timeseries> {
  return client.statsTimeseries(window);
}

/** A message for an error shown to the user, with the first detail's path when there is one. */
export function errorText(err: unknown): string {
  if (err instanceof LongrunApiError) {
    const d = err.details?.[0] as { path?: string; message?: string } | undefined;
    const detail = d?.message ? ` (${d.path ? `${d.path}: ` : ''}${d.message})` : '';
    return `${err.message}${detail}`;
  }
  return err instanceof Error ? err.message : String(err);
}

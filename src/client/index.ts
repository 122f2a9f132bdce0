/**
 * A typed client for the Longrun Jobs API, on `fetch` (Node 20+ and browsers). The CLI and the
 * dashboard use it; it only knows the public HTTP contract.
 *
 * ```ts
 * const client = new LongrunClient({ url: 'http://localhost:3000', key: process.env.LONGRUN_KEY });
 * const { jobs, nextCursor } = await client.listJobs({ status: 'running', category: 'seo', limit: 20 });
 * for await (const e of client.jobEvents(jobs[0].id)) console.log(e.event, e.data);
 * ```
 */
import { createParser } from 'eventsource-parser';
import type {
  ApiKey,
  CancelJobsFilter,
  CancelJobsResult,
  CreateJobParams,
  CreateScheduleParams,
  Item,
  Job,
  JobDetail,
  JobType,
  ListJobsParams,
  LogEntry,
  LogLevel,
  RetryJobParams,
  Schedule,
  ScheduleDetail,
  Scope,
  Stats,
  StreamEvent,
  Timeseries,
  UpdateScheduleParams,
} from './types.ts';

import { WebhooksClient } from './webhooks.ts';

export type * from './types.ts';
export type * from './webhooks.ts';

/** An error envelope from the server, or a transport failure (`code: 'network'`, status 0). */
export class LongrunApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown[],
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'LongrunApiError';
  }
}

export interface ClientOptions {
  url: string;
  key?: string;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | string[] | undefined>;

function queryString(q: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    params.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export class LongrunClient {
  private readonly base: string;
  private readonly fetchFn: typeof fetch;
  /** Completion webhooks of the key's workspace (admin keys; webhooks.ts). */
  readonly webhooks: WebhooksClient;

  constructor(private readonly opts: ClientOptions) {
    this.base = opts.url.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? fetch;
    this.webhooks = new WebhooksClient(
      (method, path, body) => this.json(method, path, body),
      (method, path) => this.send(method, path),
    );
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.opts.key ? { authorization: `Bearer ${this.opts.key}` } : {}), ...extra };
  }

  private async send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers: this.headers(
          body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new LongrunApiError(0, 'network', `cannot reach ${this.base}: ${(err as Error).message}`);
    }
    if (!res.ok) throw await toApiError(res);
    return res;
  }

  private async json<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const res = await this.send(method, path, body, headers);
    return { data: (await res.json()) as T, res };
  }

  async listJobs(p: ListJobsParams = {}): Promise<{ jobs: Job[]; nextCursor: string | null }> {
    const { input, ...rest } = p;
    const inputs = Object.fromEntries(Object.entries(input ?? {}).map(([path, v]) => [`input.${path}`, v]));
    const { data, res } = await this.json<Job[]>('GET', `/api/v1/jobs${queryString({ ...rest, ...inputs })}`);
    return { jobs: data, nextCursor: res.headers.get('x-next-cursor') };
  }

  /** Every page of a listing, following the server's cursors. */
  async *listAllJobs(p: Omit<ListJobsParams, 'cursor'> = {}): AsyncGenerator<Job> {
    let cursor: string | undefined;
    do {
      const page = await this.listJobs({ ...p, cursor });
      yield* page.jobs;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  async getJob(id: string): Promise<JobDetail> {
    return (await this.json<JobDetail>('GET', `/api/v1/jobs/${encodeURIComponent(id)}`)).data;
  }

  async cancelJob(id: string): Promise<{ id: string; status: 'cancelled' }> {
    return (
      await this.json<{ id: string; status: 'cancelled' }>(
        'POST',
        `/api/v1/jobs/${encodeURIComponent(id)}/cancel`,
      )
    ).data;
  }

  /** `created` is false when an `idempotencyKey` matched an earlier request. */
  async createJob(
    p: CreateJobParams,
    opts: { idempotencyKey?: string } = {},
  ): Promise<{ job: Job; created: boolean }> {
    const headers = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : undefined;
    const { data, res } = await this.json<Job>('POST', '/api/v1/jobs', p, headers);
    return { job: data, created: res.status === 201 };
  }

  /**
   * A new job retrying `id` (`POST /api/v1/jobs/:id/retry`), linked by `retryOf`; `only:
   * 'failed-items'` reruns only what `id` left unfinished. `created` is false when an
   * `idempotencyKey` matched an earlier request.
   */
  async retryJob(
    id: string,
    p: RetryJobParams = {},
    opts: { idempotencyKey?: string } = {},
  ): Promise<{ job: Job; created: boolean }> {
    const headers = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : undefined;
    const body = p.only ? { only: p.only } : {};
    const { data, res } = await this.json<Job>(
      'POST',
      `/api/v1/jobs/${encodeURIComponent(id)}/retry`,
      body,
      headers,
    );
    return { job: data, created: res.status === 201 };
  }

  /** Cancels up to 10,000 pending or running jobs matching `filter` (`POST /api/v1/jobs/cancel`). */
  async cancelJobs(filter: CancelJobsFilter): Promise<CancelJobsResult> {
    return (await this.json<CancelJobsResult>('POST', '/api/v1/jobs/cancel', filter)).data;
  }

  /** Log lines oldest first, after the log id `after` (default 0); `level` keeps only those levels. */
  async listLogs(
    id: string,
    p: { after?: number; limit?: number; level?: LogLevel[] } = {},
  ): Promise<LogEntry[]> {
    return (
      await this.json<LogEntry[]>('GET', `/api/v1/jobs/${encodeURIComponent(id)}/logs${queryString(p)}`)
    ).data;
  }

  /** Every log line after `after`, oldest first, fetched `pageSize` (1-1000) at a time. */
  async *listAllLogs(
    id: string,
    p: { after?: number; level?: LogLevel[]; pageSize?: number } = {},
  ): AsyncGenerator<LogEntry> {
    const limit = p.pageSize ?? 1000;
    let after = p.after ?? 0;
    for (;;) {
      const page = await this.listLogs(id, { after, limit, level: p.level });
      yield* page;
      const last = page[page.length - 1];
      if (!last || page.length < limit) return;
      after = last.id;
    }
  }

  async listItems(
    id: string,
    p: { status?: 'completed' | 'failed'; step?: string; limit?: number; cursor?: string } = {},
  ): Promise<{ items: Item[]; nextCursor: string | null }> {
    const { data, res } = await this.json<Item[]>(
      'GET',
      `/api/v1/jobs/${encodeURIComponent(id)}/items${queryString(p)}`,
    );
    return { items: data, nextCursor: res.headers.get('x-next-cursor') };
  }

  async jobTypes(): Promise<JobType[]> {
    return (await this.json<JobType[]>('GET', '/api/v1/job-types')).data;
  }

  /** Pauses a job type in the key's workspace: pending jobs wait, running ones go on. Idempotent. */
  async pauseJobType(type: string): Promise<JobType> {
    return (await this.json<JobType>('POST', `/api/v1/job-types/${encodeURIComponent(type)}/pause`)).data;
  }

  /** Resumes a paused job type: its pending jobs are claimed again. Idempotent. */
  async resumeJobType(type: string): Promise<JobType> {
    return (await this.json<JobType>('POST', `/api/v1/job-types/${encodeURIComponent(type)}/resume`)).data;
  }

  async stats(): Promise<Stats> {
    return (await this.json<Stats>('GET', '/api/v1/stats')).data;
  }

  async statsTimeseries(window: Timeseries['window'] = '1h'): Promise<Timeseries> {
    return (await this.json<Timeseries>('GET', `/api/v1/stats/timeseries?window=${window}`)).data;
  }

  async listSchedules(): Promise<Schedule[]> {
    return (await this.json<Schedule[]>('GET', '/api/v1/schedules')).data;
  }

  /** The schedule with its next five fire times. */
  async getSchedule(id: string): Promise<ScheduleDetail> {
    return (await this.json<ScheduleDetail>('GET', `/api/v1/schedules/${encodeURIComponent(id)}`)).data;
  }

  async createSchedule(p: CreateScheduleParams): Promise<Schedule> {
    return (await this.json<Schedule>('POST', '/api/v1/schedules', p)).data;
  }

  async updateSchedule(id: string, p: UpdateScheduleParams): Promise<Schedule> {
    return (await this.json<Schedule>('PATCH', `/api/v1/schedules/${encodeURIComponent(id)}`, p)).data;
  }

  pauseSchedule(id: string): Promise<Schedule> {
    return this.updateSchedule(id, { paused: true });
  }

  /** Resumes from now: fires missed while paused are not caught up. */
  resumeSchedule(id: string): Promise<Schedule> {
    return this.updateSchedule(id, { paused: false });
  }

  async deleteSchedule(id: string): Promise<void> {
    await this.send('DELETE', `/api/v1/schedules/${encodeURIComponent(id)}`);
  }

  async listKeys(): Promise<ApiKey[]> {
    return (await this.json<ApiKey[]>('GET', '/api/v1/keys')).data;
  }

  async createKey(p: { scope: Scope; name?: string }): Promise<ApiKey & { key: string }> {
    return (await this.json<ApiKey & { key: string }>('POST', '/api/v1/keys', p)).data;
  }

  async revokeKey(id: string): Promise<void> {
    await this.send('DELETE', `/api/v1/keys/${encodeURIComponent(id)}`);
  }

  /**
   * A job's events until its terminal status (the server then sends `end`). A dropped connection
   * is resumed with `Last-Event-ID` (up to `maxReconnects` times in a row), so each event is
   * yielded exactly once.
   */
  jobEvents(id: string, opts: StreamOptions = {}): AsyncGenerator<StreamEvent> {
    return this.stream(`/api/v1/jobs/${encodeURIComponent(id)}/events`, opts);
  }

  /** The workspace's status/progress/step events; runs until `signal` aborts. */
  workspaceEvents(p: { status?: string[]; category?: string[] } = {}, opts: StreamOptions = {}) {
    return this.stream(`/api/v1/events${queryString(p)}`, opts);
  }

  private async *stream(path: string, opts: StreamOptions): AsyncGenerator<StreamEvent> {
    let lastId = opts.lastEventId;
    let failures = 0;
    for (;;) {
      try {
        for await (const e of this.streamOnce(path, lastId, opts.signal)) {
          failures = 0;
          if (e.id !== null) lastId = e.id;
          yield e;
          // The server says the job is over: nothing more will come.
          if (e.event === 'end') return;
        }
        if (opts.signal?.aborted) return;
        // Closed without `end` (a restart, a proxy timeout): resume after the last id.
        if (++failures > (opts.maxReconnects ?? 5)) {
          throw new LongrunApiError(0, 'network', 'event stream keeps closing');
        }
      } catch (err) {
        if (opts.signal?.aborted) return;
        const retriable = err instanceof LongrunApiError && (err.status === 0 || err.status >= 500);
        if (!retriable || ++failures > (opts.maxReconnects ?? 5)) throw err;
      }
      await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** failures)));
    }
  }

  private async *streamOnce(path: string, lastId: number | undefined, signal?: AbortSignal) {
    const headers = this.headers({ accept: 'text/event-stream' });
    if (lastId !== undefined) headers['last-event-id'] = String(lastId);
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`, { headers, signal });
    } catch (err) {
      throw new LongrunApiError(0, 'network', (err as Error).message);
    }
    if (!res.ok || !res.body) throw await toApiError(res);
    const queue: StreamEvent[] = [];
    const parser = createParser({
      onEvent: (m) =>
        queue.push({
          event: m.event ?? 'message',
          id: m.id === undefined ? null : Number(m.id),
          data: JSON.parse(m.data) as Record<string, unknown>,
        }),
    });
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
        while (queue.length) yield queue.shift()!;
      }
    } catch (err) {
      if (signal?.aborted) return;
      throw new LongrunApiError(0, 'network', (err as Error).message);
    } finally {
      await reader.cancel().catch(() => {});
    }
  }
}

export interface StreamOptions {
  lastEventId?: number;
  signal?: AbortSignal;
  maxReconnects?: number;
}

async function toApiError(res: Response): Promise<LongrunApiError> {
  const retryAfter = res.headers.get('retry-after');
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown[] } };
    if (body.error?.code) {
      return new LongrunApiError(
        res.status,
        body.error.code,
        body.error.message ?? body.error.code,
        body.error.details,
        retryAfter ? Number(retryAfter) : undefined,
      );
    }
  } catch {
    // Not our envelope (a proxy's error page): fall through.
  }
  return new LongrunApiError(res.status, 'http_error', `HTTP ${res.status}: ${text.slice(0, 200)}`);
}

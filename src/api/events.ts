/**
 * Live events over SSE: one job (`/api/v1/jobs/:id/events`) or the whole workspace
 * (`/api/v1/events`). Every event carries `id:`; reconnecting with `Last-Event-ID` resumes right
 * after it. A fresh job stream starts with a `snapshot` (the job as `GET /jobs/:id` returns it, logs
 * up to the snapshot's id) whose `id:` is the position the events continue from; a resumed stream
 * skips the snapshot, since the client already holds the state. When the job is over the server
 * sends `end` and closes.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { LongrunError } from '../core/errors.ts';
import type { JobEvent } from '../core/job.ts';
import { toJobDetailJson } from '../core/job-json.ts';
import { JOB_STATUSES, type JobStatus } from '../core/status.ts';
import type { StoreMonitor } from '../engine/monitor.ts';
import { eventPayload, isFinalEvent, runFeed } from './event-feed.ts';
import { setResponseHeader } from './headers.ts';
import { type AnyRoute, route } from './route.ts';
import { commaList, IdParams } from './schemas.ts';
import { requestCredential } from './session-auth.ts';
import { sseResponse } from './sse.ts';
import type { ApiDeps, ApiEnv } from './types.ts';

const SSE_RESPONSE = {
  description:
    'text/event-stream: `snapshot` (job stream only), then `status`, `progress`, `step`, `log` events',
  contentType: 'text/event-stream',
};
const LAST_EVENT_ID = { 'Last-Event-ID': 'resume after this event id (sent automatically by EventSource)' };

/**
 * The id to resume after, if the client sent one. An id above every id the store has issued was
 * never sent: resuming after it would wait, silently, until the sequence passed it.
 */
async function lastEventId(c: Context, monitor: StoreMonitor): Promise<number | undefined> {
  const raw = c.req.header('last-event-id');
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw invalidLastEventId('a non-negative integer');
  if (n > (await monitor.highestEventId())) throw invalidLastEventId('no event with this id was ever sent');
  return n;
}

function invalidLastEventId(message: string): LongrunError {
  return new LongrunError('invalid_input', 'Last-Event-ID must be an event id this server sent', {
    details: [{ path: 'Last-Event-ID', message }],
  });
}

/** Job facts that never change (category, name, type), remembered per stream to enrich events. */
interface JobFacts {
  category: string;
  type: string;
  name: string;
  status: JobStatus | null;
}

export function eventRoutes(deps: ApiDeps): AnyRoute[] {
  const { longrun } = deps;
  const options = deps.sse;
  // The slot is taken last, once nothing else can refuse the request, so a refused one holds none.
  const open = (c: Context<ApiEnv>, produce: Parameters<typeof sseResponse>[1]) => {
    const slot = deps.streams.open({ keyId: c.get('auth').keyId, credential: requestCredential(c) }, (n, v) =>
      setResponseHeader(c, n, v),
    );
    return sseResponse(
      {
        heartbeatMs: options.heartbeatMs,
        maxQueuedBytes: options.maxQueuedBytes,
        maxMissedHeartbeats: options.maxMissedHeartbeats,
        signals: [deps.shutdown, c.req.raw.signal, slot.signal],
        onError: (err) => deps.logger.error({ err, requestId: c.get('requestId') }, 'event stream failed'),
        onEnd: slot.release,
      },
      produce,
    );
  };

  return [
    route({
      method: 'get',
      path: '/api/v1/jobs/:id/events',
      tag: 'events',
      scope: 'read',
      summary: "A job's live events; ends after its terminal status",
      params: IdParams,
      headers: LAST_EVENT_ID,
      responses: { 200: SSE_RESPONSE },
      async handler(c, { params, auth }) {
        const workspaceId = auth.workspaceId;
        const resume = await lastEventId(c, longrun.monitor);
        // Position first, then state: whatever happens in between is both in the snapshot and
        // re-sent as events, which carry absolute values, so nothing is missed.
        const start = resume ?? (await longrun.monitor.latestEventId({ workspaceId, jobId: params.id }));
        const detail = await longrun.getJob(params.id, {
          workspaceId,
          logLimit: resume === undefined ? undefined : 0,
        });
        const overAtConnect = detail.completedAt !== null;
        return open(c, async (sse) => {
          sse.retry(2_000);
          if (resume === undefined)
            sse.send({ event: 'snapshot', id: start, data: toJobDetailJson(detail, { maxLogId: start }) });
          else sse.comment(`resuming after ${resume}`);
          await runFeed({
            deps,
            sse,
            options,
            after: start,
            read: (after, limit) => longrun.events({ workspaceId, jobId: params.id, after, limit }),
            deliver: (events) => {
              for (const e of events) {
                if (!sse.send({ event: e.kind, id: e.id, data: eventPayload(e) })) return true;
                if (isFinalEvent(e)) return true;
              }
              return false;
            },
            idleDone: () => overAtConnect,
          });
          // An explicit end tells clients not to reconnect (EventSource would, forever).
          if (!sse.closed) sse.send({ event: 'end', data: { jobId: params.id } });
        });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/events',
      tag: 'events',
      scope: 'read',
      summary: 'Live status, progress and step events of every job in the workspace',
      description:
        'Log lines are not included (use the job stream). `category` keeps events of jobs in those categories; `status` keeps status events entering or leaving those statuses, and progress/step events of jobs currently in them.',
      query: z.strictObject({
        status: commaList('status', JOB_STATUSES).optional(),
        category: commaList('category', longrun.registry.categories).optional(),
      }),
      headers: LAST_EVENT_ID,
      responses: { 200: SSE_RESPONSE },
      async handler(c, { query, auth }) {
        const workspaceId = auth.workspaceId;
        const start =
          (await lastEventId(c, longrun.monitor)) ?? (await longrun.monitor.latestEventId({ workspaceId }));
        const facts = new Map<string, JobFacts>();
        const statuses = query.status ? new Set<string>(query.status) : null;
        const categories = query.category ? new Set(query.category) : null;

        const lookup = async (e: JobEvent): Promise<JobFacts | null> => {
          const known = facts.get(e.jobId);
          if (known) return known;
          const found = await longrun.monitor.findJob({ workspaceId, id: e.jobId });
          if (!found) return null;
          // The job's status now may be later than this event; for a status event the status
          // before it is unknown, so it counts as entering, never as leaving, a filtered status.
          const { category, type, name, status } = found;
          const f = { category, type, name, status: e.kind === 'status' ? null : status };
          // Bounded memory on a stream that stays open for days.
          if (facts.size >= 10_000) facts.delete(facts.keys().next().value!);
          facts.set(e.jobId, f);
          return f;
        };

        const keep = (e: JobEvent, f: JobFacts, before: JobStatus | null): boolean => {
          if (categories && !categories.has(f.category)) return false;
          if (!statuses) return true;
          if (e.kind === 'status')
            return statuses.has(String(e.data.status)) || (before !== null && statuses.has(before));
          return f.status !== null && statuses.has(f.status);
        };

        return open(c, async (sse) => {
          sse.retry(2_000);
          sse.comment('connected');
          await runFeed({
            deps,
            sse,
            options,
            after: start,
            read: (after, limit) => longrun.events({ workspaceId, after, limit }),
            deliver: async (events) => {
              for (const e of events) {
                const f = await lookup(e);
                if (!f) continue; // purged since
                const before = f.status;
                if (e.kind === 'status') f.status = e.data.status as JobStatus;
                if (!keep(e, f, before)) continue;
                // A step event's own `name` is the step's and stays so; the job's name is `jobName`
                // on every event, and `name` too where the event has none of its own.
                const data = Object.assign(
                  eventPayload(e),
                  { category: f.category, type: f.type, jobName: f.name },
                  e.kind === 'step' ? {} : { name: f.name },
                );
                if (!sse.send({ event: e.kind, id: e.id, data })) return true;
              }
              return false;
            },
          });
        });
      },
    }),
  ];
}

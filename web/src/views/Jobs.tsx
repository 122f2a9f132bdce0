/**
 * Every job, filtered by status, category, type, name prefix or an input field, newest first, with
 * rows kept live over the workspace stream and a "load more" that follows the server's cursors.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Job, JobStatus } from '../../../src/client/types.ts';
import { client, errorText, type JobFilters, LongrunApiError, listJobs } from '../api.ts';
import { recordProgress } from '../components/Progress.tsx';
import { STATUSES } from '../components/Status.tsx';
import { looksLikeId } from '../format.ts';
import { useLoad } from '../hooks.ts';
import { applyToList } from '../jobs-live.ts';
import { throttle, useWorkspaceEvents } from '../live.ts';
import { href, navigate, route } from '../router.ts';
import { parseSearch } from '../search.ts';
import { canWrite } from '../session.ts';
import { BulkCancel } from './BulkCancel.tsx';
import { type FilterState, JobsFilters } from './JobsFilters.tsx';
import { JobsTable } from './JobsTable.tsx';

const PAGE = 50;

function readFilters(q: URLSearchParams): FilterState {
  const list = (k: string) => (q.get(k) ?? '').split(',').filter(Boolean);
  return {
    status: list('status').filter((s): s is JobStatus => (STATUSES as string[]).includes(s)),
    category: list('category'),
    type: q.get('type') ?? '',
    search: q.get('q') ?? '',
  };
}

function toApi(f: FilterState): JobFilters {
  const { text, input } = parseSearch(f.search);
  return {
    status: f.status,
    category: f.category,
    type: f.type ? [f.type] : [],
    q: text || undefined,
    input,
  };
}

/**
 * Whether a status event of a job not on screen could add a row: its category, type and new status
 * pass the filters (name and input filters cannot be judged from an event, so those refetch).
 */
function mayMatch(f: JobFilters, d: Record<string, unknown>): boolean {
  const has = (list: string[] | undefined, v: unknown) => !list?.length || list.includes(String(v));
  return has(f.category, d.category) && has(f.type, d.type) && has(f.status, d.status);
}

export function JobsView() {
  const filters = readFilters(route.value.query);
  const api = toApi(filters);
  const key = JSON.stringify(api);
  const scanning = Object.keys(api.input ?? {}).length > 0;

  const [jobs, setJobs] = useState<Job[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [shortPage, setShortPage] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [paused, setPaused] = useState(false);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const seq = useRef(0);
  const jobsRef = useRef(jobs);
  jobsRef.current = jobs;
  const stats = useLoad(() => client.stats(), []);
  const types = useLoad(() => client.jobTypes(), []);

  const load = async (more: boolean) => {
    const mine = ++seq.current;
    setLoading(true);
    try {
      const page = await listJobs(api, PAGE, more ? (cursor ?? undefined) : undefined);
      if (mine !== seq.current) return;
      for (const j of page.jobs) recordProgress(j);
      setJobs((cur) =>
        more ? [...cur, ...page.jobs.filter((j) => !cur.some((c) => c.id === j.id))] : page.jobs,
      );
      setCursor(page.nextCursor);
      setShortPage(page.jobs.length < PAGE && page.nextCursor !== null);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(errorText(err));
    } finally {
      if (mine === seq.current) setLoading(false);
    }
  };

  /** New jobs: the first page again, merged above the rows already loaded. */
  const refreshHead = async () => {
    const mine = seq.current;
    try {
      const page = await listJobs(api, PAGE);
      if (mine !== seq.current) return;
      setJobs((cur) => {
        const fresh = new Set(page.jobs.map((j) => j.id));
        const oldest = page.jobs[page.jobs.length - 1]?.createdAt ?? Number.POSITIVE_INFINITY;
        return [...page.jobs, ...cur.filter((j) => !fresh.has(j.id) && j.createdAt <= oldest)];
      });
      if (jobsRef.current.length <= PAGE) setCursor(page.nextCursor);
    } catch {
      // the next event or a reload tries again
    }
  };

  useEffect(() => {
    setSelected(new Set());
    setJobs([]);
    setCursor(null);
    void load(false);
  }, [key]);

  const refresh = useMemo(
    () => ({
      head: throttle(() => void refreshHead(), scanning ? 5_000 : 1_000),
      stats: throttle(stats.reload, 1_000),
    }),
    [key, stats.reload],
  );
  useEffect(() => () => refresh.head.cancel(), [refresh]);

  useWorkspaceEvents((e) => {
    if (e.event === 'status') {
      refresh.stats();
      if (e.data.created !== undefined || (!jobs.some((j) => j.id === e.data.jobId) && mayMatch(api, e.data)))
        refresh.head();
    }
    setJobs((cur) => applyToList(cur, e));
  }, !paused);

  const pause = (p: boolean) => {
    setPaused(p);
    if (!p) {
      stats.reload();
      void load(false);
    }
  };

  const change = (next: Partial<FilterState>) => {
    const f = { ...filters, ...next };
    const q: Record<string, string> = {};
    if (f.status.length) q.status = f.status.join(',');
    if (f.category.length) q.category = f.category.join(',');
    if (f.type) q.type = f.type;
    if (f.search.trim()) q.q = f.search.trim();
    navigate(href(['jobs'], q), { replace: true });
  };

  const search = async (text: string) => {
    setNote(null);
    const t = text.trim();
    if (looksLikeId(t)) {
      try {
        const job = await client.getJob(t);
        navigate(href(['jobs', job.id]));
        return;
      } catch (err) {
        if (!(err instanceof LongrunApiError && err.status === 404)) {
          setNote(errorText(err));
          return;
        }
        setNote('No job has this id; showing jobs whose name starts with it.');
      }
    }
    change({ search: t });
  };

  const select = (ids: string[], on: boolean) =>
    setSelected((cur) => {
      const next = new Set(cur);
      for (const id of ids) on ? next.add(id) : next.delete(id);
      return next;
    });

  return (
    <section aria-labelledby="jobs-title">
      <h1 id="jobs-title">Jobs</h1>
      <JobsFilters
        value={filters}
        onChange={change}
        onSearch={(t) => void search(t)}
        stats={stats.data}
        types={types.data}
        paused={paused}
        onPause={pause}
      />
      {note && (
        <p class="note" role="status">
          {note}
        </p>
      )}
      {canWrite.value && selected.size > 0 && (
        <BulkCancel
          jobs={jobs.filter((j) => selected.has(j.id))}
          onDone={(summary) => {
            setSelected(new Set());
            setNote(summary);
          }}
        />
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <JobsTable jobs={jobs} selectable={canWrite.value} selected={selected} onSelect={select} />
      <div class="list-foot" aria-live="polite">
        {!loading && jobs.length === 0 && !cursor && <p class="muted">No jobs match these filters.</p>}
        {shortPage && scanning && (
          <p class="muted small">
            Input filters scan at most 10,000 jobs per page on SQLite; this page stopped there. Keep scanning
            for more matches.
          </p>
        )}
        {cursor && (
          <button type="button" disabled={loading} onClick={() => void load(true)}>
            {loading ? 'Loading…' : shortPage && scanning ? 'Continue scanning' : 'Load more'}
          </button>
        )}
        {loading && !cursor && <p class="muted">Loading…</p>}
      </div>
    </section>
  );
}

/**
 * Finished jobs per bucket over the last hour or day: stacked bars (completed, failed, cancelled)
 * and the failure rate as a line. Hand-written SVG; the server lists only buckets with jobs, so the
 * gaps are filled with zeros here.
 */
import type { Timeseries } from '../api.ts';
import { count } from '../format.ts';

const W = 600;
const H = 160;

type Bucket = Timeseries['buckets'][number];

export function fillBuckets(ts: Timeseries, now = Date.now()): Bucket[] {
  const span = ts.window === '24h' ? 24 * 3_600_000 : 3_600_000;
  const first = ts.since ?? Math.floor((now - span) / ts.bucketMs) * ts.bucketMs;
  const byStart = new Map(ts.buckets.map((b) => [b.start, b]));
  const out: Bucket[] = [];
  for (let start = first; start <= now; start += ts.bucketMs)
    out.push(byStart.get(start) ?? { start, completed: 0, failed: 0, cancelled: 0 });
  return out;
}

const label = (start: number): string =>
  new Date(start).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export function Chart({ data }: { data: Timeseries }) {
  const buckets = fillBuckets(data);
  const totals = buckets.map((b) => b.completed + b.failed + b.cancelled);
  const max = Math.max(1, ...totals);
  const bw = W / Math.max(1, buckets.length);
  const y = (n: number) => (n / max) * (H - 4);
  const sum = (k: 'completed' | 'failed' | 'cancelled') => buckets.reduce((a, b) => a + b[k], 0);
  const completed = sum('completed');
  const failed = sum('failed');
  const cancelled = sum('cancelled');
  const rate = completed + failed > 0 ? (failed * 100) / (completed + failed) : 0;
  const points = buckets
    .map((b, i) => {
      const done = b.completed + b.failed;
      return done > 0 ? `${(i + 0.5) * bw},${H - (b.failed / done) * (H - 4)}` : null;
    })
    .filter(Boolean)
    .join(' ');
  const from = buckets[0];
  const summary = `${count(completed)} completed, ${count(failed)} failed (${rate.toFixed(1)}%), ${count(cancelled)} cancelled`;
  return (
    <figure class="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Jobs finished in the last ${data.window}: ${summary}`}
      >
        <line x1="0" x2={W} y1={H - 0.5} y2={H - 0.5} class="axis" />
        <line x1="0" x2={W} y1={4} y2={4} class="grid" />
        {buckets.map((b, i) => {
          const x = i * bw + bw * 0.1;
          const w = Math.max(1, bw * 0.8);
          let top = H;
          const seg = (n: number, cls: string) => {
            if (n <= 0) return null;
            const h = Math.max(1, y(n));
            top -= h;
            return <rect x={x} y={top} width={w} height={h} class={cls} />;
          };
          const total = totals[i] ?? 0;
          return (
            <g key={b.start}>
              <title>{`${label(b.start)}: ${b.completed} completed, ${b.failed} failed, ${b.cancelled} cancelled`}</title>
              {total === 0
                ? null
                : [seg(b.completed, 'ok'), seg(b.failed, 'bad'), seg(b.cancelled, 'cancel')]}
            </g>
          );
        })}
        {points && <polyline points={points} class="rate-line" />}
      </svg>
      <figcaption>
        <span class="axis-label">{from ? label(from.start) : ''}</span>
        <span class="legend">
          <span class="key ok" /> completed {count(completed)} <span class="key bad" /> failed {count(failed)}{' '}
          ({rate.toFixed(1)}%) <span class="key cancel" /> cancelled {count(cancelled)}{' '}
          <span class="key line" /> failure rate · busiest {data.window === '24h' ? 'hour' : 'minute'}:{' '}
          {count(Math.max(0, ...totals))}
        </span>
        <span class="axis-label">now</span>
      </figcaption>
    </figure>
  );
}

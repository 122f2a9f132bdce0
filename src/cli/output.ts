/** Human output for the `jobs` commands: a table line per job, a detail view, log and item lines. */
import type { Item, Job, JobDetail } from '../client/index.ts';
import { escapeControlChars as shown } from '../core/text.ts';
import { type Paint, paintLevel, paintStatus, paintStdout } from './term.ts';

export function time(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

function progressText(p: Job['progress']): string {
  return p.total > 0 ? `${p.completed + p.failed}/${p.total}${p.failed ? ` (${p.failed} failed)` : ''}` : '-';
}

export const JOB_HEADER = [
  'ID'.padEnd(36),
  'STATUS'.padEnd(9),
  'CATEGORY'.padEnd(8),
  'PROGRESS'.padEnd(16),
  'CREATED'.padEnd(19),
  'NAME',
].join('  ');

export function formatJobLine(j: Job, paint: Paint = paintStdout): string {
  return [
    j.id.padEnd(36),
    paintStatus(paint, j.status, 9),
    j.category.padEnd(8),
    progressText(j.progress).padEnd(16),
    time(j.createdAt),
    shown(j.name),
  ].join('  ');
}

export function formatLogLine(
  l: { timestamp: number; level: string; message: string; step: string | null },
  paint: Paint = paintStdout,
): string {
  return `${time(l.timestamp)} ${paintLevel(paint, l.level)} ${l.step ? `[${shown(l.step)}] ` : ''}${shown(l.message)}`;
}

export function printDetail(j: JobDetail, paint: Paint = paintStdout): void {
  const rows: [string, string][] = [
    ['id', j.id],
    ['name', shown(j.name)],
    ['type', `${j.type} (${j.category})`],
    [
      'status',
      paintStatus(paint, j.status) +
        (j.cancelRequestedAt
          ? ` (cancel requested ${time(j.cancelRequestedAt)}${j.cancelledBy ? ` by ${shown(j.cancelledBy)}` : ''})`
          : ''),
    ],
    ['progress', progressText(j.progress)],
    ['attempt', `${j.attempt} of ${j.maxAttempts}`],
    ['created', time(j.createdAt)],
    ['started', time(j.startedAt)],
    ['completed', time(j.completedAt)],
  ];
  if (j.priority !== 0) rows.push(['priority', String(j.priority)]);
  if (j.status === 'pending' && j.runAt > Date.now()) rows.push(['runs at', time(j.runAt)]);
  if (j.retryOf)
    rows.push(['retry of', `${j.retryOf}${j.retryOnly === 'failed-items' ? ' (failed items only)' : ''}`]);
  if (j.scheduleId) rows.push(['schedule', shown(j.scheduleId)]);
  if (j.currentStep) rows.push(['step', shown(j.currentStep)]);
  if (j.error) rows.push(['error', paint('red', shown(`${j.error.code}: ${j.error.message}`))]);
  if (j.steps.length) rows.push(['steps', shown(j.steps.map((s) => `${s.name}:${s.status}`).join(', '))]);
  if (j.result !== null && j.result !== undefined) rows.push(['result', JSON.stringify(j.result)]);
  for (const [k, v] of rows) console.log(`${k.padEnd(10)} ${v}`);
  for (const a of j.attempts) {
    // An attempt's error is `code: message`; a released one's says only "released: released".
    const reason = a.error?.replace(`${a.outcome}: `, '');
    const why = reason && reason !== a.outcome ? ` - ${shown(reason)}` : '';
    console.log(`attempt ${a.attempt}: ${a.outcome ?? 'running'}${why}`);
  }
  const recent = j.logs.slice(-20);
  if (recent.length) {
    console.log(`logs (last ${recent.length} of ${j.logsTotal}):`);
    for (const l of recent) console.log(`  ${formatLogLine(l, paint)}`);
  }
}

/** Columns of the items table, sized on the first page (later pages are cut to them). */
export class ItemTable {
  private readonly stepWidth: number;
  private readonly keyWidth: number;

  constructor(
    first: Item[],
    private readonly paint: Paint = paintStdout,
  ) {
    const widest = (values: string[], min: number) =>
      Math.min(40, Math.max(min, ...values.map((v) => v.length)));
    this.stepWidth = widest(
      first.map((i) => i.step),
      4,
    );
    this.keyWidth = widest(
      first.map((i) => i.key),
      3,
    );
  }

  header(): string {
    return [
      'STEP'.padEnd(this.stepWidth),
      'KEY'.padEnd(this.keyWidth),
      'STATUS'.padEnd(9),
      'ATTEMPT',
      'ERROR',
    ].join('  ');
  }

  line(i: Item): string {
    const fit = (s: string, w: number) => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
    return [
      fit(shown(i.step), this.stepWidth),
      fit(shown(i.key), this.keyWidth),
      paintStatus(this.paint, i.status, 9),
      String(i.attempt).padEnd(7),
      shown(i.error ?? ''),
    ]
      .join('  ')
      .trimEnd();
  }
}

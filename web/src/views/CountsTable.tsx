/** Jobs by category × status from `GET /api/v1/stats` (maintained counters, never count(*)). */
import type { Stats } from '../../../src/client/types.ts';
import { STATUSES } from '../components/Status.tsx';
import { count } from '../format.ts';
import { href } from '../router.ts';

export function CountsTable({ stats }: { stats: Stats }) {
  const categories = Object.keys(stats.byCategory);
  const cell = (n: number, query: Record<string, string>) =>
    n > 0 ? <a href={href(['jobs'], query)}>{count(n)}</a> : <span class="muted">0</span>;
  return (
    <div class="table-wrap">
      <table class="counts">
        <caption class="sr-only">Jobs by category and status</caption>
        <thead>
          <tr>
            <th scope="col">Category</th>
            {STATUSES.map((s) => (
              <th scope="col" key={s}>
                <span class={`dot status-${s}`} aria-hidden="true" /> {s}
              </th>
            ))}
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {categories.map((c) => {
            const row = stats.byCategory[c] ?? {};
            const total = STATUSES.reduce((a, s) => a + (row[s] ?? 0), 0);
            return (
              <tr key={c}>
                <th scope="row">{c}</th>
                {STATUSES.map((s) => (
                  <td key={s}>{cell(row[s] ?? 0, { status: s, category: c })}</td>
                ))}
                <td>{cell(total, { category: c })}</td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All</th>
            {STATUSES.map((s) => (
              <td key={s}>{cell(stats.byStatus[s] ?? 0, { status: s })}</td>
            ))}
            <td>{cell(stats.total, {})}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

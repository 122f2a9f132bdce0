/** The items that failed (key, error, attempt), a page at a time with the server's cursors. */
import { useEffect, useState } from 'preact/hooks';
import type { Item } from '../../../src/client/types.ts';
import { client, errorText } from '../api.ts';
import { clean, clock } from '../format.ts';

const PAGE = 25;

/** `failed` is the job's failed count: a change reloads the first page while it is shown. */
export function FailedItems({ jobId, failed }: { jobId: string; failed: number }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [items, setItems] = useState<Item[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = cursors[cursors.length - 1];
  const onFirst = cursors.length === 1;

  useEffect(() => {
    let live = true;
    const t = setTimeout(
      () => {
        client.listItems(jobId, { status: 'failed', limit: PAGE, cursor }).then(
          (page) => {
            if (!live) return;
            setItems(page.items);
            setNext(page.nextCursor);
            setError(null);
          },
          (err: unknown) => live && setError(errorText(err)),
        );
      },
      items === null ? 0 : 1_000,
    );
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [jobId, cursor, onFirst ? failed : 0]);

  if (failed === 0 && onFirst && (items === null || items.length === 0))
    return <p class="muted">No item failed.</p>;
  return (
    <div>
      {error && <p class="error">{error}</p>}
      <div class="table-wrap">
        <table class="items">
          <caption class="sr-only">Failed items</caption>
          <thead>
            <tr>
              <th scope="col">Item key</th>
              <th scope="col">Step</th>
              <th scope="col">Error</th>
              <th scope="col">Attempt</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {items?.map((it) => (
              <tr key={`${it.step}\u0000${it.key}`}>
                <td>
                  <code>{clean(it.key)}</code>
                </td>
                <td>{clean(it.step)}</td>
                <td class="error-text">{clean(it.error ?? '')}</td>
                <td>{it.attempt}</td>
                <td>{clock(it.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pager">
        <button type="button" disabled={onFirst} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </button>
        <span class="muted small">Page {cursors.length}</span>
        <button type="button" disabled={!next} onClick={() => next && setCursors((c) => [...c, next])}>
          Next
        </button>
      </div>
    </div>
  );
}

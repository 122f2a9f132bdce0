/**
 * Hash routing (`#/jobs?status=running`, `#/jobs/<id>`, `#/types`, `#/keys`, `#/`): the server
 * serves one index.html and needs no fallback route for deep links.
 */
import { signal } from '@preact/signals';

export interface Route {
  /** Path segments, decoded: `#/jobs/abc` → ['jobs', 'abc']. */
  path: string[];
  query: URLSearchParams;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const q = raw.indexOf('?');
  const path = (q < 0 ? raw : raw.slice(0, q))
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  return { path, query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

export const route = signal<Route>(parse(location.hash));

addEventListener('hashchange', () => {
  route.value = parse(location.hash);
});

export function href(path: string[], query?: URLSearchParams | Record<string, string>): string {
  const qs = new URLSearchParams(query).toString();
  return `#/${path.map(encodeURIComponent).join('/')}${qs ? `?${qs}` : ''}`;
}

/** Goes to a route; `replace` keeps filter changes out of the back button's history. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) {
    history.replaceState(history.state, '', to);
    route.value = parse(to);
  } else {
    location.hash = to;
  }
}

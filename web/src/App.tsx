/** The shell: sign-in until there is a session, then the navigation and the current route's view. */
import { useEffect } from 'preact/hooks';
import { connected, jobStreams } from './live.ts';
import { route } from './router.ts';
import { isAdmin, logout, session } from './session.ts';
import { JobView } from './views/Job.tsx';
import { JobsView } from './views/Jobs.tsx';
import { KeysView } from './views/Keys.tsx';
import { OverviewView } from './views/Overview.tsx';
import { SignIn } from './views/SignIn.tsx';
import { TypesView } from './views/Types.tsx';

const TITLES: Record<string, string> = { '': 'Overview', jobs: 'Jobs', types: 'Job types', keys: 'Keys' };

function Nav() {
  const here = route.value.path[0] ?? '';
  const s = session.value;
  const live = connected.value || jobStreams.value > 0;
  const link = (to: string, label: string) => (
    <a href={`#/${to}`} aria-current={here === to ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <header class="top">
      <a class="brand" href="#/">
        <span class="logo" aria-hidden="true" />
        Longrun
      </a>
      <nav aria-label="Main">
        {link('', 'Overview')}
        {link('jobs', 'Jobs')}
        {link('types', 'Job types')}
        {isAdmin.value && link('keys', 'Keys')}
      </nav>
      <div class="who">
        <span class={`live-dot${live ? ' on' : ''}`} title={live ? 'Live updates on' : 'Live updates off'} />
        {s && (
          <span class="muted">
            {s.keyName || 'key'} · {s.scope} · {s.workspace}
          </span>
        )}
        <button type="button" class="link" onClick={() => void logout()}>
          Sign out
        </button>
      </div>
    </header>
  );
}

function Current() {
  const { path } = route.value;
  const [first, second] = path;
  if (first === 'jobs' && second) return <JobView id={second} key={second} />;
  if (first === 'jobs') return <JobsView />;
  if (first === 'types') return <TypesView />;
  if (first === 'keys') return isAdmin.value ? <KeysView /> : <p>Only an admin key sees the keys.</p>;
  if (!first) return <OverviewView />;
  return (
    <p>
      No such page. <a href="#/">Go to the overview</a>.
    </p>
  );
}

export function App() {
  const s = session.value;
  const first = route.value.path[0] ?? '';
  useEffect(() => {
    document.title = `${TITLES[first] ?? 'Job'} · Longrun`;
  }, [first]);
  if (s === undefined) return <p class="loading">Loading…</p>;
  if (s === null) return <SignIn />;
  return (
    <>
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <Nav />
      <main id="main" tabIndex={-1}>
        <Current />
      </main>
    </>
  );
}
